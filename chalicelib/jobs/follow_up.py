"""The daily claim follow-up: act on every claim whose follow-up date has come (claims/followup.py).

`dispatch` (scheduled, or `POST /admin/jobs/claim-follow-up/run`) sends one message per practice; `work`
(one message) Queries that practice's due claims on gsi3 (`follow_up_on <= day`), so its work grows with the
claims due, never with the claims stored. For each due claim, by its reason:
- `no_999`, `no_277ca`, `no_payment`: a status inquiry (276) and a biller's task;
- `timely_filing`: an urgent task (the payer's filing limit is near and the claim is not accepted);
- `denied`: a biller's task to work the denial;
- a rejected claim also gets its `rejected` task back if it was closed while the claim stayed rejected.
Then the claim's next date is set (`followup.after_action`), with the 277's answer.

It acts on the claims a hundred at a time (`act`, one BatchGetItem's worth), in steps each shared by them all,
so its table calls grow with the hundreds, not the claims: one UpdateItem for the batch's 276 control numbers,
one transaction putting their inquiries' records, the 276s sent `REVCYCLE_STATUS_INQUIRIES_AT_ONCE` at a time
with their 276 and 277 kept in S3 as they come (tracking/status_batch.py), then the claims' tasks staged (one
BatchGetItem of the tasks they name, only when they name some) and each claim's move, event, new tasks and
settled inquiry written as one unit, as many units a TransactWriteItems as fit in 100 items (db/batched.py).

One message does at most `MAX_CLAIMS_PER_MESSAGE` claims, and stops when its Lambda has less than
`STOP_WITH_SECONDS_LEFT` seconds left: before a batch, and before each 276 (a claim whose 276 has not gone
out by then is left due, its record taken back in the batch's last transaction); it then puts one
continuation message for the rest, once (a conditional put of the part's marker), so no invocation meets its
timeout.

Delivered twice or retried after a crash, it does nothing twice: the inquiry's id comes from the claim's due
date and reason (a second put of it fails, and no 276 goes out), a task is opened only while none is open for
the claim and reason (the claim names its open tasks), and a claim already moved on is no longer due. A crash
after the 276s went out and before the batch was saved leaves their inquiries `sending` with their 277s kept:
the next run moves the claims without asking again, and the recovery sweep puts each answer on its claim.

Each claim is handled on its own (jobs/per_item.py): a claim the job cannot act on for its data gets a
`follow_up_refused` event with the reason, a biller's task, and its next date, and the others go on; a claim
changed meanwhile (its unit of the transaction fails its condition) is left out of the batch's transaction,
keeps only its inquiry's answer, and is looked at again while it is due; a claim that fails for any other
reason stays due, the others go on, and the message then fails so the queue tries again.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterator

from chalicelib.claims import followup, lifecycle
from chalicelib.claims.items import ClaimItem
from chalicelib.clearinghouse import get_status_gateway
from chalicelib.clearinghouse.mailbox import get_mailbox
from chalicelib.core.clock import iso, now_iso, utcnow
from chalicelib.core.errors import AlreadyExists
from chalicelib.core.settings import get_settings
from chalicelib.db import batched, counters, keys, store
from chalicelib.db.models import Item, Practice
from chalicelib.jobs.per_item import Tally, reason
from chalicelib.tracking import status_batch
from chalicelib.tracking import status_inquiry
from chalicelib.tracking.status_batch import Asking

if TYPE_CHECKING:
    from chalicelib.tasks.items import Task

JOB = "claim_follow_up"
ACTOR = "job:claim-follow-up"
REFUSED = "follow_up_refused"  # the event and the task's reason when the job cannot act on a claim
ASK_PAYER = {"no_999": "no 999 from the clearinghouse", "no_277ca": "no 277CA from the payer",
             "no_payment": "no payment yet"}
KEYS_PER_BATCH_GET = 100
MAX_CLAIMS_PER_MESSAGE = 500
STOP_WITH_SECONDS_LEFT = 20.0  # the 276s in flight (the real-time API's timeout is 10 s) and the saves, with room
Sender = Callable[[list[dict[str, Any]]], None]


class FollowUpPart(Item, discriminator="follow_up_part"):
    """sk=FOLLOWUPJOB#<day>#<part>: the continuation message for this part has been sent (expires in a week)."""


def dispatch(send_all: Callable[[list[dict[str, Any]]], None], today: date | None = None) -> int:
    day = (today or utcnow().date()).isoformat()
    messages = [{"job": JOB, "practice_id": p.id, "firm_id": p.firm_id, "day": day}
                for p in Practice.gsi1.query(keys.ALL_PRACTICES)]
    send_all(messages)
    return len(messages)


