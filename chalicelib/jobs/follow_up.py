"""The daily claim follow-up: act on every claim whose follow-up date has come (claims/followup.py).

`dispatch` (scheduled, or `POST /admin/jobs/claim-follow-up/run`) sends one message per practice; `work`
(one message) Queries that practice's due claims on gsi3 (`follow_up_on <= day`), so its work grows with the
claims due, never with the claims stored. For each due claim, by its reason:
- `no_999`, `no_277ca`, `no_payment`: a status inquiry (276) and a biller's task;
- `timely_filing`: an urgent task (the payer's filing limit is near and the claim is not accepted);
- `denied`: a biller's task to work the denial;
- a rejected claim also gets its `rejected` task back if it was closed while the claim stayed rejected.
Then the claim's next date is set (`followup.after_action`), with the 277's answer, in one transaction.

One message does at most `MAX_CLAIMS_PER_MESSAGE` claims, and stops early when its Lambda has less than
`STOP_WITH_SECONDS_LEFT` seconds left (each 276 is a real-time round trip); it then puts one continuation
message for the rest, once (a conditional put of the part's marker), so no invocation meets its timeout.

Delivered twice or retried after a crash, it does nothing twice: the inquiry's id comes from the claim's due
date and reason (a second put of it fails, and no 276 goes out), a task is opened only while none is open for
the claim and reason (tasks.open_for_claim), and a claim already moved on is no longer due.

Each claim is handled on its own (jobs/per_item.py): a claim the job cannot act on for its data gets a
`follow_up_refused` event with the reason, a biller's task, and its next date, and the others go on; a claim
that fails for any other reason stays due, the others go on, and the message then fails so the queue tries again.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Iterator

from chalicelib.claims import followup, lifecycle, status_inquiry
from chalicelib.claims.items import ClaimItem
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import AlreadyExists, Conflict
from chalicelib.db import keys, store
from chalicelib.db.models import Item, Practice
from chalicelib.jobs.per_item import Tally, reason

JOB = "claim_follow_up"
ACTOR = "job:claim-follow-up"
REFUSED = "follow_up_refused"  # the event and the task's reason when the job cannot act on a claim
ASK_PAYER = {"no_999": "no 999 from the clearinghouse", "no_277ca": "no 277CA from the payer",
             "no_payment": "no payment yet"}
KEYS_PER_BATCH_GET = 100
MAX_CLAIMS_PER_MESSAGE = 500
STOP_WITH_SECONDS_LEFT = 20.0  # a 276 round trip (the real-time API's timeout is 10 s) and the save, with room
Sender = Callable[[list[dict[str, Any]]], None]


class FollowUpPart(Item, discriminator="follow_up_part"):
    """sk=FOLLOWUPJOB#<day>#<part>: the continuation message for this part has been sent (expires in a week)."""


def dispatch(send_all: Callable[[list[dict[str, Any]]], None], today: date | None = None) -> int:
    day = (today or utcnow().date()).isoformat()
    messages = [{"job": JOB, "practice_id": p.id, "firm_id": p.firm_id, "day": day}
                for p in Practice.gsi1.query(keys.ALL_PRACTICES)]
    send_all(messages)
    return len(messages)


def due_claims(practice_id: str, day: str) -> Iterator[ClaimItem]:
    """The practice's claims due on or before `day`: the narrow index names them, BatchGet reads them whole."""
    found = ClaimItem.gsi3.query(keys.follow_up_pk(practice_id), ClaimItem.gsi3sk <= f"{day}#~", page_size=1000)
    pk = keys.practice_pk(practice_id)
    wanted: list[tuple[str, str]] = []
    for hit in found:
        wanted.append((pk, keys.claim_sk(hit.id)))
        if len(wanted) == KEYS_PER_BATCH_GET:
            yield from _read(wanted)
            wanted = []
    yield from _read(wanted)


def _read(wanted: list[tuple[str, str]]) -> Iterator[ClaimItem]:
    if wanted:
        yield from (c for c in ClaimItem.batch_get(wanted, consistent_read=True) if isinstance(c, ClaimItem))


def _inquiry_id(claim: ClaimItem) -> str:
    return f"{claim.follow_up_on.replace('-', '')}{claim.follow_up_reason.replace('_', '').upper()}"


