"""Submitting claims: one 837 per payer and claim type in the outbox, valid to pyx12, claims moved once."""
import json

import boto3
import pytest

from chalicelib.claims import codec
from chalicelib.claims.items import ClaimItem
from chalicelib.core.settings import get_settings
from chalicelib.db import keys
from chalicelib.edi.claim.writer import RENDERING, render
from chalicelib.edi.claim.reader import read_837
from tests.api.test_claims import Practice
from tests.x12_validate import pyx12_errors
from tests.dates import at_desk, days_ago


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def outbox_text(batch):
    body = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"]
    return body.read().decode()


def test_ready_claims_go_out_as_one_valid_837p(practice, api):
    claims = [practice.claim(), practice.claim(at=at_desk(days_ago(9)))]
    submitted = practice.post("/claim-batches", {"claim_ids": [c["id"] for c in claims]})
    assert submitted["claim_count"] == 2 and len(submitted["batches"]) == 1
    batch = submitted["batches"][0]
    assert batch["status"] == "sent" and batch["claim_type"] == "professional"
    assert batch["file_key"] == f"outbox/{practice.firm_id}/{practice.id}/{batch['id']}.837"
    text = outbox_text(batch)
    assert pyx12_errors(text) == []
    assert len(text) == batch["file_bytes"]
    assert sorted(c.patient_control_number for c in read_837(text)) == sorted(
        c["patient_control_number"] for c in claims)
    for claim in claims:
        now = api.get(f"{practice.base}/claims/{claim['id']}", key=practice.admin)[1]
        assert now["status"] == "submitted" and now["batch_id"] == batch["id"] and now["submitted_at"]


def test_all_ready_claims_go_out_one_file_per_payer(practice, api):
    first = practice.claim()
    other_payer = practice.post("/payers", {"name": "Cigna", "payer_id": "62308"})["id"]
    second_patient = practice.post("/patients", {**{"first_name": "Ada", "last_name": "Park",
                                                    "birth_date": "1980-02-02", "sex": "F"},
                                                 "address": {"line1": "9 Oak St", "city": "Springfield",
                                                             "state": "IL", "zip": "62704"}})["id"]
    practice.post(f"/patients/{second_patient}/coverages", {"payer_id": other_payer, "member_id": "CIG998877",
                                                            "effective_from": "2026-01-01"})
    practice.patient = second_patient
    second = practice.claim()
    submitted = practice.post("/claim-batches", {"all_ready": True})
    assert sorted(b["payer_id"] for b in submitted["batches"]) == sorted([practice.payer, other_payer])
    assert sorted(i for b in submitted["batches"] for i in b["claim_ids"]) == sorted([first["id"], second["id"]])
    numbers = [b["interchange_control_number"] for b in submitted["batches"]]
    assert len(set(numbers)) == 2  # ISA13 never repeats
    assert practice.post("/claim-batches", {"all_ready": True}, status=409)["status"] == 409


def test_a_claim_that_is_not_ready_refuses_the_submission_and_nothing_moves(practice, api):
    ready = practice.claim()
    broken = practice.claim(at=at_desk(days_ago(8)))
    api.patch(f"{practice.base}/claims/{broken['id']}", {"lines": [
        {"code": "99213", "charge_cents": 0, "diagnosis_pointers": [1]}]}, key=practice.admin,
        headers={"If-Match": "1"})
    refused = practice.post("/claim-batches", {"claim_ids": [ready["id"], broken["id"]]}, status=422)
    assert [e["field"] for e in refused["errors"]] == ["claim_ids.1"]
    assert api.get(f"{practice.base}/claims/{ready['id']}", key=practice.admin)[1]["status"] == "ready"
    assert api.get(f"{practice.base}/claim-batches", key=practice.admin)[1]["data"] == []


def test_a_submitted_claim_is_not_submitted_again(practice):
    claim = practice.claim()
    practice.post("/claim-batches", {"claim_ids": [claim["id"]]})
    again = practice.post("/claim-batches", {"claim_ids": [claim["id"]]}, status=422)
    assert "submitted" in again["errors"][0]["message"]


