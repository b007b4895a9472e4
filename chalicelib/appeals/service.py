"""Appeals: made from a denial at a level, within the payer's window, with a reminder task; moved draft -> sent ->
won | partly_won | lost (sending or deciding it closes the reminder); decided by a later 835 that pays the claim
(`outcome_items`, for the poster). Every function takes the tenant first (a scope, or the record the poster
holds, whose key names the practice)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable

from chalicelib.appeals import rules
from chalicelib.appeals.items import OPEN, Appeal, AppealSlot, index
from chalicelib.appeals.models import AppealCreate, AppealOut, AppealQuery, AppealUpdate
from chalicelib.claims.items import ClaimItem
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings
from chalicelib.db import keys, pages, store
from chalicelib.db.models import Item, Payer
from chalicelib.denials.denied import denials_of
from chalicelib.denials.items import Denial
from chalicelib.denials.rules import priority
from chalicelib.denials.service import appeal_days, window_of
from chalicelib.tasks.items import Task

Page = tuple[list[Any], "str | None"]
Clock = Callable[[], datetime]
TASK_REASON = "appeal"
PROOF_CATEGORY = "timely_filing"  # CARC 29 and its kin (denials/rules.py): the proof goes with the appeal
PROOF_NAME = "proof-of-timely-filing.pdf"


def proof_attachment(stamp: str) -> dict[str, Any]:
    """A timely-filing appeal's own attachment: the proof, rendered from the claim's history with each letter."""
    return {"id": "timely-filing-proof", "name": PROOF_NAME, "content_type": "application/pdf", "size_bytes": None,
            "kind": "timely_filing_proof", "added_at": stamp}


def out(item: Appeal) -> AppealOut:
    return AppealOut.model_validate(item)


def appeal_key(scope: PracticeScope, appeal_id: str) -> store.Key[Appeal]:
    return store.Key(Appeal, keys.practice_pk(scope.practice_id), keys.appeal_sk(appeal_id), "appeal")


def _slot_key(scope: PracticeScope, denial_id: str, level: str | None) -> store.Key[AppealSlot] | None:
    if level is None:
        return None
    return store.Key(AppealSlot, keys.practice_pk(scope.practice_id), keys.appeal_slot_sk(denial_id, level))


@dataclass
class _Held:
    """What making an appeal reads: the denial, its claim, the payer's window, the latest appeal at the level
    (and its slot), and the latest at the level before."""

    denial: Denial
    claim: ClaimItem
    window_days: int
    slot: AppealSlot | None
    latest: Appeal | None
    before: Appeal | None


def _read(scope: PracticeScope, denial_id: str, level: str) -> _Held:
    """Two BatchGetItems: the denial with its slots, then its claim, payer and the slots' appeals."""
    pk = keys.practice_pk(scope.practice_id)
    denial_key = store.Key(Denial, pk, keys.denial_sk(denial_id), "denial")
    slot_key = _slot_key(scope, denial_id, level)
    before_key = _slot_key(scope, denial_id, rules.previous_level(level))
    found = store.read(denial_key, slot_key, before_key, consistent=True)
    denial = found.get(denial_key)
    slot = found.find(slot_key) if slot_key else None
    before = found.find(before_key) if before_key else None
    claim_key = store.Key(ClaimItem, pk, keys.claim_sk(denial.claim_id), "claim")
    payer_key = store.Key(Payer, pk, keys.payer_sk(denial.payer_ref)) if denial.payer_ref else None
    latest_key = appeal_key(scope, slot.appeal_id) if slot else None
    before_appeal_key = appeal_key(scope, before.appeal_id) if before else None
    held = store.read(claim_key, payer_key, latest_key, before_appeal_key, consistent=True)
    claim = held.get(claim_key)
    days = window_of(held.find(payer_key)) if payer_key else appeal_days(claim)  # denials made before payer_ref
    return _Held(denial, claim, days, slot, held.find(latest_key) if latest_key else None,
                 held.find(before_appeal_key) if before_appeal_key else None)


def create(scope: PracticeScope, denial_id: str, body: AppealCreate, audit: Audit | None = None, *,
           clock: Clock = utcnow) -> AppealOut:
    """An appeal of the denial at a level, as a draft, with its reminder task, in one transaction with the slot
    that names it (under its version: two racing requests make one). 409: an open appeal at that level, a later
    level without a decided earlier one, or the payer's window closed."""
    held = _read(scope, denial_id, body.level)
    _refuse_open(held.latest, body.level)
    window_from = _window_from(held.denial, body.level, held.before)
    moment, days = clock(), held.window_days
    due = rules.due_on(window_from, days)
    if due < moment.date():
        raise Conflict(f"The payer's appeal window closed on {due.isoformat()}: {days} days from "
                       f"{window_from.isoformat()}. The payer takes no {rules.LEVEL_WORDS[body.level]} after it.")
    appeal = _appeal(scope, held.denial, held.claim, body, window_from, days, due, moment)
    slot = held.slot or AppealSlot(keys.practice_pk(scope.practice_id), keys.appeal_slot_sk(denial_id, body.level),
                                   id=new_id(), practice_id=scope.practice_id, denial_id=denial_id,
                                   level=body.level, created_at=appeal.created_at)
    slot.appeal_id, slot.updated_at = appeal.id, appeal.created_at
    _write([appeal, _reminder(held.claim, appeal, moment), slot], audit, appeal.id)
    return out(appeal)


