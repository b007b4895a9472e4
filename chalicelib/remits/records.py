"""The items an 835 becomes (pure): a remittance per practice, a record per claim payment, a work item per
claim payment that cannot be posted as sent. Only codes, amounts, dates and ids are copied: the NM1 loops
(patient, insured) stay in the file."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from chalicelib.claims.items import ClaimItem
from chalicelib.core.ids import derived_id, id_ms
from chalicelib.db import keys
from chalicelib.edi.remittance.result import Adjustment, ClaimPayment, Procedure, Remittance
from chalicelib.remits.items import ClaimPaymentSeen, RemittanceClaim, RemittanceItem, RemittanceWork
from chalicelib.remits.matching import LineMatch

REFUSED, UNMATCHED_LINES = "refused", "unmatched_lines"


@dataclass(frozen=True)
class Origin:
    """Where a claim payment comes from: the firm, the file, the remittance id its set has, when it was recorded."""

    firm_id: str
    file_id: str
    remittance_id: str
    recorded_at: str


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _adjustments(adjustments: Sequence[Adjustment]) -> list[dict[str, Any]]:
    return [{"group": a.group, "reason": a.reason, "amount_cents": a.amount_cents,
             "quantity": None if a.quantity is None else format(a.quantity, "f")} for a in adjustments]


def _procedure(procedure: Procedure | None) -> dict[str, Any] | None:
    if procedure is None:
        return None
    return {"qualifier": procedure.qualifier, "code": procedure.code,
            "modifiers": [m for m in procedure.modifiers if m]}


def _line(match: LineMatch) -> dict[str, Any]:
    line, ours = match.line, match.ours
    return {"number": line.number, "procedure": _procedure(line.procedure),
            "original_procedure": _procedure(line.original_procedure), "revenue_code": line.revenue_code,
            "units": None if line.units is None else format(line.units, "f"), "charge_cents": line.charge_cents,
            "paid_cents": line.paid_cents, "allowed_cents": line.allowed_cents,
            "service_from": _day(line.service_from), "service_to": _day(line.service_to),
            "control_number": line.control_number, "adjustments": _adjustments(line.adjustments),
            "remarks": [{"qualifier": r.qualifier, "code": r.code} for r in line.remarks],
            "line_number": ours.number if ours else None, "line_control_number": ours.control_number if ours else None,
            "matched_by": match.matched_by, "unmatched_reason": match.reason}


def payment_digest(remittance: Remittance, payment: ClaimPayment) -> str:
    """What makes a claim payment the same in a re-sent 835: the check or EFT trace (TRN02), our claim number
    (CLP01), the payer's (CLP07) and the status (CLP02: a reversal or a correction of it is another payment)."""
    parts = (remittance.payment.trace_number, payment.patient_control_number, payment.payer_claim_number,
             payment.status)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def claim_record(origin: Origin, remittance: Remittance, position: int, payment: ClaimPayment, claim: ClaimItem,
                 matches: list[LineMatch], posting: str) -> RemittanceClaim:
    """`posting`: posted, recorded (no money), held (on the work list) or refused (does not balance)."""
    pk, refused = keys.practice_pk(claim.practice_id), not payment.balanced
    return RemittanceClaim(
        pk, keys.remittance_claim_sk(origin.remittance_id, position), id=claim.id, created_at=origin.recorded_at,
        updated_at=origin.recorded_at, practice_id=claim.practice_id, remittance_id=origin.remittance_id,
        claim_id=claim.id, position=position, patient_control_number=payment.patient_control_number,
        status=payment.status, charge_cents=payment.charge_cents, paid_cents=payment.paid_cents,
        patient_responsibility_cents=payment.patient_responsibility_cents,
        filing_indicator=payment.filing_indicator, payer_claim_number=payment.payer_claim_number,
        adjustments=json.dumps(_adjustments(payment.adjustments)), remarks=json.dumps(list(payment.remark_codes)),
        lines=json.dumps([_line(m) for m in matches]), posting=posting,
        imbalances=json.dumps([i.message for i in payment.imbalances]),
        payment_digest=None if refused else payment_digest(remittance, payment),
        gsi1pk=keys.claim_remittances_pk(claim.practice_id, claim.id),  # a claim's payments: secondary claims
        gsi1sk=keys.claim_remittance_sk(origin.remittance_id, position))


def seen(record: RemittanceClaim) -> ClaimPaymentSeen:
    assert record.payment_digest is not None
    return ClaimPaymentSeen(record.pk, keys.claim_payment_sk(record.payment_digest), id=record.remittance_id,
                            created_at=record.created_at, updated_at=record.created_at,
                            remittance_id=record.remittance_id, claim_sk=record.sk)


