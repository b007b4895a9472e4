"""Claims through the API: built from a coded visit, scrubbed, edited with versions, replaced or voided."""
from datetime import date, timedelta

import pytest
from tests.dates import at_desk, days_ago

PATIENT = {"first_name": "Lu", "last_name": "Chen", "birth_date": "1966-06-06", "sex": "M",
           "address": {"line1": "8 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"}}
CODING = {"diagnoses": ["E11.9", "I10"],
          "lines": [{"code": "99213", "diagnosis_pointers": [1, 2]},
                    {"code": "82962", "units": 2, "unit_charge_cents": 1500, "diagnosis_pointers": [1]}]}


class Practice:
    def __init__(self, world, api, claim_type="professional", firm=None):
        """A practice of a new firm, or of `firm` (its id and admin key) when given."""
        self.api = api
        self.firm_id, self.admin = firm or world.firm()
        self.id = world.practice(self.admin)
        self.base = f"/practices/{self.id}"
        self.payer = self.post("/payers", {"name": "Aetna", "payer_id": "60054", "claim_type": claim_type,
                                           "timely_filing_days": 365})["id"]
        self.post("/fee-schedule", {"code": "99213", "charge_cents": 12500, "effective_from": "2026-01-01"})
        self.provider = self.post("/providers", {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam",
                                                 "last_name": "Lee", "taxonomy_code": "207Q00000X",
                                                 "roles": ["rendering", "attending"]})["id"]
        self.patient = self.post("/patients", PATIENT)["id"]
        self.post(f"/patients/{self.patient}/coverages", {"payer_id": self.payer, "member_id": "ACT123456",
                                                          "effective_from": "2026-01-01"})

    def post(self, path, body, status=201, **kw):
        code, answer, _ = self.api.post(self.base + path, body, key=self.admin, **kw)
        assert code == status, answer
        return answer

    def coded_visit(self, at=None, coding=None):
        """A visit ten days ago (inside every filing limit), checked in, out and coded."""
        visit = self.post("/visits", {"patient_id": self.patient, "provider_id": self.provider,
                                      "scheduled_at": at or at_desk(days_ago(10))})
        url = f"/visits/{visit['id']}"
        self.post(url + "/check-in", {"version": 1}, status=200)
        self.post(url + "/check-out", {"version": 2}, status=200)
        code, coded, _ = self.api.call("PUT", self.base + url + "/coding", coding or CODING, key=self.admin)
        assert code == 200, coded
        return visit["id"]

    def claim(self, body=None, **kw):
        return self.post(f"/visits/{self.coded_visit(**kw)}/claim", body or {})


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def test_a_coded_visit_becomes_a_ready_professional_claim(practice):
    claim = practice.claim()
    assert claim["status"] == "ready", claim["findings"]
    assert claim["claim_type"] == "professional" and claim["frequency_code"] == "1"
    assert claim["diagnoses"] == ["E119", "I10"] and claim["total_charge_cents"] == 15500
    assert [line["code"] for line in claim["lines"]] == ["99213", "82962"]
    assert claim["error_count"] == 0 and len(claim["patient_control_number"]) <= 20


def test_a_claim_shows_its_history(practice, api):
    claim = practice.claim()
    status, events, _ = api.get(f"{practice.base}/claims/{claim['id']}/events", key=practice.admin)
    assert status == 200
    assert [(e["event"], e["from_status"], e["to_status"]) for e in events["data"]] == [("built", None, "ready")]


def test_a_visit_has_one_claim(practice):
    visit = practice.coded_visit()
    first = practice.post(f"/visits/{visit}/claim", {})
    again = practice.post(f"/visits/{visit}/claim", {}, status=409)
    assert first["id"] in again["detail"]


def test_an_uncoded_visit_has_no_claim_yet(practice):
    visit = practice.post("/visits", {"patient_id": practice.patient, "provider_id": practice.provider,
                                      "scheduled_at": at_desk(days_ago(10))})
    assert practice.post(f"/visits/{visit['id']}/claim", {}, status=409)["status"] == 409


def test_a_claim_with_errors_needs_fix_and_an_edit_makes_it_ready(practice, api):
    claim = practice.claim(body={"prior_authorization": "AUTH-1"})
    status, edited, _ = api.patch(f"{practice.base}/claims/{claim['id']}", {"lines": [
        {"code": "99213", "charge_cents": 0, "diagnosis_pointers": [1]}]}, key=practice.admin,
        headers={"If-Match": str(claim["version"])})
    assert status == 200 and edited["status"] == "needs_fix"
    assert any(f["severity"] == "error" and f["field"].startswith("claim.lines.0") for f in edited["findings"])
    status, work, _ = api.get(f"{practice.base}/claims?status=needs_fix", key=practice.admin)
    assert [c["id"] for c in work["data"]] == [claim["id"]]
    status, fixed, _ = api.patch(f"{practice.base}/claims/{claim['id']}", {"lines": [
        {"code": "99213", "charge_cents": 12500, "diagnosis_pointers": [1]}]}, key=practice.admin,
        headers={"If-Match": str(edited["version"])})
    assert status == 200 and fixed["status"] == "ready" and fixed["total_charge_cents"] == 12500
    assert fixed["prior_authorization"] == "AUTH-1"
    assert api.get(f"{practice.base}/claims?status=needs_fix", key=practice.admin)[1]["data"] == []


