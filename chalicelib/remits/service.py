"""Recording the 835s of an inbound file: each claim payment matched to our claim (CLP01, firm-wide) and its
lines (matching.py), a remittance per practice touched, and the work list for what cannot be posted as sent.

Nothing is posted here and no claim changes status: the records are what part 3 of issue 12 posts from.
Rules kept:
- Nothing is guessed across practices: a CLP01 that is not one of the firm's claim numbers goes to the firm's
  work list with the reason, never to a practice.
- A claim payment that does not balance (X221A1 1.10.2, edi/remittance/balance.py) is recorded `refused` and
  listed on its practice's work list; the others are recorded `ready`. An unbalanced 835 is never an error.
- A claim payment is recorded once: beside its record, in one transaction, a pointer keyed by TRN02, CLP01,
  CLP07 and CLP02 (records.payment_digest) that must not exist. A re-sent 835 finds the pointer and records
  the payment as a duplicate of the remittance that has it.
- A retried invocation writes the same keys (ids derived from the file's), so it adds nothing and finishes.

DynamoDB calls grow with claims, not with lines or adjustments: the PCN pointers and claims are read with
BatchGetItem (claims/numbers.py), the writes go through db/batched.py (a claim payment and its pointer and
work item one unit, up to 100 items a TransactWriteItems), and only the pointers of units that met an
existing item are read back (one BatchGetItem per 100).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from chalicelib.claims.items import ClaimItem
from chalicelib.claims.numbers import claims_by_number
from chalicelib.core.ids import derived_id, id_ms
from chalicelib.db import batched, keys, store
from chalicelib.edi.remittance.result import ClaimPayment, Remittance
from chalicelib.remits import records
from chalicelib.remits.items import ClaimPaymentSeen
from chalicelib.remits.matching import match_lines, our_lines
from chalicelib.remits.records import Origin, Tally

RECORDED, DUPLICATE, UNBALANCED = "remitted", "duplicate", "unbalanced"
UNKNOWN_CLAIM, UNMATCHED_LINES = "unknown_claim", "unmatched_lines"


@dataclass
class Recorded:
    """What a file's 835s did: per practice, each claim's outcome; the references that are not ours."""

    outcomes: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


@dataclass
class _Claim:
    """One matched claim payment on its way to storage."""

    origin: Origin
    claim: ClaimItem
    unit: batched.Unit
    digest: str | None
    sk: str  # its record's key: a pointer naming another record means an earlier 835 recorded the payment
    paid_cents: int  # CLP04


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
    """The claim payments first (with their work items), then each practice's remittance with what they came to."""
    matched, firm_units = _match(origin, remittance, claims, done)
    conflicted = _write([m.unit for m in matched] + firm_units)
    previous = _previous_records([m for m in matched if id(m.unit) in conflicted])
    tallies: dict[str, Tally] = {}
    for m in matched:
        tally = tallies.setdefault(m.claim.practice_id, Tally(duplicates=[]))
        tally.claim_count += 1
        tally.paid_cents += m.paid_cents
        if m.digest is None:
            tally.refused += 1
            _note(done, m.claim, UNBALANCED)
        elif m.digest in previous and previous[m.digest].claim_sk != m.sk:
            tally.duplicates.append({"claim_id": m.claim.id, "remittance_id": previous[m.digest].remittance_id})
            _note(done, m.claim, DUPLICATE)
        else:
            tally.recorded += 1
            _note(done, m.claim, RECORDED)
    _write([batched.Unit(f"remittance {p}", saves=[records.remittance_record(origin, remittance, p, t)])
            for p, t in tallies.items()])


def _match(origin: Origin, remittance: Remittance, claims: dict[str, ClaimItem],
           done: Recorded) -> tuple[list[_Claim], list[batched.Unit]]:
    """Each claim payment as a unit to write: matched to our claim, or a firm work item when the number is not
    ours (listed on the file as unmatched)."""
    matched, firm_units = [], []
    for position, payment in enumerate(remittance.claims, start=1):
        claim = claims.get(payment.patient_control_number)
        if claim is not None:
            matched.append(_unit(origin, remittance, position, payment, claim))
            continue
        done.unmatched.append(f"835 for claim number {payment.patient_control_number or '(none)'}")
        detail = (f"claim {position} of the 835 (trace {remittance.payment.trace_number}): its patient control "
                  "number (CLP01) is none of the firm's claims")
        firm_units.append(batched.Unit(f"unknown {position}", saves=[records.work_item(
            origin, remittance, position, payment, UNKNOWN_CLAIM, detail)]))
    return matched, firm_units


def _unit(origin: Origin, remittance: Remittance, position: int, payment: ClaimPayment,
          claim: ClaimItem) -> _Claim:
    matches = match_lines(payment.lines, our_lines(claim.document), payment.statement_from)
    kept = records.claim_record(origin, remittance, position, payment, claim, matches)
    unit = batched.Unit(f"claim {position}", saves=[kept])
    if kept.payment_digest is None:
        detail = (f"claim {claim.patient_control_number} does not balance and is not posted: "
                  + "; ".join(i.message for i in payment.imbalances))
        unit.saves.append(records.work_item(origin, remittance, position, payment, UNBALANCED, detail, claim))
    else:
        unit.saves.append(records.seen(kept))
        unmatched = [m.reason for m in matches if m.ours is None]
        if unmatched:
            unit.saves.append(records.work_item(origin, remittance, position, payment, UNMATCHED_LINES,
                                                "; ".join(r for r in unmatched if r), claim))
    return _Claim(origin, claim, unit, kept.payment_digest, kept.sk, payment.paid_cents)


def _write(units: list[batched.Unit]) -> set[int]:
    """Write each unit once; the ids of the units that met items already there (an earlier run, or for a claim
    payment an earlier 835). Any other failure fails the invocation, whose retry writes only what is missing."""
    result = batched.write(units)
    if result.failed:
        raise result.failed[0][1]
    return {id(unit) for unit in result.conflicts}


def _previous_records(conflicted: list[_Claim]) -> dict[str, ClaimPaymentSeen]:
    """Payment digest -> the pointer of the record that has it, for the claim payments already there."""
    wanted = {m.digest: store.Key(ClaimPaymentSeen, keys.practice_pk(m.claim.practice_id),
                                  keys.claim_payment_sk(m.digest)) for m in conflicted if m.digest is not None}
    found = store.read(*wanted.values(), consistent=True)
    return {digest: seen for digest, key in wanted.items() if (seen := found.find(key)) is not None}


def _note(done: Recorded, claim: ClaimItem, outcome: str) -> None:
    done.outcomes.setdefault(claim.practice_id, []).append({"claim_id": claim.id, "outcome": outcome})