def _refuse_open(latest: Appeal | None, level: str) -> None:
    if latest is not None and latest.status in OPEN:
        raise Conflict(f"The denial has an open {rules.LEVEL_WORDS[level]} already ({latest.id}, "
                       f"{latest.status}): move it on before making another.")


def _window_from(denial: Denial, level: str, before: Appeal | None) -> date:
    """A first-level appeal counts from the remittance's date; a later level from the decision on the one
    before, which must have gone against the practice."""
    if level == "first":
        return date.fromisoformat(denial.denied_on)
    if before is None or before.status not in rules.DECIDED_AGAINST or not before.decided_on:
        wanted = rules.LEVEL_WORDS[rules.previous_level(level) or "first"]
        raise Conflict(f"A {rules.LEVEL_WORDS[level]} follows a {wanted} the payer decided against (lost or "
                       "partly won).")
    return date.fromisoformat(before.decided_on)


def _appeal(scope: PracticeScope, denial: Denial, claim: ClaimItem, body: AppealCreate, window_from: date,
            days: int, due: date, moment: datetime) -> Appeal:
    appeal_id, stamp = new_id(), iso(moment)
    appeal = Appeal(
        keys.practice_pk(scope.practice_id), keys.appeal_sk(appeal_id), id=appeal_id, created_at=stamp,
        updated_at=stamp, practice_id=scope.practice_id, denial_id=denial.id, claim_id=denial.claim_id,
        remittance_id=denial.remittance_id, record_sk=denial.record_sk,
        patient_control_number=denial.patient_control_number, payer_claim_number=denial.payer_claim_number,
        payer_ref=claim.payer_ref, payer_name=denial.payer_name,
        category=denial.category, line_number=denial.line_number, denied_cents=denial.denied_cents,
        level=body.level, reason=body.reason, status="draft", window_from=window_from.isoformat(),
        window_days=days, due_on=due.isoformat(), task_id=new_id(),
        attachments=json.dumps([proof_attachment(stamp)] if denial.category == PROOF_CATEGORY else []),
        created_by=scope.principal.key_id)
    index(appeal)
    return appeal


def _reminder(claim: ClaimItem, appeal: Appeal, moment: datetime) -> Task:
    """The biller's reminder to send the appeal, due some days before the window closes, on the billing work
    list (which the follow-up job and billers read by priority and due date)."""
    from chalicelib.tasks import service as tasks

    due = date.fromisoformat(appeal.due_on)
    on = rules.reminder_on(moment.date(), due, get_settings().appeal_reminder_days)
    title = (f"Claim {appeal.patient_control_number}: send the {rules.LEVEL_WORDS[appeal.level]} by "
             f"{appeal.due_on}")
    detail = f"Appeal {appeal.id} of denial {appeal.denial_id} ({appeal.category}); the payer takes it until " \
             f"{appeal.due_on}."
    return tasks.for_cause(claim, appeal.task_id, TASK_REASON, title=title[:120],
                           priority=priority(int(appeal.denied_cents), (due - moment.date()).days), queue="billing",
                           due_on=on, actor=appeal.created_by, now=appeal.created_at, detail=detail)


def _write(saves: list[Item], audit: Audit | None, made_id: str | None = None) -> None:
    from pynamodb.exceptions import TransactWriteError

    try:
        with store.transaction(audit, made_id) as tx:
            for item in saves:
                tx.save(item)
    except TransactWriteError as error:
        raise store.translate_transaction(error, "appeal") from None


def get(scope: PracticeScope, appeal_id: str) -> AppealOut:
    return out(store.load(appeal_key(scope, appeal_id)))


def list_for_practice(scope: PracticeScope, query: AppealQuery) -> Page:
    """Newest first (the practice's partition), or of one status soonest due first (gsi1)."""
    if query.status is None:
        page = pages.query_page(Appeal, keys.practice_pk(scope.practice_id), keys.APPEAL_PREFIX,
                                limit=query.limit, cursor=query.cursor, newest_first=True)
    else:
        page = pages.query_index_page(Appeal, "gsi1", keys.appeals_of_status_pk(scope.practice_id, query.status),
                                      "", limit=query.limit, cursor=query.cursor)
    return [out(item) for item in page.items], page.next_cursor