def test_a_stale_edit_is_refused_and_changes_nothing(practice, api):
    claim = practice.claim()
    url = f"{practice.base}/claims/{claim['id']}"
    api.patch(url, {"referral_number": "R1"}, key=practice.admin, headers={"If-Match": "1"})
    status, problem, _ = api.patch(url, {"referral_number": "R2"}, key=practice.admin, headers={"If-Match": "1"})
    assert status == 409
    assert api.get(url, key=practice.admin)[1]["referral_number"] == "R1"


def test_the_same_services_billed_twice_are_flagged_as_a_duplicate(practice):
    first = practice.claim()
    second = practice.claim(at=at_desk(days_ago(10), hour=15))
    duplicate = [f for f in second["findings"] if f["rule_id"] == "duplicate-claim"]
    assert second["status"] == "needs_fix" and duplicate and first["id"] in duplicate[0]["message"]


def test_an_institutional_claim_carries_its_ub04_facts(world, api):
    practice = Practice(world, api, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99283", "revenue_code": "0450", "diagnosis_pointers": [1], "unit_charge_cents": 52000}]}
    visit = practice.coded_visit(coding=coding)
    refused = practice.post(f"/visits/{visit}/claim", {}, status=422)
    assert refused["errors"][0]["field"] == "institutional"
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": {
        "type_of_bill": "131", "attending_provider_id": practice.provider, "admission_type": "1",
        "admission_source": "1", "patient_status": "01"}})
    assert claim["claim_type"] == "institutional" and claim["type_of_bill"] == "131"
    assert claim["status"] == "ready", claim["findings"]
    assert claim["lines"][0]["revenue_code"] == "0450"


def test_an_institutional_claim_takes_the_ub04_four_digit_type_of_bill_and_keeps_three(world, api):
    practice = Practice(world, api, claim_type="institutional")
    coding = {"diagnoses": ["I10"], "lines": [
        {"code": "99283", "revenue_code": "0450", "diagnosis_pointers": [1], "unit_charge_cents": 52000}]}
    a_month_ago = (date.today() - timedelta(days=30)).isoformat()
    visit = practice.coded_visit(at=f"{a_month_ago}T09:00:00-06:00", coding=coding)
    claim = practice.post(f"/visits/{visit}/claim", {"institutional": {
        "type_of_bill": "0131", "attending_provider_id": practice.provider, "admission_type": "1",
        "admission_source": "1", "patient_status": "01"}})
    assert claim["type_of_bill"] == "131" and claim["frequency_code"] == "1"
    assert claim["status"] == "ready", claim["findings"]


def test_a_submitted_claim_is_changed_only_by_replacement_or_void(practice, api):
    claim = practice.claim()
    practice.post("/claim-batches", {"claim_ids": [claim["id"]]})
    url = f"{practice.base}/claims/{claim['id']}"
    assert api.patch(url, {"referral_number": "R9"}, key=practice.admin, headers={"If-Match": "2"})[0] == 409
    needs_number = practice.post(f"/claims/{claim['id']}/replacement", {}, status=422)
    assert needs_number["errors"][0]["field"] == "payer_claim_control_number"
    replacement = practice.post(f"/claims/{claim['id']}/replacement", {"payer_claim_control_number": "ICN2026001"})
    assert replacement["frequency_code"] == "7" and replacement["status"] == "ready", replacement["findings"]
    assert replacement["payer_claim_control_number"] == "ICN2026001"
    assert replacement["patient_control_number"] != claim["patient_control_number"]
    original = api.get(url, key=practice.admin)[1]
    assert original["status"] == "corrected" and original["replaced_by_claim_id"] == replacement["id"]


def test_a_void_closes_the_claim_it_cancels(practice, api):
    claim = practice.claim()
    practice.post("/claim-batches", {"claim_ids": [claim["id"]]})
    void = practice.post(f"/claims/{claim['id']}/void", {"payer_claim_control_number": "ICN2026002"})
    assert void["frequency_code"] == "8"
    assert api.get(f"{practice.base}/claims/{claim['id']}", key=practice.admin)[1]["status"] == "closed"
    assert practice.post(f"/claims/{claim['id']}/void", {}, status=409)["status"] == 409


def test_a_front_desk_key_cannot_read_claims(practice, world, api):
    claim = practice.claim()
    desk = world.key(practice.admin, "front_desk", [practice.id])
    assert api.get(f"{practice.base}/claims/{claim['id']}", key=desk)[0] == 403


def test_fixing_the_practice_record_and_refreshing_makes_the_claim_ready(world, api):
    practice = Practice(world, api)
    address = {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}
    api.patch(f"{practice.base}", {"address": address}, key=practice.admin, headers={"If-Match": "1"})
    claim = practice.claim()
    assert claim["status"] == "needs_fix"
    assert [f["rule_id"] for f in claim["findings"] if f["severity"] == "error"] == ["billing-zip-plus-four"]
    api.patch(f"{practice.base}", {"address": {**address, "zip": "627011234"}}, key=practice.admin,
              headers={"If-Match": "2"})
    refreshed = practice.post(f"/claims/{claim['id']}/refresh", {"version": claim["version"]}, status=200)
    assert refreshed["status"] == "ready" and refreshed["version"] == claim["version"] + 1
    events = api.get(f"{practice.base}/claims/{claim['id']}/events", key=practice.admin)[1]["data"]
    assert [e["event"] for e in events] == ["built", "refreshed"]
