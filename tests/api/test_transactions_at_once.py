"""Transactions that share no item are written several at once (claims/lifecycle.write_all), never more than
asked; one that meets a concurrent change is left out and the others are written."""
import threading

import pytest
from botocore.client import BaseClient

from chalicelib.claims import lifecycle
from chalicelib.claims.items import ClaimEvent
from chalicelib.core.ids import new_id
from chalicelib.db import keys


@pytest.fixture
def in_flight(aws, monkeypatch):
    """TransactWriteItems calls in flight at once, counted on botocore's one call path. Each call waits at a
    barrier for `at_once` of them: calls made one after another would never get past it."""
    state = {"now": 0, "most": 0, "barrier": None}
    lock = threading.Lock()
    original = BaseClient._make_api_call

    def counted(self, operation, params):
        if operation != "TransactWriteItems":
            return original(self, operation, params)
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        try:
            state["barrier"].wait()
            return original(self, operation, params)
        finally:
            with lock:
                state["now"] -= 1

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return state


def events(practice_id: str, count: int) -> list[ClaimEvent]:
    claim_id = new_id()
    return [ClaimEvent(keys.practice_pk(practice_id), keys.claim_event_sk(claim_id, n), id=f"{claim_id}:{n}",
                       created_at="t", updated_at="t", claim_id=claim_id, sequence=n, event="built",
                       to_status="ready", actor="test") for n in range(1, count + 1)]


def test_independent_transactions_go_out_at_once_up_to_the_bound_and_each_is_written(in_flight):
    in_flight["barrier"] = threading.Barrier(4, timeout=10)
    practice_id = new_id()
    transactions = [events(practice_id, 2) for _ in range(12)]
    assert lifecycle.write_all(transactions, at_once=4) == [True] * 12
    assert in_flight["most"] == 4
    for saves in transactions:
        for event in saves:
            assert ClaimEvent.get(event.pk, event.sk).id == event.id


def test_a_transaction_that_meets_a_concurrent_change_is_left_out_and_the_others_are_written(in_flight):
    in_flight["barrier"] = threading.Barrier(3, timeout=10)
    practice_id = new_id()
    transactions = [events(practice_id, 2) for _ in range(3)]
    ClaimEvent(transactions[1][1].pk, transactions[1][1].sk, id="already there", created_at="t", updated_at="t",
               claim_id="x", sequence=0, event="built", to_status="ready", actor="other").save()
    assert lifecycle.write_all(transactions, at_once=3) == [True, False, True]
    assert ClaimEvent.count(transactions[1][0].pk, ClaimEvent.sk == transactions[1][0].sk) == 0  # nothing of it
    assert all(ClaimEvent.get(e.pk, e.sk).id == e.id for i in (0, 2) for e in transactions[i])
