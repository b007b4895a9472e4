"""Coding a checked-out visit: diagnoses checked against ICD-10-CM on the date of service, lines priced."""
from datetime import timedelta

import pytest

from chalicelib.coding import icd10cm

PATIENT = {"first_name": "Lu", "last_name": "Chen", "birth_date": "1966-06-06", "sex": "M",
           "address": {"line1": "8 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"}}


@pytest.fixture
def coder(world, api):
    _, admin = world.firm()
    pid = world.practice(admin)
    base = f"/practices/{pid}"
    api.post(f"{base}/fee-schedule", {"code": "99213", "charge_cents": 12500, "effective_from": "2026-01-01"},
             key=admin)
    provider = api.post(f"{base}/providers", {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam",
                                              "last_name": "Lee", "taxonomy_code": "207Q00000X",
                                              "roles": ["rendering"]}, key=admin)[1]["id"]
    patient = api.post(f"{base}/patients", PATIENT, key=admin)[1]["id"]

    def visit(at="2026-03-10T09:00:00-06:00", check_out=True):
        made = api.post(f"{base}/visits", {"patient_id": patient, "provider_id": provider, "scheduled_at": at},
                        key=admin)[1]
        if check_out:
            api.post(f"{base}/visits/{made['id']}/check-in", {"version": 1}, key=admin)
            api.post(f"{base}/visits/{made['id']}/check-out", {"version": 2}, key=admin)
        return f"{base}/visits/{made['id']}"

    return {"key": world.key(admin, "coder", [pid]), "visit": visit}


def coding(**overrides):
    body = {"diagnoses": ["E11.9", "I10"],
            "lines": [{"code": "99213", "modifiers": ["25"], "diagnosis_pointers": [1, 2]},
                      {"code": "82962", "units": 2, "unit_charge_cents": 1500, "diagnosis_pointers": [1]}]}
    return {**body, **overrides}


def test_a_checked_out_visit_is_coded_and_priced_from_the_fee_schedule(api, coder):
    url = coder["visit"]()
    status, coded, _ = api.call("PUT", f"{url}/coding", coding(), key=coder["key"])
    assert status == 200, coded
    assert coded["diagnoses"] == ["E119", "I10"] and coded["warnings"] == []
    assert [(line["charge_cents"], line["charge_source"]) for line in coded["lines"]] == [
        (12500, "fee_schedule"), (3000, "override")]
    assert coded["total_charge_cents"] == 15500 and coded["version"] == 1
    assert api.get(f"{url}/coding", key=coder["key"])[1] == coded


def test_replacing_a_coding_needs_the_version_read(api, coder):
    url = coder["visit"]()
    api.call("PUT", f"{url}/coding", coding(), key=coder["key"])
    body = coding(diagnoses=["I10"], lines=[{"code": "99213", "diagnosis_pointers": [1]}])
    assert api.call("PUT", f"{url}/coding", body, key=coder["key"])[0] == 409
    status, replaced, _ = api.call("PUT", f"{url}/coding", body, key=coder["key"], headers={"If-Match": "1"})
    assert status == 200 and replaced["version"] == 2 and replaced["total_charge_cents"] == 12500


@pytest.mark.parametrize("body, field", [
    (coding(diagnoses=["E11"]), "diagnoses.0"),                  # a category header is not billable
    (coding(diagnoses=["Z99.999"]), "diagnoses.0"),              # not in the code set
    (coding(diagnoses=["I10", "I10"]), "diagnoses.1"),           # listed twice
    (coding(lines=[{"code": "9921X", "diagnosis_pointers": [1]}]), "lines.0.code"),
    (coding(lines=[{"code": "99213", "modifiers": ["LT", "RT"], "diagnosis_pointers": [1]}]), "lines.0.modifiers"),
    (coding(lines=[{"code": "99213", "diagnosis_pointers": [3]}]), "lines.0.diagnosis_pointers"),
    (coding(lines=[{"code": "99214", "diagnosis_pointers": [1]}]), "lines.0.unit_charge_cents"),  # no fee
])
def test_coding_problems_are_422_with_the_field_and_save_nothing(api, coder, body, field):
    url = coder["visit"]()
    status, answer, _ = api.call("PUT", f"{url}/coding", body, key=coder["key"])
    assert status == 422 and field in [e["field"] for e in answer["errors"]], answer
    assert api.get(f"{url}/coding", key=coder["key"])[0] == 404


def test_a_fy2027_visit_refuses_a_header_an_unknown_code_and_a_code_missing_its_seventh_character(api, coder):
    url = coder["visit"](at="2026-11-20T09:00:00-06:00")
    body = coding(diagnoses=["E11", "E11.99X", "S72.001"], lines=[{"code": "99213", "diagnosis_pointers": [1]}])
    status, answer, _ = api.call("PUT", f"{url}/coding", body, key=coder["key"])
    assert status == 422 and [e["field"] for e in answer["errors"]] == ["diagnoses.0", "diagnoses.1", "diagnoses.2"]
    assert "FY2027" in answer["errors"][1]["message"] and "7th character" in answer["errors"][2]["message"]
    assert api.get(f"{url}/coding", key=coder["key"])[0] == 404


@pytest.mark.parametrize("at, code, said", [
    ("2026-10-01T09:00:00-05:00", "S23.420A", "deleted on 2026-10-01"),  # deleted from FY2027
    ("2026-09-30T09:00:00-05:00", "I42.00", "took effect on 2026-10-01"),  # new in FY2027
    ("2026-10-01T09:00:00-05:00", "I42.0", "is a header in ICD-10-CM FY2027"),  # subdivided in FY2027
])
def test_a_code_is_refused_on_a_date_its_code_set_does_not_allow_it(api, coder, at, code, said):
    url = coder["visit"](at=at)
    body = coding(diagnoses=[code], lines=[{"code": "99213", "diagnosis_pointers": [1]}])
    status, answer, _ = api.call("PUT", f"{url}/coding", body, key=coder["key"])
    assert status == 422 and said in answer["errors"][0]["message"], answer


def test_a_visit_past_the_newest_code_set_is_coded_with_one_note_and_a_warning_per_unknown_code(api, coder):
    newest = icd10cm.code_sets()[-1]
    url = coder["visit"](at=f"{newest.ends + timedelta(days=15)}T09:00:00-05:00")
    body = coding(diagnoses=["E11.9", "I10", "E11.99X"], lines=[{"code": "99213", "diagnosis_pointers": [1]}])
    status, coded, _ = api.call("PUT", f"{url}/coding", body, key=coder["key"])
    assert status == 200 and coded["diagnoses"] == ["E119", "I10", "E1199X"], coded
    note, unknown = coded["warnings"]
    assert "is not loaded" in note and f"judged with {newest.name}" in note
    assert unknown.startswith(f"E11.99X is not in ICD-10-CM {newest.name}, the newest code set loaded")


def test_only_a_checked_out_visit_is_coded(api, coder):
    url = coder["visit"](check_out=False)
    assert api.call("PUT", f"{url}/coding", coding(), key=coder["key"])[0] == 409
