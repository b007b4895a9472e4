"""What one claim payment of an 835 writes when it posts (remits/posting.py writes it): its record and
once-only pointer, its posting (the entries, rules.py), the claim's totals, status and event, and the patient's
share on the ledger, the claim and the balance moved in memory to be saved with them.

Ids are derived from the remittance and the CLP's place, so a retried run names the same items, and sorted in
the 835's order (core/ids.sequenced_id): a reversal before its correction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.claims import lifecycle
from chalicelib.claims.items import ClaimItem
from chalicelib.core.ids import id_ms, sequenced_id
from chalicelib.core.money import Money
from chalicelib.db import keys, store
from chalicelib.db.models import Item
from chalicelib.appeals import service as appeals
from chalicelib.appeals.items import Appeal
from chalicelib.denials import service as denials
from chalicelib.edi.remittance.result import ClaimPayment, Remittance
from chalicelib.ledger import service as ledger
from chalicelib.ledger.items import PatientBalance
from chalicelib.remits import records, rules
from chalicelib.remits.items import ClaimPosting
from chalicelib.remits.matching import LineMatch
from chalicelib.remits.records import Origin

ACTOR = "835"
POSTED, RECORDED, HELD, DUPLICATE = "posted", "recorded", "held", "duplicate"
REVERSAL_UNMATCHED = "reversal_unmatched"
# A claim an appeal may be waiting on: a later payment of it decides its sent appeals (read once a practice).
APPEALABLE = frozenset({"denied", "partial", "appealed"})


@dataclass
class Payment:
    """One balanced claim payment of the set, matched to our claim, on its way to be recorded and posted."""

    position: int
    payment: ClaimPayment
    matches: list[LineMatch]
    digest: str
    claim: ClaimItem  # as last read
    conflicts: int = 0


@dataclass
class Done:
    outcome: str  # posted | recorded | held | duplicate
    remittance_id: str  # the remittance that recorded it (an earlier one for a duplicate)
    totals: rules.Totals | None = None  # what it posted: paid, adjusted, moved to the patient
    recorded: bool = True  # False: held for a conflict, its record not written


def posting_id(origin: Origin, position: int) -> str:
    """Sorted by the remittance's time, then the CLP's place: a reversal before its correction."""
    return sequenced_id(id_ms(origin.remittance_id), position, f"{origin.remittance_id}:{position}:posting")


def _patient_entry_id(origin: Origin, position: int) -> str:
    return sequenced_id(id_ms(origin.remittance_id), position, f"{origin.remittance_id}:{position}:patient")


def live_postings(claim: ClaimItem) -> dict[str, str]:
    return json.loads(claim.postings or "{}")


def posting_key(claim: ClaimItem, posting: str) -> store.Key[ClaimPosting]:
    return store.Key(ClaimPosting, claim.pk, keys.claim_entry_sk(claim.id, posting))


def payment_items(origin: Origin, remittance: Remittance, p: Payment, claim: ClaimItem, balance: PatientBalance,
                  earlier: dict[tuple[str, str], ClaimPosting], appeal_days: int,
                  sent_appeals: list[Appeal]) -> tuple[list[Item], Done, bool]:
    """What one claim payment writes (its record and pointer, its posting, the claim's event, the patient's
    entry), the claim and balance moved in memory; whether the claim changed. Items another part adds to a
    posted claim payment (denial work items, counters) are appended here."""
    record = records.claim_record(origin, remittance, p.position, p.payment, claim, p.matches, POSTED)
    items: list[Item] = [record, records.seen(record)]
    unmatched = [m.reason for m in p.matches if m.ours is None]
    if unmatched:
        items.append(records.work_item(origin, remittance, p.position, p.payment, records.UNMATCHED_LINES,
                                       "; ".join(r for r in unmatched if r), claim))
    if p.payment.status in rules.NO_MONEY:
        record.posting = RECORDED
        return items, Done(RECORDED, origin.remittance_id), False
    undone = None
    if p.payment.status == rules.REVERSAL_STATUS:
        live = live_postings(claim).get(p.payment.payer_claim_number)
        undone = earlier.get((claim.id, live)) if live else None
        if undone is None:
            record.posting = HELD  # recorded, so a re-sent 835 does not bring it back; the work item says why
            detail = (f"claim {claim.patient_control_number}: the reversal (CLP02 22) of payer claim "
                      f"{p.payment.payer_claim_number} names no payment posted to the claim; nothing reversed")
            items.append(records.work_item(origin, remittance, p.position, p.payment, REVERSAL_UNMATCHED, detail,
                                           claim))
            return items, Done(HELD, origin.remittance_id), False
    deciding = may_decide_appeals(claim, p.payment) and bool(sent_appeals)  # before this payment moves it
    posting, totals = _post_to_claim(origin, remittance.payment.trace_number, p, claim, undone)
    items += [posting, *_to_patient(origin, p, posting, balance, undone)]
    items.append(lifecycle.stage(claim, _claim_changes(claim, p, posting, totals, undone), _event(p), ACTOR,
                                 {"remittance_id": origin.remittance_id, "posting_id": posting.id,
                                  "clp02": p.payment.status}, now=origin.recorded_at))
    items += _denials(origin, remittance, claim, record, appeal_days)
    if deciding:
        items += appeals.outcome_items(record, paid_on=remittance.payment.effective,
                                       now=datetime.fromisoformat(origin.recorded_at), sent=sent_appeals)
    return items, Done(POSTED, origin.remittance_id, totals), True


def _denials(origin: Origin, remittance: Remittance, claim: ClaimItem, record: Any, appeal_days: int) -> list[Item]:
    """The denial work items (and their tasks) the claim payment opens, after the claim's move: a claim-level
    denial's task becomes the claim's `denied` task, so the claim is saved after these in the unit."""
    return denials.opened_by(claim, record, firm_id=origin.firm_id, payer_id=records.payer_id(remittance),
                             payer_name=remittance.payer.name, paid_on=remittance.payment.effective,
                             now=datetime.fromisoformat(origin.recorded_at), appeal_days=appeal_days)


def denial_room(payment: ClaimPayment) -> int:
    """At most the items a claim payment's denials add to its unit: a denial and a task for the claim or for
    each of its lines."""
    return 2 * max(1, len(payment.lines))


def may_decide_appeals(claim: ClaimItem, payment: ClaimPayment) -> bool:
    """Whether a payment may decide the claim's sent appeals: it pays something on a claim that was denied."""
    return claim.status in APPEALABLE and payment.paid_cents > 0


