"""Coordination of benefits in the 837P and 837I: the earlier payers' adjudication a secondary or tertiary claim
carries (`ClaimDocument.other_payers`).

Per earlier payer, in loop 2300 after the provider loops (2310x) and before the lines (X222A1 and X223A2 have
the same loops here, and the same segment order for what is written):
- 2320: SBR (SBR01 the earlier payer's responsibility P or S, SBR02 the patient's relationship to its
  subscriber), CAS (claim-level adjustments, one segment per group code), AMT*D (what it paid), AMT*EAF
  (remaining patient liability, only when no line is adjudicated in 2430: the guides put it at the line then),
  OI (benefits assignment and release of information, as the claim says);
- 2330A: NM1*IL (its subscriber and member id) with N3/N4;
- 2330B: NM1*PR (the payer, NM108 PI, the same id every SVD01 names), N3/N4, DTP*573 (only when no line is
  adjudicated in 2430, which then carries the date), REF*F8 (the payer's claim control number, its CLP07).
Per our line and earlier payer, at the end of loop 2400: 2430 SVD (payer id, paid amount, the procedure the
payer adjudicated, the 837I's revenue code, paid units), CAS, DTP*573, AMT*EAF.

The guides' balancing (X222A1 and X223A2 2320 AMT*D and 2430 SVD02 notes): the claim charge less the claim-level
and line-level adjustments equals the payer's paid amount, and a line's charge less its adjustments equals its
paid amount. `check` refuses a document that does not balance, naming the field, never a value.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from chalicelib.edi.claim.document import Adjustment, ClaimDocument, Line, LineAdjudication, OtherPayer
from chalicelib.edi.claim.values import (
    MAX_AMOUNT_CENTS,
    Checks,
    address,
    amount,
    person_name,
    yes_no,
    ymd,
)
from chalicelib.edi.x12.writer import SegmentSpec, comp

GROUPS = ("CO", "CR", "OA", "PI", "PR")  # CAS01: each group at most once per loop, written in this order
MAX_TRIPLETS = 6  # CAS02-CAS19: six reason, amount, quantity triplets a segment
MAX_OTHER_PAYERS = 10  # loop 2320 repeats at most 10 times
RELATIONSHIPS = frozenset({"01", "18", "19", "20", "21", "39", "40", "53", "G8"})  # SBR02 in 2320
_PROCEDURE = re.compile(r"^[0-9A-Z]{5}$")
_REVENUE = re.compile(r"^\d{4}$")
_UNITS = re.compile(r"^\d{1,10}(\.\d{1,3})?$")  # SVD05 R 1/15; an 835's SVC05 as written


def check(checks: Checks, document: ClaimDocument, institutional: bool) -> None:
    """The rules of the other payers' loops; nothing to check on a claim with none (every primary)."""
    others = document.other_payers
    checks.require("other_payers", len(others) <= MAX_OTHER_PAYERS)
    billed = document.subscriber.payer_responsibility
    for n, other in enumerate(others, start=1):
        where = f"other_payers.{n}"
        _check_parties(checks, where, other, billed)
        checks.charge(f"{where}.paid_cents", other.paid_cents)
        if other.remaining_liability_cents is not None:
            checks.charge(f"{where}.remaining_liability_cents", other.remaining_liability_cents)
        _check_adjustments(checks, f"{where}.adjustments", other.adjustments)
        _check_lines(checks, where, other, institutional)
    for field, _ in imbalances(document)[:1]:
        checks.require(field, False)


