"""Recording and posting the 835s of an inbound file: each claim payment matched to our claim (CLP01,
firm-wide) and its lines (matching.py), recorded and posted in one unit (posting.py), the provider adjustments
posted per practice (plb.py), a remittance per practice touched with what posted, and the work list for what
cannot be posted as sent.

Rules kept:
- Nothing is guessed across practices: a CLP01 that is not one of the firm's claim numbers goes to the firm's
  work list with the reason, never to a practice.
- A claim payment that does not balance (X221A1 1.10.2, edi/remittance/balance.py) is recorded `refused`,
  posts nothing and is listed on its practice's work list. An unbalanced 835 is never an error.
- A claim payment is recorded and posted once: beside its record, in one transaction with its posting, a
  pointer keyed by TRN02, CLP01, CLP07 and CLP02 (records.payment_digest) that must not exist. A re-sent 835
  finds the pointer and lists the payment as a duplicate of the remittance that has it.
- A retried invocation writes the same keys (ids derived from the file's), so it adds nothing and finishes.

DynamoDB calls grow with claims, not with lines or adjustments: the PCN pointers and claims are read with
BatchGetItem (claims/numbers.py), the patients' balances with one more (posting.py), the writes go through
db/batched.py (up to 100 items a TransactWriteItems), and only the pointers of units that met an existing
item are read back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from chalicelib.claims import codec
from chalicelib.claims.items import ClaimItem
from chalicelib.claims.numbers import claims_by_number
from chalicelib.core.ids import derived_id, id_ms
from chalicelib.db import batched, store
from chalicelib.edi.remittance.result import ClaimPayment, Remittance
from chalicelib.remits import claim_items, coordination, plb, posting, records, secondary_claims
from chalicelib.remits.matching import match_lines, our_lines
from chalicelib.remits.records import Origin, Tally
from chalicelib.tenants.service import practice_key

RECORDED, DUPLICATE, UNBALANCED, HELD = "remitted", "duplicate", "unbalanced", "held"
UNKNOWN_CLAIM = "unknown_claim"


@dataclass
class Recorded:
    """What a file's 835s did: per practice, each claim's outcome; the references that are not ours."""

    outcomes: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


@dataclass
class _Matched:
    """One claim payment of the set matched to our claim: refused (`unit` to write) or to post (`payment`)."""

    position: int
    claim: ClaimItem
    paid_cents: int  # CLP04
    unit: batched.Unit | None = None
    payment: claim_items.Payment | None = None


def remittance_id(file_id: str, set_index: int) -> str:
    """The id one 835 set of a file has in every practice it touches, the same on every run of the file."""
    return derived_id(id_ms(file_id), f"{file_id}:835:{set_index}")


def record(firm_id: str, remittances: Sequence[Remittance], file_id: str, recorded_at: str) -> Recorded:
    claims = claims_by_number(firm_id, (p.patient_control_number for r in remittances for p in r.claims))
    done = Recorded()
    for n, remittance in enumerate(remittances, start=1):
        origin = Origin(firm_id, file_id, remittance_id(file_id, n), recorded_at)
        _record_set(origin, remittance, claims, done)
    return done


def _record_set(origin: Origin, remittance: Remittance, claims: dict[str, ClaimItem], done: Recorded) -> None:
    """The claim payments first (recorded and posted, or refused, with their work items) and the provider
    adjustments, then each practice's remittance with what they came to."""
    matched, firm_units = _match(origin, remittance, claims, done)
    plans = plb.plan(origin, remittance, {m.claim.practice_id for m in matched})
    others = firm_units + [m.unit for m in matched if m.unit is not None] + [p.unit for p in plans]
    posted, written = posting.post(origin, remittance, [m.payment for m in matched if m.payment], others)
    tallies: dict[str, Tally] = {}
    for m in matched:
        _count(tallies.setdefault(m.claim.practice_id, Tally(duplicates=[], plb_posted=set())), m, posted, done)
    _count_plb(plans, written, tallies)
    _write([batched.Unit(f"remittance {p}", saves=[records.remittance_record(origin, remittance, p, t)])
            for p, t in tallies.items()])
    _bill_next_coverages(origin, remittance, [m for m in matched if m.payment is not None
                                              and posted[m.position].outcome == claim_items.POSTED])