def update(scope: PracticeScope, appeal_id: str, body: AppealUpdate, version: int, audit: Audit | None = None, *,
           clock: Clock = utcnow) -> AppealOut:
    """Edit a draft's reason, or move the appeal on; sending or deciding it closes its reminder task in the same
    transaction."""
    item = store.load(appeal_key(scope, appeal_id))
    store.check_version(item, version, "appeal")
    today = clock().date()
    if body.reason is not None:
        if item.status != "draft":
            raise Conflict(f"The appeal is {item.status}: its reason changes only while a draft.")
        item.reason = body.reason
    also: list[Item] = []
    if body.status is not None and body.status != item.status:
        if not rules.may_move(item.status, body.status):
            raise Conflict(f"An appeal moves draft -> sent -> won, partly_won or lost; this one is {item.status} "
                           f"and cannot become {body.status}.")
        _move(item, body, today)
        also = _closed_reminder(item, scope.principal.key_id, iso(clock()))
    index(item)
    return out(store.update(item, {}, version, "appeal", audit, also=also))


def _move(item: Appeal, body: AppealUpdate, today: date) -> None:
    item.status = body.status
    if body.status == "sent":
        item.sent_on = (body.sent_on or today).isoformat()
    else:
        item.decided_on = today.isoformat()
        if body.recovered_cents is not None:
            item.recovered_cents = body.recovered_cents


def _closed_reminder(item: Appeal, actor: str, now: str) -> list[Item]:
    from chalicelib.tasks import service as tasks

    try:
        task = Task.get(item.pk, keys.task_sk(item.task_id), consistent_read=True)
    except Task.DoesNotExist:
        return []
    if task.status != "open":
        return []
    tasks.mark_done(task, f"Appeal {item.id} {item.status.replace('_', ' ')}.", actor, now)
    return [task]


def sent_by_claim(practice_ids: Iterable[str]) -> dict[str, list[Appeal]]:
    """Claim id -> its sent appeals, for a posting that pays many claims: one Query (paged) of each practice's
    sent list, so the appeals a payment may decide cost no read per claim."""
    found: dict[str, list[Appeal]] = {}
    for practice_id in practice_ids:
        for appeal in Appeal.gsi1.query(keys.appeals_of_status_pk(practice_id, "sent")):
            if isinstance(appeal, Appeal):
                found.setdefault(appeal.claim_id, []).append(appeal)
    return found


def outcome_items(record: Any, *, paid_on: date | None, now: datetime,
                  sent: list[Appeal] | None = None) -> list[Item]:
    """The appeals a later claim payment decides, for the poster to save in the posting's unit: each sent appeal
    of the claim (made from another remittance) becomes won or partly won by what this payment pays on the
    appealed claim or line, with the payment linked. A payment of nothing decides nothing. Each appeal is saved
    under its version, so a posting retried after its unit was written finds it decided and returns nothing.
    `sent`: the claim's sent appeals when the caller read them for many claims (`sent_by_claim`); else a Query.
    Each candidate is read again (GetItem): the index is eventually consistent."""
    if sent is None:
        sent = list(Appeal.gsi2.query(keys.claim_appeals_pk(record.practice_id, record.claim_id)))
    decided: list[Item] = []
    for appeal in sent:
        if appeal.status != "sent" or appeal.remittance_id == record.remittance_id:
            continue
        current = Appeal.get(appeal.pk, appeal.sk, consistent_read=True)  # the index is eventually consistent
        paid = _paid_on_appealed(record, current.line_number)
        status = rules.outcome(paid, _still_denied(record, current.line_number)) if current.status == "sent" \
            else None
        if status is None:
            continue
        day = (paid_on or now.date()).isoformat()
        current.status, current.decided_on, current.recovered_cents = status, day, paid
        current.outcome = json.dumps({"remittance_id": record.remittance_id, "record_sk": record.sk,
                                      "paid_cents": paid, "paid_on": day})
        current.updated_at = iso(now)
        index(current)
        decided.append(current)
    return decided


def _still_denied(record: Any, line_number: int | None) -> bool:
    """Whether the payment denies the appealed claim (any of it) or the appealed line again (denials' rules)."""
    denied = denials_of(record)
    return bool(denied) if line_number is None else any(d.line_number == line_number for d in denied)


def _paid_on_appealed(record: Any, line_number: int | None) -> int:
    """What the payment pays on the appealed line (a line's denial), or on the claim."""
    if line_number is None:
        return int(record.paid_cents)
    lines = json.loads(record.lines)
    return sum(int(line["paid_cents"]) for line in lines if line.get("line_number") == line_number)
