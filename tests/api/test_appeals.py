"""Appeals through the API: a denial made from an 835 through the inbox is appealed at a level within the payer's
window (a payer setting), with a reminder task; the appeal moves draft -> sent -> won | partly_won | lost, and a
later 835 paying the claim decides it (outcome_items, as the poster will call it)."""
from datetime import timedelta

import pytest

from tests.api.appeals_world import appeal, decided_by, denial, denial_paid_on, move, ok, paid_later
from tests.api.test_claims import Practice
from tests.api.denials_world import line_denied
from chalicelib.core.clock import utcnow
from tests.dates import days_ago, today


def utc_today():
    """The day the service stamps (UTC): sent and decision days."""
    return utcnow().date()


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def test_an_appeal_of_a_denial_is_a_draft_due_when_the_payers_window_closes_with_a_reminder_task(app, api, practice):
    made, denied = denial(app, api, practice)
    made_appeal = appeal(api, practice, denied["id"])

    assert (made_appeal["status"], made_appeal["level"], made_appeal["denial_id"]) == ("draft", "first", denied["id"])
    assert (made_appeal["window_days"], made_appeal["window_from"]) == (180, denied["denied_on"])
    assert made_appeal["due_on"] == (today() + timedelta(days=180)).isoformat() == denied["appeal_due"]
    task = ok(api, practice, "GET", f"/tasks/{made_appeal['task_id']}")
    assert (task["claim_id"], task["reason"], task["queue"], task["status"]) == (made["id"], "appeal", "billing",
                                                                                 "open")
    assert task["due_on"] == (today() + timedelta(days=180 - 14)).isoformat()
    assert made_appeal["due_on"] in task["title"]


def test_the_payers_appeal_window_sets_the_denials_and_the_appeals_due_date(app, api, practice):
    payer = ok(api, practice, "GET", f"/payers/{practice.payer}")
    ok(api, practice, "PATCH", f"/payers/{practice.payer}", {"appeal_window_days": 60},
       headers={"If-Match": str(payer["version"])})
    _, denied = denial(app, api, practice, reason="50")
    made_appeal = appeal(api, practice, denied["id"])

    assert denied["appeal_due"] == (today() + timedelta(days=60)).isoformat()
    assert (made_appeal["window_days"], made_appeal["due_on"]) == (60, denied["appeal_due"])


def test_a_payer_has_a_180_day_appeal_window_unless_set(api, practice):
    assert ok(api, practice, "GET", f"/payers/{practice.payer}")["appeal_window_days"] == 180


def test_an_appeal_after_the_window_closed_is_refused_and_makes_nothing(app, api, practice):
    payer = ok(api, practice, "GET", f"/payers/{practice.payer}")
    ok(api, practice, "PATCH", f"/payers/{practice.payer}", {"appeal_window_days": 30},
       headers={"If-Match": str(payer["version"])})
    denied = denial_paid_on(app, api, practice, days_ago(40), "era-late")
    refused = appeal(api, practice, denied["id"], status=409)

    closed = (days_ago(40) + timedelta(days=30)).isoformat()
    assert denied["appeal_due"] == closed
    assert closed in refused["detail"] and "30 days" in refused["detail"]
    assert ok(api, practice, "GET", "/appeals")["data"] == []
    assert ok(api, practice, "GET", "/tasks?queue=billing")["data"] == [
        t for t in ok(api, practice, "GET", "/tasks?queue=billing")["data"] if t["reason"] != "appeal"]


def test_a_second_open_appeal_at_the_same_level_is_refused(app, api, practice):
    _, denied = denial(app, api, practice)
    first = appeal(api, practice, denied["id"])
    refused = appeal(api, practice, denied["id"], status=409)

    assert first["id"] in refused["detail"]
    assert [a["id"] for a in ok(api, practice, "GET", "/appeals")["data"]] == [first["id"]]


def test_a_second_level_appeal_needs_a_first_level_one_decided_against_the_practice(app, api, practice):
    _, denied = denial(app, api, practice)
    assert "decided against" in appeal(api, practice, denied["id"], level="second", status=409)["detail"]
    first = move(api, practice, appeal(api, practice, denied["id"]), "sent")
    move(api, practice, first, "lost")
    second = appeal(api, practice, denied["id"], level="second")

    assert (second["level"], second["window_from"]) == ("second", utc_today().isoformat())
    assert second["due_on"] == (utc_today() + timedelta(days=180)).isoformat()


def test_sending_an_appeal_closes_its_reminder_and_a_decision_ends_its_moves(app, api, practice):
    _, denied = denial(app, api, practice)
    made_appeal = appeal(api, practice, denied["id"])
    sent = move(api, practice, made_appeal, "sent")
    won = move(api, practice, sent, "won", recovered_cents=5000)

    assert (sent["status"], sent["sent_on"]) == ("sent", utc_today().isoformat())
    assert ok(api, practice, "GET", f"/tasks/{made_appeal['task_id']}")["status"] == "done"
    assert (won["status"], won["decided_on"], won["recovered_cents"]) == ("won", utc_today().isoformat(), 5000)
    assert move(api, practice, won, "sent", expect=409)["status"] == 409


