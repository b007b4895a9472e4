"""Coding a checked-out visit: diagnoses checked against ICD-10-CM on the date of service, lines priced."""
import pytest

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


def test_a_date_outside_the_loaded_code_set_is_a_warning_not_an_error(api, coder):
    url = coder["visit"](at="2026-11-20T09:00:00-06:00")  # FY2027: the index holds FY2026
    status, coded, _ = api.call("PUT", f"{url}/coding", coding(lines=[
        {"code": "99213", "diagnosis_pointers": [1]}]), key=coder["key"])
    assert status == 200 and len(coded["warnings"]) == 2 and "unknown for that date" in coded["warnings"][0]


def test_only_a_checked_out_visit_is_coded(api, coder):
    url = coder["visit"](check_out=False)
    assert api.call("PUT", f"{url}/coding", coding(), key=coder["key"])[0] == 409