def imbalances(document: ClaimDocument) -> list[tuple[str, str]]:
    """Where the earlier payers' adjudication does not balance to the claim as billed, as (field, words): every
    line answered once when any is, each line's charge less its adjustments paid, and the claim's charge less
    the claim's and the lines' adjustments paid. Words name line numbers and payers' places, never amounts."""
    found: list[tuple[str, str]] = []
    charges = {line.number: line.charge_cents for line in document.claim.lines}
    for n, other in enumerate(document.other_payers, start=1):
        where, numbers = f"other_payers.{n}", [line.line_number for line in other.lines]
        if numbers and sorted(numbers) != sorted(charges):
            found.append((f"{where}.lines", f"earlier payer {n}'s adjudication does not answer each line once"))
            continue
        line_adjusted = 0
        for line in other.lines:
            adjusted = sum(a.amount_cents for a in line.adjustments)
            line_adjusted += adjusted
            if charges[line.line_number] - adjusted != line.paid_cents:
                found.append((f"{where}.line {line.line_number}.paid_cents", f"line {line.line_number}'s charge "
                              f"less earlier payer {n}'s adjustments is not what that payer paid on it"))
        claim_adjusted = sum(a.amount_cents for a in other.adjustments)
        if document.claim.total_charge_cents - claim_adjusted - line_adjusted != other.paid_cents:
            found.append((f"{where}.paid_cents", f"the claim's charge less earlier payer {n}'s adjustments is not "
                          "what that payer paid"))
    return found


def _check_parties(checks: Checks, where: str, other: OtherPayer, billed: str) -> None:
    checks.require(f"{where}.payer.name", 1 <= len(other.payer.name) <= 60)
    checks.require(f"{where}.payer.payer_id", 2 <= len(other.payer.payer_id) <= 80)
    if other.payer.address is not None:
        checks.address(f"{where}.payer.address", other.payer.address)
    subscriber = other.subscriber
    checks.require(f"{where}.subscriber.member_id", 2 <= len(subscriber.member_id) <= 80)
    # An earlier payer is primary or secondary, never the one this claim bills.
    checks.require(f"{where}.subscriber.payer_responsibility",
                   subscriber.payer_responsibility in ("P", "S") and subscriber.payer_responsibility != billed)
    checks.require(f"{where}.subscriber.claim_filing_indicator", 1 <= len(subscriber.claim_filing_indicator) <= 2)
    checks.person(f"{where}.subscriber", subscriber.person)
    checks.require(f"{where}.relationship", other.relationship in RELATIONSHIPS)
    checks.require(f"{where}.payer_claim_control_number", len(other.payer_claim_control_number) <= 50)


def _check_adjustments(checks: Checks, field: str, adjustments: tuple[Adjustment, ...]) -> None:
    checks.require(f"{field}.group", all(a.group in GROUPS for a in adjustments))
    for group, reasons in _grouped(adjustments).items():
        checks.require(f"{field}.{group}", len(reasons) <= MAX_TRIPLETS)
    for a in adjustments:
        checks.require(f"{field}.reason", 1 <= len(a.reason) <= 5)
        checks.require(f"{field}.amount_cents", type(a.amount_cents) is int and abs(a.amount_cents) <= MAX_AMOUNT_CENTS)
        checks.require(f"{field}.quantity", not a.quantity or bool(_UNITS.match(a.quantity.lstrip("-"))))


def _check_lines(checks: Checks, where: str, other: OtherPayer, institutional: bool) -> None:
    for line in other.lines:
        field = f"{where}.line {line.line_number}"
        checks.charge(f"{field}.paid_cents", line.paid_cents)
        checks.require(f"{field}.units", bool(_UNITS.match(line.units)))
        checks.modifiers(f"{field}.modifiers", line.modifiers)
        # SVD03 is required in the 837P; in the 837I a line billed by revenue code alone has none, SVD04 has it.
        checks.require(f"{field}.procedure_code", bool(_PROCEDURE.match(line.procedure_code))
                       or (institutional and not line.procedure_code and not line.modifiers))
        checks.require(f"{field}.revenue_code", not institutional or bool(_REVENUE.match(line.revenue_code)))
        if line.remaining_liability_cents is not None:
            checks.charge(f"{field}.remaining_liability_cents", line.remaining_liability_cents)
        _check_adjustments(checks, f"{field}.adjustments", line.adjustments)


