"""What a claim payment denies, pure: the whole claim or some of its lines, from the record of the payment
(remits: RemittanceClaim, whose adjustments, remarks and lines are JSON).

- The claim is denied when the payer says so (CLP02 4) or denies every line it answers; a claim payment without
  lines is denied when it paid nothing and left nothing to the patient, for reasons that are not the patient's.
- A line is denied when it is paid nothing, nothing of it is the patient's (a line the payer put wholly on the
  patient, PR, is the patient's bill, not a denial), and an adjustment that is not the patient's says why.
- CARC 23 (what a prior payer paid) is no refusal: a secondary paying nothing after the primary paid it all.
- A reversal (22), a claim that is not the payer's (23) and a predetermination (25) deny nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

from chalicelib.denials.rules import Code
from chalicelib.edi.remittance import codes

NOT_ADJUDICATED = codes.NO_PAYMENT_STATUSES | {codes.REVERSAL_STATUS}
DENIED_STATUS = codes.DENIED_STATUS
PRIOR_PAYER = "23"


@dataclass(frozen=True)
class Denied:
    """One denial a claim payment makes: the claim (`svc` None) or one SVC of it."""

    svc: int | None  # the SVC's place in the claim payment, from 1
    line_number: int | None  # our claim line it answers, when matched
    procedure: str | None  # the SVC's code and modifiers: 99213-25
    charge_cents: int
    denied_cents: int
    adjustments: tuple[Code, ...]
    remarks: tuple[str, ...]


def _codes(adjustments: Iterable[dict[str, Any]]) -> tuple[Code, ...]:
    return tuple(Code(a["group"], a["reason"], int(a["amount_cents"])) for a in adjustments)


def _at_stake(codes: Iterable[Code]) -> int:
    return sum(c.amount_cents for c in codes if c.group != "PR")


def _denies(codes: tuple[Code, ...], paid_cents: int) -> bool:
    patients = sum(c.amount_cents for c in codes if c.group == "PR")
    refusals = [c for c in codes if c.group != "PR" and c.reason != PRIOR_PAYER and c.amount_cents > 0]
    return paid_cents == 0 and patients == 0 and bool(refusals)


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _procedure(line: dict[str, Any]) -> str | None:
    procedure = line.get("procedure")
    if not procedure:
        return line.get("revenue_code") or None
    return "-".join([procedure["code"], *procedure.get("modifiers", [])])


def _line_remarks(line: dict[str, Any]) -> list[str]:
    return [r["code"] for r in line.get("remarks", []) if r.get("qualifier", "HE") == "HE"]


def denials_of(record: Any) -> list[Denied]:
    """The denials of one recorded claim payment: one for the claim, or one per denied line, or none."""
    if record.status in NOT_ADJUDICATED:
        return []
    claim_codes, claim_remarks = _codes(json.loads(record.adjustments)), list(json.loads(record.remarks))
    lines = json.loads(record.lines)
    line_codes = [_codes(line["adjustments"]) for line in lines]
    denied_lines = [_denies(codes, int(line["paid_cents"])) for line, codes in zip(lines, line_codes)]
    whole = record.status == DENIED_STATUS or (lines and all(denied_lines)) or (
        not lines and _denies(claim_codes, int(record.paid_cents)))
    if whole:
        codes = claim_codes + tuple(c for group in line_codes for c in group)
        remarks = _unique(claim_remarks + [r for line in lines for r in _line_remarks(line)])
        stake = _at_stake(codes) or int(record.charge_cents) - int(record.paid_cents)
        return [Denied(None, None, None, int(record.charge_cents), stake, codes, remarks)]
    return [Denied(int(line["number"]), line.get("line_number"), _procedure(line), int(line["charge_cents"]),
                   _at_stake(codes), codes, _unique(_line_remarks(line) + claim_remarks))
            for line, codes, denied in zip(lines, line_codes, denied_lines) if denied]