def test_a_draft_cannot_be_decided_before_it_is_sent(app, api, practice):
    _, denied = denial(app, api, practice)
    made_appeal = appeal(api, practice, denied["id"])
    assert "draft -> sent" in move(api, practice, made_appeal, "won", expect=409)["detail"]


def test_a_change_from_an_old_version_is_refused(app, api, practice):
    _, denied = denial(app, api, practice)
    made_appeal = appeal(api, practice, denied["id"])
    move(api, practice, made_appeal, "sent")
    assert move(api, practice, made_appeal, "sent", expect=409)["status"] == 409


def test_the_list_of_a_status_is_soonest_due_first_and_pages(app, api, practice):
    payer = ok(api, practice, "GET", f"/payers/{practice.payer}")
    ok(api, practice, "PATCH", f"/payers/{practice.payer}", {"appeal_window_days": 90},
       headers={"If-Match": str(payer["version"])})
    later = denial_paid_on(app, api, practice, days_ago(1), "era-l1")
    sooner = denial_paid_on(app, api, practice, days_ago(5), "era-l2", first_day=11)
    made = [appeal(api, practice, later["id"]), appeal(api, practice, sooner["id"])]

    first = ok(api, practice, "GET", "/appeals?status=draft&limit=1")
    second = ok(api, practice, "GET", f"/appeals?status=draft&limit=1&cursor={first['next_cursor']}")
    assert [first["data"][0]["id"], second["data"][0]["id"]] == [made[1]["id"], made[0]["id"]]
    assert ok(api, practice, "GET", "/appeals?status=sent")["data"] == []
    assert [a["id"] for a in ok(api, practice, "GET", "/appeals")["data"]] == [made[1]["id"], made[0]["id"]]


def test_a_later_835_paying_the_claim_wins_the_sent_appeal_and_links_the_payment(app, api, practice):
    made, denied = denial(app, api, practice)
    sent = move(api, practice, appeal(api, practice, denied["id"]), "sent")
    record = paid_later(app, practice, made, "era-paid")  # posted: the posting decides the appeal

    got = ok(api, practice, "GET", f"/appeals/{sent['id']}")
    assert (got["status"], got["recovered_cents"]) == ("won", record.paid_cents)
    assert got["outcome"] == {"remittance_id": record.remittance_id, "record_sk": record.sk,
                              "paid_cents": record.paid_cents, "paid_on": today().isoformat()}
    assert decided_by(record).written == []  # a posting retried decides nothing twice


def test_a_later_835_paying_the_claim_but_denying_a_line_again_partly_wins_the_appeal(app, api, practice):
    made, denied = denial(app, api, practice)
    sent = move(api, practice, appeal(api, practice, denied["id"]), "sent")
    record = paid_later(app, practice, made, "era-part", line_denied(made, "50", number=2))

    got = ok(api, practice, "GET", f"/appeals/{sent['id']}")
    assert (got["status"], got["recovered_cents"]) == ("partly_won", record.paid_cents)
    assert 0 < record.paid_cents < made["total_charge_cents"]


def test_a_draft_appeal_is_not_decided_by_a_later_payment(app, api, practice):
    made, denied = denial(app, api, practice)
    draft = appeal(api, practice, denied["id"])
    assert decided_by(paid_later(app, practice, made, "era-draft")).written == []
    assert ok(api, practice, "GET", f"/appeals/{draft['id']}")["status"] == "draft"


def test_another_practices_denial_cannot_be_appealed(app, api, world, practice):
    _, denied = denial(app, api, practice)
    other = Practice(world, api, firm=(practice.firm_id, practice.admin))
    assert ok(api, other, "POST", f"/denials/{denied['id']}/appeals", {"level": "first", "reason": "x"}, 404)


def test_two_appeals_made_at_once_at_the_same_level_make_one(app, api, practice):
    """The second request reads before the first writes (its clock runs the first in between): the slot's
    condition refuses it, and one appeal, one reminder exist."""
    from chalicelib.appeals import service as appeals
    from chalicelib.appeals.models import AppealCreate
    from chalicelib.core.auth import PracticeScope, Principal
    from chalicelib.core.errors import Conflict

    _, denied = denial(app, api, practice)
    scope = PracticeScope(practice.id, Principal("01J0APPEALRACEKEY000000000", practice.firm_id, "biller", None))
    body = AppealCreate(level="first", reason="Filed on time.")
    first = []

    def clock_running_the_other_request():
        first.append(appeals.create(scope, denied["id"], body))
        return utcnow()

    with pytest.raises(Conflict):
        appeals.create(scope, denied["id"], body, clock=clock_running_the_other_request)
    assert [a["id"] for a in ok(api, practice, "GET", "/appeals")["data"]] == [first[0].id]
    tasks = ok(api, practice, "GET", f"/claims/{denied['claim_id']}/tasks")["data"]
    assert [t["id"] for t in tasks if t["reason"] == "appeal"] == [first[0].task_id]