def _task(claim: ClaimItem, reason: str, day: str, detail: str | None = None) -> bool:
    from chalicelib.tasks import service as tasks  # loaded with the job, not at cold start

    number = claim.patient_control_number
    if reason == "timely_filing":
        title, priority = f"Claim {number}: the payer's filing limit is near and it is not accepted", "urgent"
    elif reason == "rejected":
        title, priority = f"Claim {number} rejected: fix and resubmit", "high"
    elif reason == "denied":
        title, priority = f"Claim {number} denied: review the denial, then appeal or correct it", "high"
    elif reason == REFUSED:
        title, priority = f"Claim {number}: the follow-up job could not act on it", "high"
    else:
        title, priority = f"Claim {number}: {ASK_PAYER[reason]}; status asked of the payer", "normal"
    return tasks.open_for_claim(claim, reason, title=title, priority=priority, queue="billing", due_on=day,
                                actor=ACTOR, detail=detail)[1]


def act(claim: ClaimItem, day: date, *, gateway: Any = None) -> dict[str, Any]:
    """Follow one due claim up; what was done, for its history."""
    reason, stamp = claim.follow_up_reason, day.isoformat()
    done: dict[str, Any] = {"reason": reason, "due": claim.follow_up_on}
    changes: dict[str, Any] = {}
    if reason in ASK_PAYER:
        inquiry, move = status_inquiry.send(claim, _inquiry_id(claim), ACTOR, reason, gateway=gateway)
        done["inquiry_id"] = inquiry.id if inquiry else None
        changes.update(move.changes if move else {})
        done["status"] = move.detail.get("statuses") if move else None
    if reason is not None:
        done["task_opened"] = _task(claim, reason, stamp)
    if claim.status == "rejected":
        done["rejected_task_opened"] = _task(claim, "rejected", stamp)
    on, next_reason = followup.after_action(claim, day)
    changes.update(followup.as_fields(on, next_reason))
    event = lifecycle.stage(claim, changes, "followed_up", ACTOR, done)
    lifecycle.write([claim, event])
    return done


def _unless_changed(claim: ClaimItem, day: date, gateway: Any) -> bool:
    try:
        act(claim, day, gateway=gateway)
    except Conflict:
        return False  # changed by someone meanwhile: its new state carries its own date
    return True


def _refused(claim: ClaimItem, day: date, error: Exception) -> None:
    """The job could not act on the claim for its data: a biller's task saying why, then the claim's history
    and its next date (so it is looked at again after the recheck days, not every day)."""
    fresh = ClaimItem.get(claim.pk, claim.sk, consistent_read=True)  # `act` may have changed it in memory
    why = reason(error)
    _task(fresh, REFUSED, day.isoformat(), f"{why}. Fix this; the job looks at the claim again on its next date.")
    on, next_reason = followup.after_action(fresh, day)
    event = lifecycle.stage(fresh, followup.as_fields(on, next_reason), REFUSED, ACTOR,
                            {"reason": fresh.follow_up_reason, "error": why})
    lifecycle.write([fresh, event])


def _continue(message: dict[str, Any], send_all: Sender | None) -> bool:
    """Send the message for the rest of the practice's due claims, once per part however often we get here."""
    part = int(message.get("part", 1)) + 1
    marker = FollowUpPart(keys.practice_pk(message["practice_id"]), keys.follow_up_part_sk(message["day"], part),
                          id=f"{message['day']}-{part}", expires_at=utcnow().replace(microsecond=0) + timedelta(days=7))
    try:
        store.create(marker, "follow-up part")  # conditional: the key must be free
    except AlreadyExists:
        return False
    if send_all is None:
        from chalicelib.jobs import queue

        send_all = queue.send_all
    send_all([{**message, "part": part}])
    return True


def work(message: dict[str, Any], message_id: str, gateway: Any = None, *,
         seconds_left: Callable[[], float] | None = None, send_all: Sender | None = None) -> int:
    """Act on the practice's claims due by the message's day; returns how many were acted on. What does not
    fit in this invocation goes on in a continuation message."""
    day = date.fromisoformat(message["day"])
    tally = Tally(JOB, message["practice_id"])
    for claim in due_claims(message["practice_id"], message["day"]):
        if tally.tried == MAX_CLAIMS_PER_MESSAGE or (seconds_left and seconds_left() < STOP_WITH_SECONDS_LEFT):
            _continue(message, send_all)
            break
        if not claim.follow_up_on or claim.follow_up_on > message["day"]:
            continue  # the index lags the table: this claim has moved on
        tally.attempt(claim.id, lambda c=claim: _unless_changed(c, day, gateway),
                      lambda error, c=claim: _refused(c, day, error))
    return tally.settle()