def _event(p: Payment) -> str:
    return "reversed" if p.payment.status == rules.REVERSAL_STATUS else "remitted"


def _post_to_claim(origin: Origin, trace: str, p: Payment, claim: ClaimItem,
                   undone: ClaimPosting | None) -> tuple[ClaimPosting, rules.Totals]:
    if undone is not None:
        entries = rules.contra(json.loads(undone.entries))
        moved = -int(undone.patient_cents)
    else:
        entries = rules.entries(p.payment, p.matches)
        moved = rules.totals(entries).patient_cents if rules.moves_to_patient(p.payment) else 0
    sums = rules.totals(entries)
    totals = rules.Totals(sums.paid_cents, sums.adjusted_cents, moved)
    balance_after = claim.insurance_balance() - totals.applied_cents
    status = rules.claim_status(p.payment, balance_after)
    posted = posting_id(origin, p.position)
    return ClaimPosting(
        claim.pk, keys.claim_entry_sk(claim.id, posted), id=posted, created_at=origin.recorded_at,
        updated_at=origin.recorded_at, practice_id=claim.practice_id, claim_id=claim.id,
        remittance_id=origin.remittance_id, position=p.position, trace_number=trace,
        patient_control_number=p.payment.patient_control_number, payer_claim_number=p.payment.payer_claim_number,
        payment_status=p.payment.status, claim_status=status or claim.status, entries=json.dumps(entries),
        paid_cents=totals.paid_cents, adjusted_cents=totals.adjusted_cents, patient_cents=moved,
        insurance_balance_cents=balance_after, reverses=undone.id if undone else None,
        forwarded_to=rules.crossover_name(p.payment)), totals


def _to_patient(origin: Origin, p: Payment, posting: ClaimPosting, balance: PatientBalance,
                undone: ClaimPosting | None) -> list[Item]:
    """The patient's share as a ledger entry (its full PR: a co-pay taken at the visit is already a payment
    entry, so the balance nets it), or the reversal of the entry an undone posting made."""
    moved = int(posting.patient_cents)
    if not moved:
        return []
    entry_id = _patient_entry_id(origin, p.position)
    if undone is not None:
        if not undone.ledger_entry_id:
            return []
        staged = ledger.stage(balance, "reversal", Money(moved), f"reversal:{undone.ledger_entry_id}",
                              entry_id=entry_id, now=origin.recorded_at, reverses=undone.ledger_entry_id,
                              memo=f"835 trace {posting.trace_number}: claim payment reversed by the payer")
    else:
        memo = rules.patient_memo(posting.trace_number, p.payment, json.loads(posting.entries))
        staged = ledger.stage(balance, "charge" if moved > 0 else "adjustment", Money(moved),
                              f"remit:{origin.remittance_id}:{p.position}", entry_id=entry_id,
                              now=origin.recorded_at, memo=memo)
    posting.ledger_entry_id = entry_id
    return list(staged)


def _claim_changes(claim: ClaimItem, p: Payment, posting: ClaimPosting, totals: rules.Totals,
                   undone: ClaimPosting | None) -> dict[str, Any]:
    live = live_postings(claim)
    if undone is not None:
        live.pop(p.payment.payer_claim_number, None)
    else:
        live[p.payment.payer_claim_number] = posting.id
    changes: dict[str, Any] = {
        "status": posting.claim_status, "insurance_balance_cents": int(posting.insurance_balance_cents),
        "insurance_paid_cents": int(claim.insurance_paid_cents or 0) + totals.paid_cents,
        "adjusted_cents": int(claim.adjusted_cents or 0) + totals.adjusted_cents,
        "patient_cents": int(claim.patient_cents or 0) + totals.patient_cents,
        "postings": json.dumps(live, sort_keys=True) if live else None}
    if posting.forwarded_to or p.payment.status in rules.FORWARDED:
        changes["forwarded_to"] = posting.forwarded_to
    return changes
