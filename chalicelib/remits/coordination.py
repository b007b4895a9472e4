"""Coordination of benefits, pure: what a payer's recorded claim payment (RemittanceClaim) leaves for the
patient's next coverage, why it leaves nothing to bill, and the earlier payer's adjudication it becomes on the
next claim (edi/claim/document.OtherPayer, written as loops 2320/2330/2430 by edi/claim/coordination.py).

Rules kept:
- Only an adjudication is carried: CLP02 1, 2 or 3 (processed as primary, secondary, tertiary) or 4 (denied).
  19, 20 and 21 mean the payer forwarded the claim to the next payer itself (a crossover, 835 NM1*TT): that
  payer has it, so no claim is built. 22 (a reversal), 23 and 25 are no adjudication to carry.
- What is left for the next payer is the charge less what was paid and what the provider writes off (group CO,
  contractual obligations, and PI, payer-initiated reductions): patient responsibility (PR) and other
  adjustments (OA, CR) are what a secondary considers. Nothing left, nothing to bill.
- The claim payment must answer our claim as billed: the same total charge, every SVC matched to one of our
  lines with that line's charge, so the 837's balancing (claim charge less adjustments = paid) holds.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Protocol

from chalicelib.edi.claim.document import Adjustment, ClaimDocument, Line, LineAdjudication, OtherPayer
from chalicelib.edi.remittance import codes
from chalicelib.remits.records import REFUSED

ADJUDICATED = codes.PROCESSED_STATUSES | {codes.DENIED_STATUS}
FORWARDED = codes.CROSSOVER_STATUSES
WRITTEN_OFF = frozenset({"CO", "PI"})
NEXT_ORDER = {"P": "secondary", "S": "tertiary"}  # the billed payer's SBR01 -> the coverage that follows it


class ClaimPayment(Protocol):
    """What is read of a RemittanceClaim (remits/items.py)."""

    status: str
    posting: str
    charge_cents: Any
    paid_cents: Any
    payer_claim_number: str
    adjustments: str  # JSON
    lines: str  # JSON


def refusal(payment: ClaimPayment, document: ClaimDocument) -> str | None:
    """Why this claim payment gives the next payer nothing to adjudicate, in words (codes and amounts only)."""
    if next_order(document) is None:
        return "A tertiary claim has no later coverage to bill."
    if payment.status in FORWARDED:
        return (f"The payer forwarded the claim to the next payer itself (CLP02 {payment.status}, a crossover): "
                "that payer has it, so no secondary claim is built.")
    if payment.status not in ADJUDICATED:
        return (f"The latest claim payment (CLP02 {payment.status}) is not an adjudication to carry to the next "
                "payer; wait for the payer's processed claim.")
    if payment.posting == REFUSED:
        return "The latest claim payment does not balance (see the remittance work list); it cannot be carried."
    mismatch = _mismatch(payment, document)
    if mismatch:
        return mismatch
    if left_for_next(payment) <= 0:
        return ("The payer's 835 left nothing for the next payer: the charge is paid or written off (CO, PI); "
                "no secondary claim is built.")
    return None


def left_for_next(payment: ClaimPayment) -> int:
    """Cents left after the payment and the provider's write-offs (CO, PI), at claim and line level."""
    adjustments = [*json.loads(payment.adjustments),
                   *(a for line in json.loads(payment.lines) for a in line["adjustments"])]
    written_off = sum(a["amount_cents"] for a in adjustments if a["group"] in WRITTEN_OFF)
    return int(payment.charge_cents) - int(payment.paid_cents) - written_off


def _mismatch(payment: ClaimPayment, document: ClaimDocument) -> str | None:
    claim = document.claim
    if int(payment.charge_cents) != claim.total_charge_cents:
        return (f"The payer adjudicated a charge of {int(payment.charge_cents)} cents where the claim billed "
                f"{claim.total_charge_cents}; a secondary claim carries an adjudication of the claim as billed.")
    ours = {line.number: line for line in claim.lines}
    answered = json.loads(payment.lines)
    numbers = [line["line_number"] for line in answered]
    if answered and (None in numbers or sorted(numbers) != sorted(ours)):
        return ("The payer's service lines do not answer each of the claim's lines once (see the remittance work "
                "list); a secondary claim needs each line's adjudication.")
    for line in answered:
        if line["charge_cents"] != ours[line["line_number"]].charge_cents:
            return (f"The payer adjudicated line {line['line_number']} at another charge than billed; a secondary "
                    "claim carries an adjudication of the claim as billed.")
    return None


def other_payer(document: ClaimDocument, payment: ClaimPayment, paid_on: date) -> OtherPayer:
    """The payer billed by `document` and its adjudication (`refusal` found none), as an earlier payer."""
    ours = {line.number: line for line in document.claim.lines}
    lines = tuple(_line(line, ours[line["line_number"]], paid_on) for line in json.loads(payment.lines))
    adjustments = _adjustments(json.loads(payment.adjustments))
    remaining = sum(a.amount_cents for a in adjustments if a.group == "PR")
    relationship = "18" if document.patient is None else document.patient.relationship
    return OtherPayer(document.payer, document.subscriber, relationship, int(payment.paid_cents), paid_on,
                      adjustments, lines, remaining_liability_cents=None if lines else remaining,
                      payer_claim_control_number=payment.payer_claim_number[:50])


def _adjustments(given: list[dict[str, Any]]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(a["group"], a["reason"], a["amount_cents"], a.get("quantity") or "") for a in given)


def _line(given: dict[str, Any], ours: Line, paid_on: date) -> LineAdjudication:
    """SVD03 is the procedure the payer adjudicated (SVC01 when an HCPCS/CPT code), else the one billed; SVD05
    the units paid (SVC05, one when the 835 leaves it out); the date is the payment's."""
    procedure = given.get("procedure") or {}
    code, modifiers = ours.procedure_code, ours.modifiers
    if procedure.get("qualifier") == "HC" and procedure.get("code"):
        code, modifiers = procedure["code"], tuple(procedure.get("modifiers") or ())
    adjustments = _adjustments(given["adjustments"])
    return LineAdjudication(ours.number, given["paid_cents"], code, given.get("units") or "1", paid_on, modifiers,
                            ours.revenue_code, adjustments, sum(a.amount_cents for a in adjustments if a.group == "PR"))


def next_order(document: ClaimDocument) -> str | None:
    """The coverage order billed after this claim's payer; None after a tertiary."""
    return NEXT_ORDER.get(document.subscriber.payer_responsibility)
