"""A claim bills only a coverage in effect on its dates of service, and the front desk hears about it first."""
from datetime import timedelta

import pytest

from tests.api.test_claims import Practice
from tests.dates import at_desk, days_ago, days_ahead, today

DAY = days_ago(20)  # the visit's day: well inside any payer's filing limit


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def coverage(practice, api):
    status, page, _ = api.get(f"{practice.base}/patients/{practice.patient}/coverages", key=practice.admin)
    assert status == 200
    return page["data"][0]


def change_coverage(practice, api, **changes):
    held = coverage(practice, api)
    status, changed, _ = api.patch(f"{practice.base}/patients/{practice.patient}/coverages/{held['id']}",
                                   {**changes, "version": held["version"]}, key=practice.admin)
    assert status == 200, changed
    return changed


def rule_ids(claim):
    return {finding["rule_id"] for finding in claim["findings"] if finding["severity"] == "error"}


def warning_codes(visit):
    return [warning["code"] for warning in visit["warnings"]]


def book(practice, day):
    return practice.post("/visits", {"patient_id": practice.patient, "provider_id": practice.provider,
                                     "scheduled_at": at_desk(day)})


def test_a_claim_on_a_coverage_that_had_ended_needs_fix(practice, api):
    change_coverage(practice, api, effective_to=(DAY - timedelta(days=1)).isoformat())
    claim = practice.claim(at=at_desk(DAY))
    assert claim["status"] == "needs_fix" and "coverage-in-effect" in rule_ids(claim)


def test_a_claim_refreshed_onto_the_coverage_in_effect_becomes_ready(practice, api):
    visit = practice.coded_visit(at=at_desk(DAY))  # booked on the card the patient showed then
    ended = change_coverage(practice, api, effective_to=(DAY - timedelta(days=1)).isoformat(), active=False)
    claim = practice.post(f"/visits/{visit}/claim", {})
    assert claim["status"] == "needs_fix" and "coverage-in-effect" in rule_ids(claim)
    current = practice.post(f"/patients/{practice.patient}/coverages", {
        "payer_id": practice.payer, "member_id": "ACT654321", "effective_from": (DAY - timedelta(days=1)).isoformat()})
    refreshed = practice.post(f"/claims/{claim['id']}/refresh", {"version": claim["version"],
                                                                 "coverage_id": current["id"]}, status=200)
    assert refreshed["status"] == "ready", refreshed["findings"]
    assert refreshed["coverage_id"] == current["id"] != ended["id"]


def test_a_claim_cannot_be_refreshed_onto_another_patients_coverage(practice, api):
    claim = practice.claim(at=at_desk(DAY))
    other = practice.post("/patients", {"first_name": "Ana", "last_name": "Ruiz", "birth_date": "1980-01-02",
                                        "sex": "F", "address": {"line1": "9 Oak St", "city": "Springfield",
                                                                "state": "IL", "zip": "62704"}})["id"]
    theirs = practice.post(f"/patients/{other}/coverages", {"payer_id": practice.payer, "member_id": "ACT111222",
                                                            "effective_from": "2020-01-01"})
    refused = practice.post(f"/claims/{claim['id']}/refresh", {"version": claim["version"],
                                                               "coverage_id": theirs["id"]}, status=422)
    assert refused["errors"][0]["field"] == "coverage_id"
    assert api.get(f"{practice.base}/claims/{claim['id']}", key=practice.admin)[1]["version"] == claim["version"]


def test_a_claim_whose_eligibility_answer_was_inactive_needs_fix(practice, api):
    change_coverage(practice, api, member_id="INA998877")
    claim = practice.claim(at=at_desk(DAY))
    assert claim["status"] == "needs_fix" and "eligibility-inactive" in rule_ids(claim)
    assert "coverage-in-effect" not in rule_ids(claim)


def test_an_active_answer_for_the_day_leaves_the_claim_ready(practice):
    claim = practice.claim(at=at_desk(DAY))
    assert claim["status"] == "ready" and not rule_ids(claim) & {"coverage-in-effect", "eligibility-inactive"}


def test_booking_on_a_coverage_that_will_have_ended_warns_the_desk(practice, api):
    change_coverage(practice, api, effective_to=days_ahead(2).isoformat())
    visit = book(practice, days_ahead(3))
    assert warning_codes(visit) == ["coverage_ended"]
    assert book(practice, days_ahead(2))["warnings"] == []


def test_checking_in_on_an_ended_and_inactive_coverage_warns_the_desk(practice, api):
    change_coverage(practice, api, effective_to=days_ago(1).isoformat(), member_id="INA998877")
    visit = book(practice, today())
    checked_in = practice.post(f"/visits/{visit['id']}/check-in", {"version": visit["version"]}, status=200)
    assert warning_codes(checked_in) == ["coverage_ended", "eligibility_inactive"]
    stored = api.get(f"{practice.base}/visits/{visit['id']}", key=practice.admin)[1]
    assert warning_codes(stored) == ["coverage_ended", "eligibility_inactive"]


def test_checking_in_and_out_a_visit_booked_for_a_later_day_warns_the_desk(practice):
    visit = book(practice, days_ahead(1))
    checked_in = practice.post(f"/visits/{visit['id']}/check-in", {"version": visit["version"]}, status=200)
    assert warning_codes(checked_in) == ["visit_on_later_day"]
    checked_out = practice.post(f"/visits/{visit['id']}/check-out", {"version": checked_in["version"]}, status=200)
    assert warning_codes(checked_out) == ["visit_on_later_day"]


def test_checking_in_todays_visit_on_a_coverage_in_effect_warns_of_nothing(practice):
    visit = book(practice, today())
    checked_in = practice.post(f"/visits/{visit['id']}/check-in", {"version": visit["version"]}, status=200)
    assert checked_in["warnings"] == [] and checked_in["expected_copay_cents"] == 2500
