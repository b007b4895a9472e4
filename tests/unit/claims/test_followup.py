"""When a claim is next looked at, and why (claims/followup.py), and what an answer does to it (tracking/acks.py)."""
from datetime import date
from types import SimpleNamespace

import pytest

from chalicelib.claims import followup
from chalicelib.core.settings import Settings
from chalicelib.edi.acks.ack_277ca import ClaimAck, StatusInfo
from chalicelib.edi.acks.ack_999 import SetAck
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.tracking import acks

SETTINGS = Settings()
RULES = followup.Rules(filing_deadline=date(2027, 3, 10), days_to_999=2, days_to_277ca=5, expected_payment_days=30)


def claim(**fields):
    values = {"status": "submitted", "submitted_at": "2026-11-20T10:00:00Z", "acknowledged_at": None,
              "accepted_at": None, "follow_up_rules": RULES.dumps(), "service_to": "2026-03-10", "batch_id": "B",
              "last_file_id": None, "payer_claim_control_number": None}
    return SimpleNamespace(**{**values, **fields})


@pytest.mark.parametrize("fields, expected", [
    ({"status": "ready"}, (date(2027, 2, 24), "timely_filing")),
    ({"status": "rejected"}, (date(2027, 2, 24), "timely_filing")),
    ({}, (date(2026, 11, 22), "no_999")),
    ({"acknowledged_at": "2026-11-20T11:00:00Z"}, (date(2026, 11, 25), "no_277ca")),
    ({"status": "accepted", "accepted_at": "2026-11-21T09:00:00Z"}, (date(2026, 12, 21), "no_payment")),
    ({"status": "denied", "updated_at": "2026-11-23T08:00:00Z"}, (date(2026, 11, 23), "denied")),
    ({"status": "paid"}, (None, None)),
    ({"status": "corrected"}, (None, None)),
])
def test_each_state_has_its_follow_up_date_and_reason(fields, expected):
    assert followup.due(claim(**fields), SETTINGS) == expected


def test_the_filing_limit_wins_when_it_comes_before_the_999_is_due():
    near = followup.Rules(date(2026, 12, 4), 2, 5, 30)  # alert on 2026-11-20, before the 999's 2026-11-22
    assert followup.due(claim(follow_up_rules=near.dumps()), SETTINGS) == (date(2026, 11, 20), "timely_filing")


def test_a_payer_overrides_the_default_days_and_the_rest_come_from_settings():
    payer = SimpleNamespace(timely_filing_days=90, days_to_999=1, days_to_277ca=None, expected_payment_days=45)
    rules = followup.rules_for(payer, date(2026, 11, 1), SETTINGS)
    assert rules == followup.Rules(date(2027, 1, 30), 1, 5, 45)
    assert followup.Rules.loads(rules.dumps()) == rules


def test_after_acting_the_claim_is_looked_at_again_after_the_recheck_days():
    assert followup.after_action(claim(), date(2026, 11, 23), SETTINGS) == (date(2026, 12, 7), "no_999")


def test_a_claim_judged_before_rules_were_kept_uses_the_defaults():
    assert followup.due(claim(status="ready", follow_up_rules=None), SETTINGS) == (date(2027, 2, 24),
                                                                                    "timely_filing")


def test_a_999_acknowledges_a_submitted_claim_of_its_batch_once():
    accepted = SetAck("837", "0001", "005010X222A1", "A")
    move = acks.from_999(claim(), "B", accepted, "A", [], "F1", "2026-11-21T00:00:00Z")
    assert move.outcome == "acknowledged" and move.changes["acknowledged_at"] == "2026-11-21T00:00:00Z"
    assert acks.from_999(claim(acknowledged_at="x"), "B", accepted, "A", [], "F2", "now") is None
    assert acks.from_999(claim(batch_id="other"), "B", accepted, "A", [], "F1", "now") is None
    assert acks.from_999(claim(last_file_id="F1"), "B", accepted, "A", [], "F1", "now") is None


def test_a_999_rejecting_the_set_rejects_its_claims_with_the_errors_in_words():
    rejected = SetAck("837", "0001", "005010X222A1", "R", errors=("5",))
    move = acks.from_999(claim(), "B", rejected, "R", [], "F1", "now")
    assert move.outcome == "rejected" and move.changes["status"] == "rejected"
    assert "rejected" in move.detail["messages"][0]


def ack(*statuses, number="REF1K"):
    return ClaimAck("000000001", "1234567893", (StatusInfo(statuses, None, "", None),), payer_claim_number=number)


def test_a_277ca_accepts_with_the_payer_number_rejects_or_notes():
    accepted = acks.from_277ca(claim(), ack(Status("A1", "19"), Status("A2", "20")), "F", "now")
    assert accepted.changes["status"] == "accepted" and accepted.changes["payer_claim_control_number"] == "REF1K"
    rejected = acks.from_277ca(claim(), ack(Status("A7", "164", "IL")), "F", "now")
    assert rejected.changes["status"] == "rejected" and "A7" in rejected.detail["categories"]
    noted = acks.from_277ca(claim(), ack(Status("A0", "16")), "F", "now")
    assert noted.outcome == "noted" and "status" not in noted.changes
    assert acks.from_277ca(claim(status="accepted"), ack(Status("A1", "19")), "F", "now") is None
