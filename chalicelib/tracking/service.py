"""Applying a parsed 999, 277CA or 277 to the firm's claims: find them, decide (acks.py), save, open tasks; an
835's remittances go to remits/service.py, which records them (no claim moves yet).

DynamoDB calls grow with the claims an answer names, not with the firm's claims: pointers and claims are read
with BatchGetItem (100 keys a call) and moves written `CLAIMS_PER_TRANSACTION` claims a TransactWriteItems
(claim and event each). A chunk that meets a concurrent change is redone claim by claim from a fresh read; a
claim that changes again under us fails the file's invocation, and the retry takes up only what is left.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from chalicelib.claims import codec, lifecycle
from chalicelib.claims.items import BatchNumber, ClaimBatch, ClaimItem
from chalicelib.claims.numbers import claims_by_number, usable
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, store
from chalicelib.edi.acks.ack_277ca import ClaimAck, LevelAck
from chalicelib.edi.acks.ack_999 import Ack999
from chalicelib.edi.claim.reader import read_837
from chalicelib.remits import service as remits
from chalicelib.tracking import acks

ACTOR = "job:edi-inbox"
CLAIMS_PER_TRANSACTION = 25  # two items each, and one per task a move closes; DynamoDB allows 100
MAX_CLAIMS_PER_SET = 5000  # edi/claim/writer.py MAX_CLAIMS_PER_TRANSACTION: a batch above it was written as several sets
Plan = Callable[[ClaimItem], "acks.Move | None"]
Covered = dict[str, tuple[ClaimItem, tuple[LevelAck, ...]]]  # claim id -> (claim, the rejecting levels over it)


@dataclass
class Result:
    outcomes: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # practice -> [{claim_id, outcome}]
    unmatched: list[str] = field(default_factory=list)
    rejected: list[tuple[ClaimItem, str]] = field(default_factory=list)  # (claim, where the rejection came from)

    def note(self, claim: ClaimItem, outcome: str) -> None:
        self.outcomes.setdefault(claim.practice_id, []).append({"claim_id": claim.id, "outcome": outcome})


def _write(chunk: list[tuple[ClaimItem, Plan, acks.Move]], now: str) -> None:
    saves: list[Any] = []
    for claim, _, move in chunk:
        saves += [claim, lifecycle.stage(claim, move.changes, move.event, ACTOR, move.detail, now)]
    lifecycle.write(saves)


def _one_by_one(chunk: list[tuple[ClaimItem, Plan, acks.Move]], result: Result, now: str) -> None:
    for claim, plan, _ in chunk:
        fresh = ClaimItem.get(claim.pk, claim.sk, consistent_read=True)
        move = plan(fresh)
        if move is not None:
            _write([(fresh, plan, move)], now)  # a second conflict raises: the invocation is retried
        _record(result, fresh, move)


def _record(result: Result, claim: ClaimItem, move: acks.Move | None) -> None:
    result.note(claim, move.outcome if move else "unchanged")
    if move is not None and move.outcome == acks.REJECTED:
        result.rejected.append((claim, move.detail.get("source", "")))


def save(plans: list[tuple[ClaimItem, Plan]], result: Result, now: str) -> None:
    staged = []
    for claim, plan in plans:
        move = plan(claim)
        if move is None:
            _record(result, claim, None)
        else:
            staged.append((claim, plan, move))
    for chunk in lifecycle.chunks(staged, CLAIMS_PER_TRANSACTION, claim_of=lambda entry: entry[0]):
        try:
            _write(chunk, now)
        except Conflict:
            _one_by_one(chunk, result, now)
            continue
        for claim, _, move in chunk:
            _record(result, claim, move)


# --- 999 ---------------------------------------------------------------------------------------------------

def _batch_at(firm_id: str, pointer_sk: str) -> ClaimBatch | None:
    """The firm's batch a pointer names (`ICN#n`: the 999's AK102; `BHT#ref`: the 277CA's 2200B TRN02)."""
    try:
        pointer = BatchNumber.get(keys.firm_pk(firm_id), pointer_sk)
        batch = ClaimBatch.get(keys.practice_pk(pointer.practice_id), keys.batch_sk(pointer.batch_id))
    except (BatchNumber.DoesNotExist, ClaimBatch.DoesNotExist):
        return None
    return batch if isinstance(batch, ClaimBatch) else None