def work_item(origin: Origin, remittance: Remittance, position: int, payment: ClaimPayment, reason: str,
              detail: str, claim: ClaimItem | None = None) -> RemittanceWork:
    """A work item under the practice when the claim is known, else under the firm; its id is derived from the
    remittance, the claim's place and the reason, so a retried file makes the same one."""
    item_id = derived_id(id_ms(origin.remittance_id), f"{origin.remittance_id}:{position}:{reason}")
    owner = keys.practice_pk(claim.practice_id) if claim else keys.firm_pk(origin.firm_id)
    firm_index = {"gsi2pk": keys.remit_work_pk(keys.firm_pk(origin.firm_id)), "gsi2sk": item_id}
    practice_index = {"gsi1pk": keys.remit_work_pk(owner), "gsi1sk": item_id} if claim else {}
    return RemittanceWork(
        owner, keys.remit_work_sk(item_id), id=item_id, created_at=origin.recorded_at, updated_at=origin.recorded_at,
        firm_id=origin.firm_id, practice_id=claim.practice_id if claim else None, claim_id=claim.id if claim else None,
        remittance_id=origin.remittance_id, file_id=origin.file_id, reason=reason, detail=detail[:2000],
        patient_control_number=payment.patient_control_number, payer_claim_number=payment.payer_claim_number,
        claim_status=payment.status, charge_cents=payment.charge_cents, paid_cents=payment.paid_cents,
        payer_name=remittance.payer.name, trace_number=remittance.payment.trace_number,
        **firm_index, **practice_index)


@dataclass
class Tally:
    """What one practice's claims in one remittance came to, and what posted."""

    claim_count: int = 0
    paid_cents: int = 0
    recorded: int = 0
    refused: int = 0
    duplicates: list[dict[str, str]] | None = None  # {claim_id, remittance_id} recorded by an earlier 835
    posted: int = 0
    held: int = 0
    posted_paid_cents: int = 0
    posted_adjusted_cents: int = 0
    posted_patient_cents: int = 0
    provider_adjustment_cents: int = 0  # PLB posted to the practice
    plb_posted: set[int] | None = None  # places (from 1) of the set's PLB adjustments posted to the practice


def payer_id(remittance: Remittance) -> str:
    return remittance.payer.reference("2U") or remittance.payer.id or remittance.payment.originator_id


def remittance_record(origin: Origin, remittance: Remittance, practice_id: str, tally: Tally) -> RemittanceItem:
    payment, pk = remittance.payment, keys.practice_pk(practice_id)
    payee = remittance.payee
    posted = tally.plb_posted or set()
    plb = [{"provider_id": p.provider_id, "fiscal_period_end": _day(p.fiscal_period_end), "reason": p.reason,
            "reason_words": p.reason_words, "reference": p.reference, "amount_cents": p.amount_cents,
            "posted": n in posted} for n, p in enumerate(remittance.provider_adjustments, start=1)]
    transaction = [i.message for i in remittance.imbalances]
    duplicates = tally.duplicates or []
    return RemittanceItem(
        pk, keys.remittance_sk(origin.remittance_id), id=origin.remittance_id, created_at=origin.recorded_at,
        updated_at=origin.recorded_at, practice_id=practice_id, firm_id=origin.firm_id, file_id=origin.file_id,
        set_control_number=remittance.control_number, recorded_at=origin.recorded_at,
        payer_name=remittance.payer.name, payer_id=payer_id(remittance), trace_type=payment.trace_type,
        trace_number=payment.trace_number, amount_cents=payment.total_cents, credit=payment.credit,
        method=payment.method, paid_on=_day(payment.effective), production_date=_day(remittance.production_date),
        payee_npi=payee.id if payee.id_qualifier == "XX" else None, set_claim_count=len(remittance.claims),
        claim_count=tally.claim_count, paid_cents=tally.paid_cents, recorded_count=tally.recorded,
        duplicate_count=len(duplicates), duplicates=json.dumps(duplicates), refused_count=tally.refused,
        posted_count=tally.posted, held_count=tally.held, posted_paid_cents=tally.posted_paid_cents,
        posted_adjusted_cents=tally.posted_adjusted_cents, posted_patient_cents=tally.posted_patient_cents,
        provider_adjustment_cents=tally.provider_adjustment_cents,
        provider_adjustments=json.dumps(plb), balanced=not remittance.imbalances, imbalances=json.dumps(transaction),
        gsi1pk=keys.remittances_pk(pk), gsi1sk=origin.remittance_id,
        gsi2pk=keys.remittances_pk(keys.firm_pk(origin.firm_id)), gsi2sk=f"{origin.remittance_id}#{practice_id}")