def _bill_next_coverages(origin: Origin, remittance: Remittance, posted: list[_Matched]) -> None:
    """Claims of practices that bill the next coverage automatically (`secondary_claims`), built once their
    payment is posted: each a claim of its own, with its number and transaction, so after the posting's writes.
    Only claim payments that leave something to bill are looked at, and the practices' settings are read in one
    BatchGetItem; a retried run finds the claims built (remits/secondary_claims.py refuses a second)."""
    candidates = []
    for m in posted:
        assert m.payment is not None
        record = records.claim_record(origin, remittance, m.position, m.payment.payment, m.claim,
                                      m.payment.matches, claim_items.POSTED)
        if coordination.refusal(record, codec.loads(m.claim.document)) is None:
            candidates.append((m.claim, record))
    if not candidates:
        return
    wanted = {c.practice_id: practice_key(origin.firm_id, c.practice_id) for c, _ in candidates}
    found = store.read(*wanted.values())
    now = datetime.fromisoformat(origin.recorded_at)
    for claim, record in candidates:
        practice = found.find(wanted[claim.practice_id])
        if practice is not None and practice.secondary_claims == "automatic":
            secondary_claims.build_if_automatic(origin.firm_id, claim, record, now, setting="automatic")


def _count(tally: Tally, m: _Matched, posted: dict[int, claim_items.Done], done: Recorded) -> None:
    tally.claim_count += 1
    tally.paid_cents += m.paid_cents
    if m.payment is None:
        tally.refused += 1
        _note(done, m.claim, UNBALANCED)
        return
    outcome = posted[m.position]
    if outcome.outcome == claim_items.DUPLICATE:
        assert tally.duplicates is not None
        tally.duplicates.append({"claim_id": m.claim.id, "remittance_id": outcome.remittance_id})
        _note(done, m.claim, DUPLICATE)
        return
    if outcome.outcome == claim_items.HELD:
        tally.held += 1
    if outcome.recorded:
        tally.recorded += 1
    if outcome.totals is not None:
        tally.posted += 1
        tally.posted_paid_cents += outcome.totals.paid_cents
        tally.posted_adjusted_cents += outcome.totals.adjusted_cents
        tally.posted_patient_cents += outcome.totals.patient_cents
    _note(done, m.claim, HELD if outcome.outcome == claim_items.HELD else RECORDED)


def _count_plb(plans: list[plb.Planned], written: batched.Written, tallies: dict[str, Tally]) -> None:
    """PLB adjustments this run posted (one that met its pointer was posted by an earlier 835 or run)."""
    posted = {id(u) for u in written.written}
    for n, plan in enumerate(plans, start=1):
        if plan.practice_id is not None and id(plan.unit) in posted and plan.practice_id in tallies:
            tally = tallies[plan.practice_id]
            tally.provider_adjustment_cents += plan.amount_cents
            assert tally.plb_posted is not None
            tally.plb_posted.add(n)


def _match(origin: Origin, remittance: Remittance, claims: dict[str, ClaimItem],
           done: Recorded) -> tuple[list[_Matched], list[batched.Unit]]:
    """Each claim payment matched to our claim, or a firm work item when the number is not ours (listed on the
    file as unmatched)."""
    matched, firm_units = [], []
    for position, payment in enumerate(remittance.claims, start=1):
        claim = claims.get(payment.patient_control_number)
        if claim is not None:
            matched.append(_matched(origin, remittance, position, payment, claim))
            continue
        done.unmatched.append(f"835 for claim number {payment.patient_control_number or '(none)'}")
        detail = (f"claim {position} of the 835 (trace {remittance.payment.trace_number}): its patient control "
                  "number (CLP01) is none of the firm's claims")
        firm_units.append(batched.Unit(f"unknown {position}", saves=[records.work_item(
            origin, remittance, position, payment, UNKNOWN_CLAIM, detail)]))
    return matched, firm_units


def _matched(origin: Origin, remittance: Remittance, position: int, payment: ClaimPayment,
             claim: ClaimItem) -> _Matched:
    matches = match_lines(payment.lines, our_lines(claim.document), payment.statement_from)
    if payment.balanced:
        return _Matched(position, claim, payment.paid_cents, payment=claim_items.Payment(
            position, payment, matches, records.payment_digest(remittance, payment), claim))
    kept = records.claim_record(origin, remittance, position, payment, claim, matches, records.REFUSED)
    detail = (f"claim {claim.patient_control_number} does not balance and is not posted: "
              + "; ".join(i.message for i in payment.imbalances))
    return _Matched(position, claim, payment.paid_cents, unit=batched.Unit(f"claim {position}", saves=[
        kept, records.work_item(origin, remittance, position, payment, UNBALANCED, detail, claim)]))


def _write(units: list[batched.Unit]) -> None:
    """Write each unit once; one that meets its items already there was written by an earlier run. Any other
    failure fails the invocation, whose retry writes only what is missing."""
    result = batched.write(units)
    if result.failed:
        raise result.failed[0][1]


def _note(done: Recorded, claim: ClaimItem, outcome: str) -> None:
    done.outcomes.setdefault(claim.practice_id, []).append({"claim_id": claim.id, "outcome": outcome})