def due_claims(practice_id: str, day: str) -> Iterator[list[ClaimItem]]:
    """The practice's claims due on or before `day`, a hundred at a time: the narrow index names them, one
    BatchGetItem reads each hundred whole."""
    found = ClaimItem.gsi3.query(keys.follow_up_pk(practice_id), ClaimItem.gsi3sk <= f"{day}#~", page_size=1000)
    pk = keys.practice_pk(practice_id)
    wanted: list[tuple[str, str]] = []
    for hit in found:
        wanted.append((pk, keys.claim_sk(hit.id)))
        if len(wanted) == KEYS_PER_BATCH_GET:
            yield _read(wanted)
            wanted = []
    if wanted:
        yield _read(wanted)


def _read(wanted: list[tuple[str, str]]) -> list[ClaimItem]:
    return [c for c in ClaimItem.batch_get(wanted, consistent_read=True) if isinstance(c, ClaimItem)]


def inquiry_id(claim: ClaimItem) -> str:
    return f"{claim.follow_up_on.replace('-', '')}{claim.follow_up_reason.replace('_', '').upper()}"


def _title(claim: ClaimItem, reason: str) -> tuple[str, str]:
    number = claim.patient_control_number
    if reason == "timely_filing":
        return f"Claim {number}: the payer's filing limit is near and it is not accepted", "urgent"
    if reason == "rejected":
        return f"Claim {number} rejected: fix and resubmit", "high"
    if reason == "denied":
        return f"Claim {number} denied: review the denial, then appeal or correct it", "high"
    if reason == REFUSED:
        return f"Claim {number}: the follow-up job could not act on it", "high"
    return f"Claim {number}: {ASK_PAYER[reason]}; status asked of the payer", "normal"


def _task(claim: ClaimItem, reason: str, day: str, open_ids: set[str], detail: str | None = None) -> Task | None:
    """The task to open with the claim's move (named by the claim), unless it names an open one for `reason`."""
    from chalicelib.tasks import service as tasks  # loaded with the job, not at cold start

    title, priority = _title(claim, reason)
    return tasks.stage_for_claim(claim, reason, open_ids=open_ids, title=title, priority=priority, queue="billing",
                                 due_on=day, actor=ACTOR, detail=detail)


def _task_reasons(claim: ClaimItem) -> list[str]:
    return [r for r in (claim.follow_up_reason, "rejected" if claim.status == "rejected" else None) if r]


def _stage(claim: ClaimItem, asking: Asking | None, day: date, now: datetime, open_ids: set[str]) -> list[Item]:
    """One claim's follow-up, in memory: the 277's answer, its tasks, its next date, its `followed_up` event
    and its inquiry settled: what its unit of the batch's transactions saves."""
    reason, stamp = claim.follow_up_reason, day.isoformat()
    done: dict[str, Any] = {"reason": reason, "due": claim.follow_up_on}
    changes: dict[str, Any] = {}
    if reason in ASK_PAYER:
        move = status_inquiry.move_of(claim, asking.inquiry, asking.answers, iso(now)) if asking else None
        done["inquiry_id"] = asking.inquiry.id if asking else None  # None: asked before, nothing sent now
        changes.update(move.changes if move else {})
        done["status"] = move.detail.get("statuses") if move else None
    opened = {name: _task(claim, name, stamp, open_ids) for name in _task_reasons(claim)}
    if reason is not None:
        done["task_opened"] = opened[reason] is not None
    if claim.status == "rejected":
        done["rejected_task_opened"] = opened["rejected"] is not None
    on, next_reason = followup.after_action(claim, day)
    changes.update(followup.as_fields(on, next_reason))
    saves: list[Item] = [claim, lifecycle.stage(claim, changes, "followed_up", ACTOR, done)]
    saves += [task for task in opened.values() if task is not None]
    if asking is not None:
        for name, value in {**status_inquiry.settled(asking.inquiry, asking.answers), "updated_at": now_iso()}.items():
            setattr(asking.inquiry, name, value)
        saves.append(asking.inquiry)
    return saves


def _refused(claim: ClaimItem, day: date, error: Exception) -> None:
    """The job could not act on the claim for its data: a biller's task saying why, then the claim's history
    and its next date (so it is looked at again after the recheck days, not every day), in one transaction."""
    from chalicelib.tasks import service as tasks

    fresh = ClaimItem.get(claim.pk, claim.sk, consistent_read=True)  # the job may have changed it in memory
    why = reason(error)
    task = _task(fresh, REFUSED, day.isoformat(), tasks.still_open([(fresh, REFUSED)]),
                 f"{why}. Fix this; the job looks at the claim again on its next date.")
    on, next_reason = followup.after_action(fresh, day)
    event = lifecycle.stage(fresh, followup.as_fields(on, next_reason), REFUSED, ACTOR,
                            {"reason": fresh.follow_up_reason, "error": why})
    lifecycle.write([fresh, event, *([task] if task else [])])


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


