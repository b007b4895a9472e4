"""The sandbox payer's 835s: how it adjudicates each claim its 277CA accepted (sandbox_claims.accepted), by
documented rules (docs/x12.md, "The sandbox payer's 835s") keyed by the cents of the claim's total charge
(CLM02), which a tester sets from the API with a line's `unit_charge_cents`:

- any cents but those below: paid. Each line is allowed 80% of its charge (CO-45 takes the rest off), the
  claim's first $20.00 of allowed amounts is deductible (PR-1), 20% of the rest of each line's allowed amount
  is coinsurance (PR-2), and the payer pays what is left (AMT*B6 the allowed amount).
- .01: denied (CLP02 4): every line CO-50 (not medically necessary) with RARC N130.
- .02: denied (CLP02 4): every line CO-16 (lacks information) with RARC MA130.
- .03: partly paid: the last line denied CO-97 (bundled) with RARC M15, the others paid as above; a claim of one
  line is then denied (CLP02 4).
- .04: reversed and corrected: paid as above; a later 835 reverses that payment (CLP02 22, every amount
  negated) and pays the claim again without the deductible (CLP02 1), as a payer that found the deductible met.
- .05: forwarded (CLP02 19): paid as above, and passed to a supplemental payer (NM1*TT, MOA remark MA18).
- .06: paid as above with interest: a PLB L6 of 1% of the payment (at least a cent), referencing CLP07.

Totals of $999.99, $777.77 and $888.88, and claim numbers ending in 9 or 8, are rejected before any 835
(sandbox_claims.py), so these rules never meet them. Every claim answer echoes our CLM01 (CLP01), each line's
REF*6R, and the payer claim number the 277CA gave (`SBX<CLM01>`, CLP07); each balances by construction (the
writer refuses one that would not). Pure: texts and values in, values and text out.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import groupby
from typing import Literal, Sequence

from chalicelib.edi.claim.reader import ReadClaim, ReadLine
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment
from chalicelib.edi.remittance.writer import (
    ClaimAnswer,
    Crossover,
    LineAnswer,
    Patient,
    Payee,
    Payer,
    PaymentAnswer,
    build_835s,
)
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Parties

PAID, DENIED, MISSING_INFORMATION, PARTLY_PAID, REVERSED, FORWARDED, INTEREST = (
    "paid", "denied", "missing_information", "partly_paid", "reversed_and_corrected", "forwarded", "interest")
RULES = {1: DENIED, 2: MISSING_INFORMATION, 3: PARTLY_PAID, 4: REVERSED, 5: FORWARDED, 6: INTEREST}
ALLOWED_PERCENT, COINSURANCE_PERCENT, DEDUCTIBLE_CENTS = 80, 20, 2_000
DENIALS = {DENIED: ("50", "N130"), MISSING_INFORMATION: ("16", "MA130")}  # CO reason, RARC
BUNDLED = ("97", "M15")  # the partly paid claim's last line
SUPPLEMENTAL = Crossover("SANDBOX SUPPLEMENTAL PLAN", "SBXSUP1")
FORWARDED_REMARK = "MA18"  # the claim information is also being forwarded to the supplemental insurer
PAYER_ADDRESS = ("1 SANDBOX WAY", "HARRISBURG", "PA", "17101")
PAYER_PHONE = "8005550199"


@dataclass(frozen=True, slots=True)
class Due:
    """One claim's answer due in an 835: step 1 is its adjudication, step 2 the reversal and correction."""

    claim: ReadClaim
    step: int = 1


def rule(claim: ReadClaim) -> str:
    return RULES.get(claim.total_charge_cents % 100, PAID)


def steps(claim: ReadClaim) -> int:
    """How many 835s answer the claim: two when a later one reverses and corrects the first."""
    return 2 if rule(claim) == REVERSED else 1


def claim_answers(claim: ReadClaim, step: int = 1) -> list[ClaimAnswer]:
    """The CLP loops answering the claim in its `step`-th 835."""
    chosen = rule(claim)
    if step == 2:
        if chosen != REVERSED:
            raise ValueError("only a reversed and corrected claim has a second 835")
        return [_reversal(_paid(claim)), _paid(claim, deductible=0)]
    if chosen in DENIALS:
        reason, remark = DENIALS[chosen]
        return [_answer(claim, "4", [_denied(claim, line, reason, remark) for line in claim.lines])]
    if chosen == PARTLY_PAID:
        return [_partly_paid(claim)]
    if chosen == FORWARDED:
        return [replace(_paid(claim), status="19", crossover=SUPPLEMENTAL, remarks=(FORWARDED_REMARK,))]
    return [_paid(claim)]


