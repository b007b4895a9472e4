"""Which of the tasks a claim names its state has left behind (claims/open_tasks.py), and how claim moves are
cut into transactions that leave room for closing them (lifecycle.chunks)."""
import json

import pytest
from moto import mock_aws

from chalicelib.claims import lifecycle, open_tasks
from chalicelib.claims.items import ClaimEvent, ClaimItem

NAMED = {"rejected": "T1", "timely_filing": "T2", "no_999": "T3", "no_277ca": "T4", "no_payment": "T5",
         "denied": "T6", "someday_new": "T7"}


def claim(status, acknowledged_at=None, named=NAMED, claim_id="C1"):
    return ClaimItem("PRACTICE#P1", f"CLAIM#{claim_id}", id=claim_id, status=status, acknowledged_at=acknowledged_at,
                     open_tasks=json.dumps(named) if named else None)


@pytest.mark.parametrize("status, acknowledged_at, still_open", [
    ("needs_fix", None, {"rejected", "timely_filing"}),
    ("ready", None, {"rejected", "timely_filing"}),
    ("submitted", None, {"timely_filing", "no_999", "no_277ca"}),
    ("submitted", "2026-11-20T10:00:00Z", {"timely_filing", "no_277ca"}),
    ("accepted", "2026-11-20T10:00:00Z", {"no_payment"}),
    ("rejected", "2026-11-20T10:00:00Z", {"rejected", "timely_filing"}),
    ("denied", "2026-11-20T10:00:00Z", {"denied"}),
    ("paid", "2026-11-20T10:00:00Z", set()),
])
def test_a_named_task_stays_open_exactly_while_its_cause_holds(status, acknowledged_at, still_open):
    cleared = open_tasks.cleared(claim(status, acknowledged_at))
    assert set(NAMED) - set(cleared) == still_open | {"someday_new"}  # a reason without a rule: people close it
    assert all(cleared[reason] == NAMED[reason] for reason in cleared)


def test_a_claim_that_names_no_cleared_task_is_written_without_reading_any_task():
    event = ClaimEvent("PRACTICE#P1", "CLAIM#C1#EVENT#00002", claim_id="C1", sequence=2, event="submitted",
                       to_status="submitted", actor="key")
    with mock_aws():  # no table at all: any read would fail
        assert open_tasks.closures([claim("submitted", named={}), event]) == []
        assert open_tasks.closures([claim("submitted", named={"no_999": "T3"}), event]) == []


def test_claim_moves_are_cut_to_leave_room_for_the_tasks_they_may_close():
    plain = [claim("ready", named={}, claim_id=f"P{n}") for n in range(60)]
    assert [len(chunk) for chunk in lifecycle.chunks(plain, 50)] == [50, 10]
    naming = [claim("ready", named={"rejected": f"T{n}", "timely_filing": f"U{n}"}, claim_id=f"N{n}")
              for n in range(30)]
    assert [len(chunk) for chunk in lifecycle.chunks(naming, 50)] == [25, 5]  # 4 items a claim, 100 at most