def test_an_institutional_batch_is_a_valid_837i(world, api):
    practice = Practice(world, api, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99283", "revenue_code": "0450", "diagnosis_pointers": [1], "unit_charge_cents": 52000}]}
    visit = practice.coded_visit(coding=coding)
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": {
        "type_of_bill": "131", "attending_provider_id": practice.provider, "admission_type": "1",
        "admission_source": "1", "patient_status": "01"}})
    batch = practice.post("/claim-batches", {"claim_ids": [claim["id"]]})["batches"][0]
    text = outbox_text(batch)
    assert "005010X223A2" in text and pyx12_errors(text) == []
    assert api.get(f"{practice.base}/claim-batches/{batch['id']}", key=practice.admin)[1]["claim_count"] == 1


def test_an_inpatient_claim_needs_its_admission_facts_and_then_goes_out_valid(world, api):
    practice = Practice(world, api, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99223", "revenue_code": "0120", "diagnosis_pointers": [1], "unit_charge_cents": 150000}]}
    visit = practice.coded_visit(coding=coding)
    inpatient = {"type_of_bill": "111", "attending_provider_id": practice.provider}
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": inpatient})
    assert claim["status"] == "needs_fix"
    assert {"inpatient-admission", "admitting-diagnosis"} <= {f["rule_id"] for f in claim["findings"]}
    visit = practice.coded_visit(at=at_desk(days_ago(9)), coding=coding)
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": {
        **inpatient, "admission_type": "1", "admission_source": "7", "patient_status": "01",
        "admission_date": days_ago(9).isoformat(), "admission_hour": 8, "discharge_hour": 17, "admitting_diagnosis": "R07.9"}})
    assert claim["status"] == "ready", claim["findings"]
    batch = practice.post("/claim-batches", {"claim_ids": [claim["id"]]})["batches"][0]
    assert pyx12_errors(outbox_text(batch)) == []


def test_a_medicare_payer_is_billed_with_its_claim_filing_indicator(practice, api):
    url = f"{practice.base}/payers/{practice.payer}"
    status, payer, _ = api.patch(url, {"claim_filing_indicator": "MB"}, key=practice.admin, headers={"If-Match": "1"})
    assert status == 200 and payer["claim_filing_indicator"] == "MB"
    batch = practice.post("/claim-batches", {"claim_ids": [practice.claim()["id"]]})["batches"][0]
    text = outbox_text(batch)
    (sbr,) = [segment.split("*") for segment in text.split("~") if segment.startswith("SBR*")]
    assert sbr[9] == "MB" and pyx12_errors(text) == []
    assert api.patch(url, {"claim_filing_indicator": "XX"}, key=practice.admin, headers={"If-Match": "2"})[0] == 422


def stored_claim(practice, claim_id) -> ClaimItem:
    return ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(claim_id))


def test_a_claim_keeps_the_837_segments_of_its_document_as_built_and_as_edited(practice, api):
    claim = practice.claim()
    built = stored_claim(practice, claim["id"])
    assert json.loads(built.segments)["rendering"] == RENDERING
    assert codec.claim_837(built.document, built.segments) == render(codec.loads(built.document))
    api.patch(f"{practice.base}/claims/{claim['id']}", {"prior_authorization": "AUTH55"}, key=practice.admin,
              headers={"If-Match": "1"})
    edited = stored_claim(practice, claim["id"])
    assert "REF*G1*AUTH55" in json.loads(edited.segments)["claim"]
    assert codec.claim_837(edited.document, edited.segments) == render(codec.loads(edited.document))


def test_claims_stored_before_segments_go_out_beside_the_others_in_one_valid_837(practice):
    claims = [practice.claim(), practice.claim(at=at_desk(days_ago(9))), practice.claim(at=at_desk(days_ago(8)))]
    stored_claim(practice, claims[1]["id"]).update(actions=[ClaimItem.segments.remove()])
    batch = practice.post("/claim-batches", {"claim_ids": [c["id"] for c in claims]})["batches"][0]
    text = outbox_text(batch)
    assert pyx12_errors(text) == []
    assert [c.patient_control_number for c in read_837(text)] == [c["patient_control_number"] for c in claims]