def interest(claim: ReadClaim, paid_on: date) -> ProviderAdjustment | None:
    """The PLB L6 interest the interest rule pays with the claim (a negative amount adds to the payment)."""
    if rule(claim) != INTEREST:
        return None
    paid = _paid(claim).paid_cents
    return ProviderAdjustment(claim.billing_npi, date(paid_on.year, 12, 31), "L6", payer_claim_number(claim),
                              -max(1, paid // 100))


def payer_claim_number(claim: ReadClaim) -> str:
    return f"SBX{claim.patient_control_number}"  # as the 277CA gave it (sandbox_claims.answer)


def build_file(due: Sequence[Due], *, trace_prefix: str, created: datetime, controls: ControlNumbers,
               parties: Parties, usage: Literal["T", "P"]) -> str:
    """One payer's 835 file for the claims due: one transaction set (one check) per payee, the billing provider
    of the claims, with trace numbers `<trace_prefix><n>`. The claims must all be of one payer."""
    if not due or len({d.claim.payer_id for d in due}) != 1:
        raise ValueError("one payer's claims make one file")
    ordered = sorted(due, key=lambda d: d.claim.billing_npi)
    payments = []
    for n, (_, group) in enumerate(groupby(ordered, key=lambda d: d.claim.billing_npi), start=1):
        members = list(group)
        payments.append(_payment(members, f"{trace_prefix}{n}", created.date()))
    return build_835s(payments, parties=parties, controls=controls, created=created, usage=usage)


def _payment(due: list[Due], trace_number: str, paid_on: date) -> PaymentAnswer:
    first = due[0].claim
    claims = [answer for d in due for answer in claim_answers(d.claim, d.step)]
    adjustments = [p for d in due if d.step == 1 and (p := interest(d.claim, paid_on)) is not None]
    return PaymentAnswer(_payer(first), Payee(first.billing_name.upper(), first.billing_npi, first.billing_tax_id),
                         claims, trace_number, paid_on, adjustments)


def _payer(claim: ReadClaim) -> Payer:
    # TRN03 names the payer by a nine-digit tax id; the sandbox makes a steady one from the payer id.
    tax_id = f"{int(hashlib.sha256(claim.payer_id.encode()).hexdigest()[:12], 16) % 10**9:09d}"
    return Payer((claim.payer_name or claim.payer_id).upper(), tax_id, PAYER_ADDRESS, PAYER_PHONE, claim.payer_id)


def _answer(claim: ReadClaim, status: str, lines: list[LineAnswer]) -> ClaimAnswer:
    return ClaimAnswer(claim.patient_control_number, status, sum(x.charge_cents for x in lines),
                       sum(x.paid_cents for x in lines), payer_claim_number(claim),
                       Patient(claim.patient_last_name.upper(), claim.patient_first_name.upper(), claim.member_id),
                       facility_code=claim.facility_code or "11", frequency=claim.frequency_code or "1",
                       lines=tuple(lines), statement=_statement(claim))


def _paid(claim: ReadClaim, deductible: int = DEDUCTIBLE_CENTS) -> ClaimAnswer:
    lines = []
    for line in claim.lines:
        answered = _paid_line(claim, line, deductible)
        deductible -= sum(a.amount_cents for a in answered.adjustments if (a.group, a.reason) == ("PR", "1"))
        lines.append(answered)
    return _answer(claim, "1", lines)


def _paid_line(claim: ReadClaim, line: ReadLine, deductible_left: int) -> LineAnswer:
    allowed = line.charge_cents * ALLOWED_PERCENT // 100
    deductible = min(deductible_left, allowed)
    coinsurance = (allowed - deductible) * COINSURANCE_PERCENT // 100
    amounts = (("CO", "45", line.charge_cents - allowed), ("PR", "1", deductible), ("PR", "2", coinsurance))
    adjustments = tuple(Adjustment(group, reason, cents) for group, reason, cents in amounts if cents)
    return replace(_line(claim, line), paid_cents=allowed - deductible - coinsurance, adjustments=adjustments,
                   allowed_cents=allowed)


def _denied(claim: ReadClaim, line: ReadLine, reason: str, remark: str) -> LineAnswer:
    return replace(_line(claim, line), adjustments=(Adjustment("CO", reason, line.charge_cents),),
                   remarks=(remark,))


def _partly_paid(claim: ReadClaim) -> ClaimAnswer:
    *paid, last = claim.lines
    paid_lines = list(_paid(replace(claim, lines=tuple(paid))).lines)
    lines = [*paid_lines, _denied(claim, last, *BUNDLED)]
    return _answer(claim, "1" if paid_lines else "4", lines)


def _reversal(payment: ClaimAnswer) -> ClaimAnswer:
    """CLP02 22: the earlier payment taken back, every amount with its sign turned (X221A1 1.10.2.8)."""
    lines = tuple(replace(line, charge_cents=-line.charge_cents, paid_cents=-line.paid_cents,
                          adjustments=tuple(replace(a, amount_cents=-a.amount_cents) for a in line.adjustments),
                          allowed_cents=None if line.allowed_cents is None else -line.allowed_cents)
                  for line in payment.lines)
    return replace(payment, status="22", charge_cents=-payment.charge_cents, paid_cents=-payment.paid_cents,
                   lines=lines)


def _line(claim: ReadClaim, line: ReadLine) -> LineAnswer:
    """The line as billed and not yet adjudicated: nothing paid, nothing adjusted."""
    served = line.service_date or claim.statement_from
    if served is None:
        raise X12Error(f"service line {line.number} has no date of service")
    procedure = (Procedure("HC", line.procedure_code, line.modifiers) if line.procedure_code
                 else Procedure("NU", line.revenue_code))
    units = int(line.units) if line.units == int(line.units) else line.units
    return LineAnswer(procedure, line.charge_cents, 0, served, units=units, control_number=line.control_number,
                      revenue_code=line.revenue_code if line.procedure_code else "")


def _statement(claim: ReadClaim) -> tuple[date, date] | None:
    if claim.statement_from and claim.statement_to:
        return claim.statement_from, claim.statement_to
    days = [d for line in claim.lines for d in (line.service_date, line.service_date_to) if d]
    return (min(days), max(days)) if days else None
