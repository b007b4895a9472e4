"""The denial work items a recorded claim payment opens, pure: what the poster saves in the claim payment's
own unit (docs/remittance.md, "Denials"). Each denial and its biller's task have ids derived from the record's
key, and new items are put on the condition that they do not exist, so a retried invocation makes the same
items and a second one cannot be made."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from chalicelib.claims import open_tasks
from chalicelib.claims.items import ClaimItem
from chalicelib.core.clock import iso
from chalicelib.core.ids import derived_id, id_ms
from chalicelib.core.money import Money
from chalicelib.db import keys
from chalicelib.db.models import Item
from chalicelib.denials import rules, words
from chalicelib.denials.denied import Denied, denials_of
from chalicelib.denials.items import UNRESOLVED, Denial
from chalicelib.tasks.items import PRIORITY_RANK

ACTOR = "job:remittance"
CLAIM_TASK = "denied"  # the claim's slot for its denial task (claims/open_tasks.py): the follow-up job's too
LINE_TASK = "denied_line"  # a line's denial: the denial item is the task's guard, not the claim


def index(denial: Denial) -> None:
    """Unresolved denials are on the practice's priority queue (gsi1); every one is on the firm's list (gsi2)."""
    waiting = denial.status in UNRESOLVED
    denial.gsi1pk = keys.denial_queue_pk(denial.practice_id) if waiting else None
    denial.gsi1sk = f"{PRIORITY_RANK[denial.priority]}#{denial.appeal_due}#{denial.id}" if waiting else None
    denial.gsi2pk, denial.gsi2sk = keys.firm_denials_pk(denial.firm_id), denial.id


def opened_by(claim: ClaimItem, record: Any, *, firm_id: str, payer_id: str, payer_name: str,
              paid_on: date | None, now: datetime, appeal_days: int = rules.DEFAULT_APPEAL_DAYS) -> list[Item]:
    """The denials of one recorded claim payment (remits RemittanceClaim) and a biller's task for each, to save
    in the posting's transaction: [denial, task, ...], empty when it denies nothing.

    A claim-level denial's task is the claim's `denied` task: the claim names it, in memory, unless it names
    one already, so save `claim` after this call in the same unit (the follow-up job then opens no second
    one, and the claim's move past `denied` closes it)."""
    made: list[Item] = []
    denied_on = paid_on or now.date()
    for denied in denials_of(record):
        denial = _denial(claim, record, denied, firm_id=firm_id, payer=(payer_id, payer_name),
                         denied_on=denied_on, now=now, appeal_days=appeal_days)
        task = _task(claim, denial, denied, now)
        if denied.svc is None and CLAIM_TASK not in open_tasks.named(claim):
            open_tasks.name(claim, CLAIM_TASK, task.id)
        made += [denial, task]
    return made


def _denial(claim: ClaimItem, record: Any, denied: Denied, *, firm_id: str, payer: tuple[str, str],
            denied_on: date, now: datetime, appeal_days: int) -> Denial:
    remarks = list(denied.remarks)
    category = rules.category(denied.adjustments, remarks)
    due = rules.appeal_due(denied_on, appeal_days)
    main = rules.main_reason(denied.adjustments)
    denial_id = derived_id(id_ms(record.remittance_id), f"{record.pk}|{record.sk}|denial|{denied.svc or 0}")
    stamp = iso(now)
    denial = Denial(
        keys.practice_pk(claim.practice_id), keys.denial_sk(denial_id), id=denial_id, created_at=stamp,
        updated_at=stamp, practice_id=claim.practice_id, firm_id=firm_id, claim_id=claim.id,
        patient_control_number=record.patient_control_number, payer_claim_number=record.payer_claim_number,
        claim_status=record.status, remittance_id=record.remittance_id, record_sk=record.sk,
        level="claim" if denied.svc is None else "line", svc=denied.svc, line_number=denied.line_number,
        procedure=denied.procedure, payer_id=payer[0], payer_name=payer[1], charge_cents=denied.charge_cents,
        denied_cents=denied.denied_cents,
        adjustments=json.dumps([{"group": a.group, "reason": a.reason, "amount_cents": a.amount_cents}
                                for a in denied.adjustments]),
        remarks=json.dumps(remarks), reason=main.reason if main else "", category=category,
        action=rules.action(denied.adjustments, remarks, category),
        priority=rules.priority(denied.denied_cents, (due - now.date()).days), denied_on=denied_on.isoformat(),
        appeal_due=due.isoformat(), status="open", notes="[]",
        task_id=derived_id(id_ms(denial_id), f"{denial_id}|task"))
    index(denial)
    return denial


def _task(claim: ClaimItem, denial: Denial, denied: Denied, now: datetime) -> Item:
    from chalicelib.tasks import service as tasks  # with the posting, not at the API's cold start

    what = f"Claim {denial.patient_control_number}"
    if denied.svc is not None:
        what += f" line {denied.line_number or denied.svc}" + (f" ({denied.procedure})" if denied.procedure else "")
    title = f"{what} denied ({rules.CATEGORY_WORDS[denial.category]}): {rules.ACTION_WORDS[denial.action]}"
    reasons = [f"{a.group}-{a.reason} {words.carc(a.reason)}" for a in denied.adjustments if a.group != "PR"]
    detail = "; ".join(reasons + [f"{r} {words.rarc(r)}" for r in denied.remarks])
    detail += f". Denied ${Money(int(denial.denied_cents))}; appeal by {denial.appeal_due}. Denial {denial.id}."
    due = rules.task_due(now.date(), date.fromisoformat(denial.appeal_due))
    return tasks.for_cause(claim, denial.task_id, CLAIM_TASK if denied.svc is None else LINE_TASK,
                           title=title[:120], priority=denial.priority, queue="billing", due_on=due, actor=ACTOR,
                           now=iso(now), detail=detail[:2000])