def claim_loops(document: ClaimDocument) -> list[SegmentSpec]:
    """2320, 2330A and 2330B for each earlier payer; `check` has passed."""
    claim = document.claim
    segments: list[SegmentSpec] = []
    for other in document.other_payers:
        subscriber, payer = other.subscriber, other.payer
        segments.append(("SBR", subscriber.payer_responsibility, other.relationship, subscriber.group_number,
                         "" if subscriber.group_number else subscriber.group_name, "", "", "", "",
                         subscriber.claim_filing_indicator))
        segments += adjustment_segments(other.adjustments)
        segments.append(("AMT", "D", amount(other.paid_cents)))
        if other.remaining_liability_cents is not None and not other.lines:
            segments.append(("AMT", "EAF", amount(other.remaining_liability_cents)))
        segments.append(("OI", "", "", yes_no(claim.benefits_assigned), "", "", claim.release_of_information))
        segments += [person_name("IL", subscriber.person, subscriber.member_id), *address(subscriber.person.address),
                     ("NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.payer_id)]
        if payer.address is not None:
            segments += address(payer.address)
        if not other.lines:
            segments.append(("DTP", "573", "D8", ymd(other.adjudicated_on)))
        if other.payer_claim_control_number:
            segments.append(("REF", "F8", other.payer_claim_control_number))
    return segments


def line_loops(document: ClaimDocument, line: Line, institutional: bool) -> list[SegmentSpec]:
    """2430 for each earlier payer that adjudicated this line; `check` has passed."""
    segments: list[SegmentSpec] = []
    for other in document.other_payers:
        for adjudication in other.lines:
            if adjudication.line_number == line.number:
                segments += _line_adjudication(other, adjudication, institutional)
    return segments


def _line_adjudication(other: OtherPayer, line: LineAdjudication, institutional: bool) -> list[SegmentSpec]:
    procedure = comp("HC", line.procedure_code, *line.modifiers) if line.procedure_code else ""
    revenue = line.revenue_code if institutional else ""  # SVD04 is the 837I's revenue code, unused in the 837P
    segments: list[SegmentSpec] = [("SVD", other.payer.payer_id, amount(line.paid_cents), procedure, revenue,
                                    line.units), *adjustment_segments(line.adjustments),
                                   ("DTP", "573", "D8", ymd(line.adjudicated_on))]
    if line.remaining_liability_cents is not None:
        segments.append(("AMT", "EAF", amount(line.remaining_liability_cents)))
    return segments


def adjustment_segments(adjustments: tuple[Adjustment, ...]) -> list[SegmentSpec]:
    """One CAS per group code, its reasons in the order first given (X222A1/X223A2 CAS notes: a group code is
    used once per loop, and only adjustments other than zero are reported)."""
    return [("CAS", group, *(part for reason, (cents, quantity) in reasons.items()
                             for part in (reason, amount(cents), quantity)))
            for group, reasons in _grouped(adjustments).items()]


def _grouped(adjustments: tuple[Adjustment, ...]) -> dict[str, dict[str, tuple[int, str]]]:
    """Group -> reason -> (cents, quantity), groups in GROUPS order: a reason given twice in a group is one
    triplet with the amounts (and quantities) added; a triplet that comes to zero is left out."""
    grouped: dict[str, dict[str, tuple[int, str]]] = {}
    for group in GROUPS:
        merged: dict[str, tuple[int, str]] = {}
        for a in adjustments:
            if a.group == group:
                cents, quantity = merged.get(a.reason, (0, ""))
                merged[a.reason] = (cents + a.amount_cents, _add_quantities(quantity, a.quantity))
        kept = {reason: value for reason, value in merged.items() if value[0] != 0}
        if kept:
            grouped[group] = kept
    return grouped


def _add_quantities(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    try:
        return format(Decimal(first) + Decimal(second), "f")
    except InvalidOperation:
        return first
