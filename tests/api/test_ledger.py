"""The patient account ledger: postings through the service, reading through the API. (Postings racing for
one patient need a thread-safe DynamoDB: that test runs on DynamoDB Local, tests/integration/test_stripe.py.)"""
from __future__ import annotations

import pytest

from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.money import Money
from chalicelib.db import keys
from chalicelib.ledger import service as ledger
from chalicelib.ledger.items import LedgerEntry

PATIENT = {"first_name": "Lee", "last_name": "Dger", "birth_date": "1980-02-02", "sex": "U",
           "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}


@pytest.fixture
def account(api, world):
    _, admin = world.firm()
    practice = world.practice(admin)
    patient = api.post(f"/practices/{practice}/patients", PATIENT, key=admin)[1]["id"]
    scope = PracticeScope(practice, Principal("test", "firm", "firm_admin", None))
    viewer = world.key(admin, "viewer", [practice])
    return {"scope": scope, "patient": patient, "key": viewer,
            "base": f"/practices/{practice}/patients/{patient}"}


def read(api, account, path="/ledger"):
    status, body, _ = api.get(account["base"] + path, key=account["key"])
    assert status == 200, body
    return body


def test_a_new_patient_has_no_entries_and_owes_nothing(api, account):
    assert read(api, account) == {"data": [], "next_cursor": None}
    balance = read(api, account, "/balance")
    assert balance["balance_cents"] == 0 and balance["entry_count"] == 0 and balance["updated_at"] is None


def test_entries_move_the_balance_and_read_back_oldest_first(api, account):
    ledger.post(account["scope"], account["patient"], "charge", Money(12500), "test:visit-charge")
    ledger.post(account["scope"], account["patient"], "payment", Money(-2500), "copay:test-1", memo="cash")
    entries = read(api, account)["data"]
    assert [(e["kind"], e["amount_cents"], e["balance_after_cents"], e["sequence"]) for e in entries] == [
        ("charge", 12500, 12500, 1), ("payment", -2500, 10000, 2)]
    assert entries[1]["cause"] == "copay:test-1" and entries[1]["memo"] == "cash"
    assert read(api, account, "/balance")["balance_cents"] == 10000


def test_a_second_posting_of_the_same_cause_posts_nothing_and_returns_the_first(api, account):
    first = ledger.post(account["scope"], account["patient"], "payment", Money(-2500), "pi:pi_same")
    again = ledger.post(account["scope"], account["patient"], "payment", Money(-2500), "pi:pi_same")
    assert first.created and not again.created and again.entry.id == first.entry.id
    assert len(read(api, account)["data"]) == 1 and read(api, account, "/balance")["balance_cents"] == -2500


def test_a_correction_is_a_reversing_entry_and_an_entry_is_reversed_once(api, account):
    wrong = ledger.post(account["scope"], account["patient"], "charge", Money(9900), "test:wrong-charge").entry
    reversal = ledger.reverse(account["scope"], account["patient"], wrong.id)
    again = ledger.reverse(account["scope"], account["patient"], wrong.id)
    assert reversal.created and not again.created
    entries = read(api, account)["data"]
    assert [(e["kind"], e["amount_cents"]) for e in entries] == [("charge", 9900), ("reversal", -9900)]
    assert entries[1]["reverses"] == wrong.id and entries[0]["amount_cents"] == 9900  # the original is untouched
    assert read(api, account, "/balance")["balance_cents"] == 0


@pytest.mark.parametrize("kind, cents", [("payment", 2500), ("charge", -100), ("refund", -5), ("adjustment", 0)])
def test_a_posting_with_the_wrong_sign_for_its_kind_is_a_bug_and_refused(account, kind, cents):
    with pytest.raises(ValueError):
        ledger.post(account["scope"], account["patient"], kind, Money(cents), "test:bad-sign")


def test_entries_page_with_a_cursor(api, account):
    for n in range(3):
        ledger.post(account["scope"], account["patient"], "charge", Money(100 + n), f"test:page-{n}")
    first = api.get(account["base"] + "/ledger?limit=2", key=account["key"])[1]
    rest = api.get(account["base"] + f"/ledger?limit=2&cursor={first['next_cursor']}", key=account["key"])[1]
    assert [e["amount_cents"] for e in first["data"] + rest["data"]] == [100, 101, 102]


def test_the_balance_equals_the_sum_of_the_entries(account):
    for n, cents in enumerate([12500, -2500, 700, -10000]):
        ledger.post(account["scope"], account["patient"], "charge" if cents > 0 else "payment", Money(cents),
                    f"test:sum-{n}")
    check = ledger.check(account["scope"], account["patient"])
    assert check.ok and check.balance_cents == check.entries_sum_cents == 700 and check.entries_counted == 4


def test_an_entry_written_around_the_balance_is_caught_by_the_check(account):
    ledger.post(account["scope"], account["patient"], "charge", Money(5000), "test:before")
    stray = ledger.post(account["scope"], account["patient"], "charge", Money(1), "test:template").entry
    pk = keys.practice_pk(account["scope"].practice_id)
    LedgerEntry(pk, keys.ledger_entry_sk(account["patient"], "01STRAY0000000000000000000"), id="stray",
                practice_id=stray.practice_id, patient_id=account["patient"], entry_kind="charge", amount_cents=300,
                cause="test:stray", sequence=3, balance_after_cents=0, created_at=stray.created_at,
                updated_at=stray.created_at).save()
    check = ledger.check(account["scope"], account["patient"])
    assert not check.ok and check.entries_sum_cents == check.balance_cents + 300


def test_the_ledger_of_an_unknown_patient_is_not_found(api, account):
    base = account["base"].rsplit("/", 1)[0] + "/01ARZ3NDEKTSV4RRFFQ69G5FAV"
    assert api.get(base + "/ledger", key=account["key"])[0] == 404
    assert api.get(base + "/balance", key=account["key"])[0] == 404