def _put_inquiries(acting: dict[str, ClaimItem], now: datetime, tally: Tally, day: date) -> list[Asking]:
    """The 276s of the claims due for one and their records put (one UpdateItem for their control numbers,
    a transaction per 100 records): the inquiries to send now. A claim whose 276 breaks a rule is refused,
    one whose record exists already (asked before) is followed up without a 276, as `status_inquiry.send`."""
    due = [claim for claim in acting.values() if claim.follow_up_reason in ASK_PAYER]
    numbers = iter(counters.next_control_numbers(due[0].practice_id, len(due)) if due else [])
    prepared = []
    for claim in due:
        number = next(numbers)
        ok, entry = tally.guard(claim.id, lambda c=claim, n=number: status_batch.prepare(
            c, inquiry_id(c), ACTOR, c.follow_up_reason, now, n), _refuser(claim, day))
        if ok:
            prepared.append(entry)
        else:
            del acting[claim.id]
    put = status_batch.put_all(prepared)
    for entry, error in put.failed:
        tally.record(entry.claim.id, error, _refuser(entry.claim, day))
        del acting[entry.claim.id]
    return put.new


def _refuser(claim: ClaimItem, day: date) -> Callable[[Exception], None]:
    return lambda error: _refused(claim, day, error)


def act(claims: list[ClaimItem], day: date, tally: Tally, *, gateway: Any = None, mailbox: Any = None,
        go_on: Callable[[], bool] = lambda: True) -> bool:
    """Follow up due claims of one practice together (at most 100: one BatchGetItem's); False when time ran out
    before some of their 276s went out: those claims are left due, their records taken back, for the next
    message. Each claim's outcome goes to `tally`."""
    tally.tried += len(claims)
    now, acting = utcnow(), {claim.id: claim for claim in claims}
    asked, released = _put_inquiries(acting, now, tally, day), []
    if asked:
        at_once = get_settings().status_inquiries_at_once
        outcomes = status_batch.ask_all(asked, gateway or get_status_gateway(), mailbox or get_mailbox(),
                                        at_once=at_once, go_on=go_on)
        for entry, outcome in zip(asked, outcomes):
            if not outcome.started or outcome.error is not None:
                del acting[entry.claim.id]
            if not outcome.started:
                released.append(entry)
            elif outcome.error is not None:  # left `sending`, its 276 kept: the recovery sweep settles it
                tally.record(entry.claim.id, outcome.error, _refuser(entry.claim, day))
    inquiries = {entry.claim.id: entry for entry in asked if entry.claim.id in acting}
    _save(acting, inquiries, released, day, now, tally)
    return not released


def _save(acting: dict[str, ClaimItem], inquiries: dict[str, Asking], released: list[Asking], day: date,
          now: datetime, tally: Tally) -> None:
    """Every claim's move with its tasks and settled inquiry, and the records of the inquiries not sent taken
    back, as few transactions as fit; a claim changed meanwhile keeps only its inquiry's answer."""
    from chalicelib.tasks import service as tasks

    open_ids = tasks.still_open([(claim, name) for claim in acting.values() for name in _task_reasons(claim)])
    moves: dict[str, list[Item]] = {}
    for claim in acting.values():
        ok, saves = tally.guard(claim.id, lambda c=claim: _stage(c, inquiries.get(c.id), day, now, open_ids),
                                _refuser(claim, day))
        if ok:
            moves[claim.id] = saves
    taken_back = [batched.Unit(f"{e.claim.id}:not sent", deletes=[e.inquiry]) for e in released]
    written = batched.write(lifecycle.units(moves) + taken_back)
    tally.done += sum(1 for unit in written.written if unit.name in moves)
    for unit, error in written.failed:
        if unit.name in moves:  # its inquiry, if any, stays `sending` with its 277 kept: the sweep applies it
            tally.record(unit.name, error, _refuser(acting[unit.name], day))
    changed = [inquiries[unit.name].inquiry for unit in written.conflicts if unit.name in inquiries]
    batched.write([batched.Unit(inquiry.id, saves=[inquiry]) for inquiry in changed])


def work(message: dict[str, Any], message_id: str, gateway: Any = None, *,
         seconds_left: Callable[[], float] | None = None, send_all: Sender | None = None,
         mailbox: Any = None) -> int:
    """Act on the practice's claims due by the message's day, a hundred at a time; returns how many were acted
    on. What does not fit in this invocation goes on in a continuation message."""
    day = date.fromisoformat(message["day"])
    tally = Tally(JOB, message["practice_id"])
    go_on = (lambda: seconds_left() >= STOP_WITH_SECONDS_LEFT) if seconds_left else (lambda: True)
    for claims in due_claims(message["practice_id"], message["day"]):
        due = [c for c in claims if c.follow_up_on and c.follow_up_on <= message["day"]]  # the index lags
        room = MAX_CLAIMS_PER_MESSAGE - tally.tried
        if room <= 0 or not go_on():
            _continue(message, send_all)
            break
        finished = act(due[:room], day, tally, gateway=gateway, mailbox=mailbox, go_on=go_on)
        if not finished or len(due) > room:
            _continue(message, send_all)
            break
    return tally.settle()
