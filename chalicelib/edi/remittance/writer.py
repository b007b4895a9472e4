"""Writing an 835 (005010X221A1) from plain values: what the sandbox payer sends for the claims it paid.

One transaction set per payment (`build_835`: one; `build_835s`: several in one interchange, a payer's file for
several payees): the payment (BPR, a check, or notification only when nothing is paid), its trace (TRN, the
check number), the payer (1000A with the technical contact PER*BL the guide requires) and payee (1000B, NPI
with REF*TJ), one loop 2000 (LX*1) holding every claim (CLP, claim CAS, NM1*QC, NM1*TT when forwarded, MOA
remarks, statement dates), each line (SVC, DTM*472, CAS, REF*6R, AMT*B6, LQ*HE), and PLB provider adjustments.

The writer refuses what the guide's balancing rules (balance.py) would report, so what it writes balances:
each line's charge minus its adjustments is its payment, each claim's charge minus all its adjustments is its
payment, and BPR02 is computed (claim payments minus provider adjustments), never given. Values go through
`format_segment`, which refuses a delimiter or control character in any of them. Errors name a claim and line
by their place in the input, never by a value.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Literal

from chalicelib.edi.claim.values import amount, ymd
from chalicelib.edi.remittance import balance
from chalicelib.edi.remittance.codes import CLAIM_STATUS, FILING_INDICATORS, VERSION
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment, ServiceLine
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, Value, comp, \
    write_interchange
from chalicelib.edi.x12.segments import X12Error

_TRIPLETS_PER_CAS = 6
_PLB_PAIRS_PER_SEGMENT = 6


@dataclass(frozen=True, slots=True)
class Payer:
    name: str  # N102
    tax_id: str  # nine digits: TRN03 is "1" and this
    address: tuple[str, str, str, str]  # N301, N401 city, N402 state, N403 zip
    technical_phone: str  # PER*BL TE: the guide requires a technical contact
    payer_id: str = ""  # REF*2U, when the payer has one


@dataclass(frozen=True, slots=True)
class Payee:
    name: str
    npi: str  # N104 with N103 XX
    tax_id: str = ""  # REF*TJ


@dataclass(frozen=True, slots=True)
class Patient:
    """NM1*QC: the patient as the payer has them (names upper case in X12's characters, `x12_name`)."""

    last_name: str
    first_name: str = ""
    member_id: str = ""  # NM109 with NM108 MI


@dataclass(frozen=True, slots=True)
class Crossover:
    """NM1*TT: the payer a claim was forwarded to (CLP02 19, 20, 21), by name and payer id (NM108 PI)."""

    name: str
    payer_id: str


@dataclass(frozen=True, slots=True)
class LineAnswer:
    procedure: Procedure  # SVC01 as billed (qualifier HC, code, modifiers)
    charge_cents: int
    paid_cents: int
    service_date: date
    units: int | Decimal = 1
    control_number: str = ""  # REF*6R: the 837's line item control number, echoed
    adjustments: tuple[Adjustment, ...] = ()
    allowed_cents: int | None = None  # AMT*B6
    remarks: tuple[str, ...] = ()  # LQ*HE remittance advice remark codes
    revenue_code: str = ""  # SVC04: the institutional line's revenue code, echoed


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    patient_control_number: str  # CLP01: the 837's CLM01
    status: str  # CLP02
    charge_cents: int
    paid_cents: int
    payer_claim_number: str  # CLP07, required: the payer's number for the claim (the sandbox's SBX<CLM01>)
    patient: Patient
    filing_indicator: str = "12"  # CLP06, from the 835's own list (codes.FILING_INDICATORS)
    facility_code: str = "11"  # CLP08 (place of service, or bill type's first two digits)
    frequency: str = "1"  # CLP09
    patient_responsibility_cents: int | None = None  # CLP05; the sum of PR adjustments when None
    adjustments: tuple[Adjustment, ...] = ()  # claim level
    lines: tuple[LineAnswer, ...] = ()
    statement: tuple[date, date] | None = None  # DTM*232 and DTM*233
    crossover: Crossover | None = None  # NM1*TT, when the claim was forwarded
    remarks: tuple[str, ...] = ()  # MOA03-07: claim-level remark codes (RARCs) of an outpatient claim


@dataclass(frozen=True, slots=True)
class PaymentAnswer:
    """One 835 transaction set: one payer's check (or notice) to one payee for its claims."""

    payer: Payer
    payee: Payee
    claims: Sequence[ClaimAnswer]
    trace_number: str
    paid_on: date
    provider_adjustments: Sequence[ProviderAdjustment] = ()


def build_835(payer: Payer, payee: Payee, claims: Sequence[ClaimAnswer], *, trace_number: str, paid_on: date,
              parties: Parties, controls: ControlNumbers, created: datetime, usage: Literal["T", "P"],
              provider_adjustments: Sequence[ProviderAdjustment] = ()) -> str:
    """One interchange holding one 835: a check for the claims' payments less the provider adjustments, or a
    notification (BPR01 H, NON) when that comes to nothing."""
    payment = PaymentAnswer(payer, payee, claims, trace_number, paid_on, provider_adjustments)
    return build_835s([payment], parties=parties, controls=controls, created=created, usage=usage)


def build_835s(payments: Sequence[PaymentAnswer], *, parties: Parties, controls: ControlNumbers,
               created: datetime, usage: Literal["T", "P"]) -> str:
    """One interchange holding one 835 per payment, in one functional group (a payer's file to a submitter
    that bills for several payees), ST02 counting up from the controls'."""
    envelope = Envelope(parties, "HP", VERSION, usage, created)
    # X221A1 marks ST03 not used: the guide is named in GS08 only.
    return write_interchange(envelope, controls, [Transaction("835", "", _body(p, created)) for p in payments])


def _body(payment: PaymentAnswer, created: datetime) -> list[SegmentSpec]:
    payer, claims, adjustments = payment.payer, payment.claims, payment.provider_adjustments
    _check(payer, claims, payment.trace_number)
    total = sum(c.paid_cents for c in claims) - sum(p.amount_cents for p in adjustments)
    if total < 0:
        raise X12Error("the provider adjustments exceed the claim payments: the 835 would be a debit")
    body: list[SegmentSpec] = [_bpr(total, payment.paid_on), ("TRN", "1", payment.trace_number, "1" + payer.tax_id),
                               ("DTM", "405", ymd(created.date())), *_payer(payer), *_payee(payment.payee)]
    if claims:
        body.append(("LX", "1"))
        for claim in claims:
            body.extend(_claim(claim))
    body.extend(_plb(adjustments))
    return body


def _check(payer: Payer, claims: Sequence[ClaimAnswer], trace_number: str) -> None:
    if not (len(payer.tax_id) == 9 and payer.tax_id.isdigit()):
        raise X12Error("payer.tax_id must be nine digits (TRN03 is 1 and the tax id)")
    if not 1 <= len(trace_number) <= 50:
        raise X12Error("trace_number (TRN02) must be 1 to 50 characters")
    for n, claim in enumerate(claims, start=1):
        if claim.status not in CLAIM_STATUS:
            raise X12Error(f"claim {n}: status (CLP02) is not a 005010X221A1 claim status code")
        if claim.filing_indicator not in FILING_INDICATORS:
            raise X12Error(f"claim {n}: filing_indicator (CLP06) is not a 005010X221A1 claim filing indicator")
        if not (1 <= len(claim.patient_control_number) <= 38 and 1 <= len(claim.payer_claim_number) <= 50):
            raise X12Error(f"claim {n}: patient_control_number (CLP01, 1 to 38 characters) and payer_claim_number "
                           "(CLP07, 1 to 50) are required")
        lines = [_as_line(line, k) for k, line in enumerate(claim.lines, start=1)]
        broken = balance.claim_imbalances(claim.charge_cents, claim.paid_cents, claim.adjustments, lines)
        if broken:
            raise X12Error(f"claim {n} does not balance: {broken[0].message}")


def _as_line(line: LineAnswer, number: int) -> ServiceLine:
    """The line as the reader would give it back, so the writer checks with the reader's own rules."""
    return ServiceLine(number, line.procedure, line.charge_cents, line.paid_cents, adjustments=line.adjustments)


def _bpr(total: int, paid_on: date) -> SegmentSpec:
    # BPR01 I (remittance information only) with a check (CHK); H (notification only) with NON when nothing
    # is paid. Neither carries bank accounts (BPR05-15 are for ACH), so they stay empty.
    handling, method = ("I", "CHK") if total else ("H", "NON")
    return ("BPR", handling, amount(total), "C", method, *[""] * 11, ymd(paid_on))


def _payer(payer: Payer) -> list[SegmentSpec]:
    street, city, state, zip_code = payer.address
    segments: list[SegmentSpec] = [("N1", "PR", payer.name), ("N3", street), ("N4", city, state, zip_code)]
    if payer.payer_id:
        segments.append(("REF", "2U", payer.payer_id))
    segments.append(("PER", "BL", "", "TE", payer.technical_phone))
    return segments


def _payee(payee: Payee) -> list[SegmentSpec]:
    segments: list[SegmentSpec] = [("N1", "PE", payee.name, "XX", payee.npi)]
    if payee.tax_id:
        segments.append(("REF", "TJ", payee.tax_id))
    return segments


def _claim(claim: ClaimAnswer) -> Iterator[SegmentSpec]:
    responsibility = claim.patient_responsibility_cents
    if responsibility is None:
        responsibility = sum(a.amount_cents for a in _all_adjustments(claim) if a.group == "PR")
    yield ("CLP", claim.patient_control_number, claim.status, amount(claim.charge_cents), amount(claim.paid_cents),
           amount(responsibility) if responsibility else "", claim.filing_indicator, claim.payer_claim_number,
           claim.facility_code, claim.frequency)
    yield from _cas(claim.adjustments)
    patient = claim.patient
    yield ("NM1", "QC", "1", patient.last_name, patient.first_name, "", "", "",
           "MI" if patient.member_id else "", patient.member_id)
    if claim.crossover is not None:
        yield ("NM1", "TT", "2", claim.crossover.name, "", "", "", "", "PI", claim.crossover.payer_id)
    if claim.remarks:
        yield ("MOA", "", "", *claim.remarks[:5])
    if claim.statement is not None:
        yield ("DTM", "232", ymd(claim.statement[0]))
        yield ("DTM", "233", ymd(claim.statement[1]))
    for line in claim.lines:
        yield from _line(line)


def _all_adjustments(claim: ClaimAnswer) -> Iterator[Adjustment]:
    yield from claim.adjustments
    for line in claim.lines:
        yield from line.adjustments


def _line(line: LineAnswer) -> Iterator[SegmentSpec]:
    procedure = line.procedure
    yield ("SVC", comp(procedure.qualifier, procedure.code, *procedure.modifiers), amount(line.charge_cents),
           amount(line.paid_cents), line.revenue_code, str(line.units) if line.units != 1 else "")
    yield ("DTM", "472", ymd(line.service_date))
    yield from _cas(line.adjustments)
    if line.control_number:
        yield ("REF", "6R", line.control_number)
    if line.allowed_cents is not None:
        yield ("AMT", "B6", amount(line.allowed_cents))
    for remark in line.remarks:
        yield ("LQ", "HE", remark)


def _cas(adjustments: Sequence[Adjustment]) -> Iterator[SegmentSpec]:
    """One CAS per group (in the order first given), up to six reason/amount/quantity triplets each; a group
    with more continues in another CAS of the same group."""
    order = {a.group: n for n, a in reversed(list(enumerate(adjustments)))}
    ranked = sorted(adjustments, key=lambda a: order[a.group])
    for group, members in groupby(ranked, key=lambda a: a.group):
        found = list(members)
        for start in range(0, len(found), _TRIPLETS_PER_CAS):
            elements: list[str] = []
            for a in found[start:start + _TRIPLETS_PER_CAS]:
                elements += [a.reason, amount(a.amount_cents), _quantity(a)]
            yield ("CAS", group, *elements)


def _quantity(adjustment: Adjustment) -> str:
    return "" if adjustment.quantity is None else format(adjustment.quantity, "f")


def _plb(adjustments: Sequence[ProviderAdjustment]) -> Iterator[SegmentSpec]:
    """One PLB per provider and fiscal period (PLB01, PLB02), up to six adjustment pairs each (PLB03-PLB14)."""
    for (provider, period), members in groupby(adjustments, key=lambda p: (p.provider_id, p.fiscal_period_end)):
        if period is None:
            raise X12Error("a provider adjustment needs its fiscal period end date (PLB02)")
        found = list(members)
        for start in range(0, len(found), _PLB_PAIRS_PER_SEGMENT):
            pairs: list[Value] = []
            for p in found[start:start + _PLB_PAIRS_PER_SEGMENT]:
                pairs += [comp(p.reason, p.reference), amount(p.amount_cents)]
            yield ("PLB", provider, ymd(period), *pairs)