def _claims_of(batch: ClaimBatch) -> list[ClaimItem]:
    pk = keys.practice_pk(batch.practice_id)
    return [c for c in ClaimItem.batch_get([(pk, keys.claim_sk(i)) for i in batch.claim_ids])
            if isinstance(c, ClaimItem)]


def _batch(firm_id: str, ack: Ack999) -> ClaimBatch | None:
    number = ack.group_control_number
    if ack.functional_id != "HC" or not number.isdigit() or len(number) > 9:
        return None
    return _batch_at(firm_id, keys.batch_number_sk(int(number)))


def _set_numbers(batch: ClaimBatch, claims: list[ClaimItem], outbox: Callable[[str], str] | None) -> dict[str, int]:
    """Claim id -> the ST02 (as a number) of the set that carried it in the batch's 837."""
    if int(batch.claim_count) <= MAX_CLAIMS_PER_SET or outbox is None:
        return {claim.id: 1 for claim in claims}
    by_number = {c.patient_control_number: int(c.set_control_number) for c in read_837(outbox(batch.file_key))}
    return {claim.id: by_number.get(claim.patient_control_number, 0) for claim in claims}


def _plan_999(batch_id: str, set_ack: Any, ack: Ack999, file_id: str, now: str) -> Plan:
    """The 999's decision for one claim (its set's answer, or the group's), re-run on a fresh read if needed."""
    return lambda claim: acks.from_999(claim, batch_id, set_ack, ack.code, ack.messages, file_id, now)


def _apply_999(firm_id: str, answers: list[Ack999], file_id: str, now: str, result: Result,
               outbox: Callable[[str], str] | None) -> None:
    for ack in answers:
        batch = _batch(firm_id, ack)
        if batch is None:
            result.unmatched.append(f"999 for group {ack.functional_id} {ack.group_control_number}")
            continue
        claims = _claims_of(batch)
        sets = {int(s.control_number): s for s in ack.sets if s.control_number.isdigit()}
        set_of = _set_numbers(batch, claims, outbox)
        save([(claim, _plan_999(batch.id, sets.get(set_of[claim.id]), ack, file_id, now)) for claim in claims],
             result, now)
        word = {"A": "accepted", "E": "accepted", "P": "partial"}.get(ack.code, "rejected")
        if batch.acknowledgment != word:
            store.update(batch, {"acknowledgment": word, "acknowledged_at": now}, batch.version, "claim batch")


# --- 277CA and 277 -----------------------------------------------------------------------------------------
# A 277CA answers claim by claim (2200D, TRN02 = our CLM01), and may answer above them (X214 2200B for the whole
# batch, 2200C for a billing provider): a rejection there rejects every claim it covers, as its own would.

def _apply_by_number(firm_id: str, answers: list[Any], number_of: Callable[[Any], str], kind: str,
                     decide: Callable[[ClaimItem, Any], "acks.Move | None"], result: Result, now: str,
                     known: dict[str, ClaimItem] | None = None) -> None:
    """Each answer to the claim its number names; `known` claims (by number) are not read again."""
    known = known or {}
    claims = {**claims_by_number(firm_id, (number_of(a) for a in answers if number_of(a) not in known)), **known}
    plans: list[tuple[ClaimItem, Plan]] = []
    for answer in answers:
        claim = claims.get(number_of(answer))
        if claim is None:
            result.unmatched.append(f"{kind} for claim number {number_of(answer) or '(none)'}")
        else:
            plans.append((claim, lambda c, a=answer: decide(c, a)))
    save(plans, result, now)


def _covered(firm_id: str, levels: list[LevelAck], result: Result) -> Covered:
    """Every claim of ours that a rejection above the claims covers: the claims still in the batch a 2000B names
    (2200B TRN02 = our BHT03), or in that batch with the billing provider a 2000C names. The batch's claims are
    read once, whatever the number of levels."""
    covered: Covered = {}
    batches: dict[str, tuple[ClaimBatch, list[ClaimItem]] | None] = {}
    for level in levels:
        reference = level.batch_reference
        if reference not in batches:
            batch = _batch_at(firm_id, keys.batch_reference_sk(reference)) if usable(reference) else None
            batches[reference] = (batch, _claims_of(batch)) if batch is not None else None
            if batch is None:
                result.unmatched.append(f"277CA for batch {reference or '(none)'}")
        found = batches[reference]
        if found is None:
            continue
        batch, claims = found
        for claim in claims:
            # A 2000B covers the whole batch: no need to read each claim's billing provider for it.
            if claim.batch_id == batch.id and (level.level == "2000B" or level.covers(*_billing(claim))):
                covered[claim.id] = (claim, covered.get(claim.id, (claim, ()))[1] + (level,))
    return covered


def _billing(claim: ClaimItem) -> tuple[str, str]:
    billing = codec.loads(claim.document).billing
    return billing.npi, billing.tax_id


def _apply_277ca(firm_id: str, answers: list[Any], file_id: str, now: str, result: Result) -> None:
    """Claim by claim as listed (2200D), and, for a rejection above the claims (2200B, 2200C), every claim it
    covers, listed or not: the same decision (`acks.from_277ca`), the rejecting level's statuses first."""
    covered = _covered(firm_id, [a for a in answers if isinstance(a, LevelAck) and a.rejected], result)
    listed = [a for a in answers if isinstance(a, ClaimAck)]
    numbers = {a.patient_control_number for a in listed}
    listed += [ClaimAck(claim.patient_control_number, "", (), above=levels) for claim, levels in covered.values()
               if claim.patient_control_number not in numbers]

    def with_levels(ack: ClaimAck, claim: ClaimItem) -> ClaimAck:
        extra = tuple(level for level in covered.get(claim.id, (claim, ()))[1] if level not in ack.above)
        return replace(ack, above=ack.above + extra) if extra else ack

    _apply_by_number(firm_id, listed, lambda a: a.patient_control_number, "277CA",
                     lambda c, a: acks.from_277ca(c, with_levels(a, c), file_id, now), result, now,
                     known={claim.patient_control_number: claim for claim, _ in covered.values()})


def apply(firm_id: str, kind: str, answers: list[Any], file_id: str, now: str, *,
          outbox: Callable[[str], str] | None = None) -> Result:
    result = Result()
    if kind == "999":
        _apply_999(firm_id, answers, file_id, now, result, outbox)
    elif kind == "277CA":
        _apply_277ca(firm_id, answers, file_id, now, result)
    elif kind == "835":  # recorded for posting, nothing moved yet (remits/service.py)
        recorded = remits.record(firm_id, answers, file_id, now)
        result.outcomes, result.unmatched = recorded.outcomes, recorded.unmatched
    else:
        _apply_by_number(firm_id, answers, lambda a: a.patient_control_number or a.trace_number, kind,
                         lambda c, a: acks.from_277(c, a, file_id, now), result, now)
    open_rejection_tasks(result, now)
    return result


def open_rejection_tasks(result: Result, now: str) -> None:
    """A biller's task for each rejected claim; one per claim while it is open (tasks.open_for_claim)."""
    if not result.rejected:
        return
    from chalicelib.tasks import service as tasks

    for claim, source in result.rejected:
        messages = json.loads(claim.rejection or "{}").get("messages", [])
        opening = {"title": f"Claim {claim.patient_control_number} rejected ({source}): fix and resubmit",
                   "priority": "high", "queue": "billing", "due_on": now[:10], "actor": ACTOR,
                   "detail": "; ".join(messages)[:1000] or None}
        try:
            tasks.open_for_claim(claim, "rejected", **opening)
        except Conflict:  # the claim changed since its move: open it on the claim as it is, if still rejected
            fresh = ClaimItem.get(claim.pk, claim.sk, consistent_read=True)
            if fresh.status == "rejected":
                tasks.open_for_claim(fresh, "rejected", **opening)


# --- files that cannot be read -----------------------------------------------------------------------------

_REFERENCES = re.compile(r"(?:^|[~\n'])\s*(?:TRN\*2\*|REF\*EJ\*|CLP\*)([A-Za-z0-9-]{1,38})")


def mentioned(firm_id: str, text: str) -> Result:
    """For a file that failed: the practices whose claim numbers it names (TRN*2 / REF*EJ / CLP with the usual `*`
    and `~` delimiters), so each sees the failure too; nothing is applied."""
    result = Result()
    numbers = {match.group(1) for match in _REFERENCES.finditer(text[:2_000_000])}
    for claim in claims_by_number(firm_id, numbers).values():
        result.outcomes.setdefault(claim.practice_id, []).append({"claim_id": claim.id, "outcome": "unchanged"})
    return result
