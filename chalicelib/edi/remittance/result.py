"""What an 835 says, as values: the `Remittance` that `read_835` (reader.py) returns, one per transaction set.

Amounts are integer cents (a reversal, CLP02 22, carries negative ones), dates are `date`, quantities
`Decimal`. Names and member ids (NM1 of loop 2100) are kept only as matching hints for the posting and are
left out of every `repr`, so a logged value never carries them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Mapping

from chalicelib.core.money import Money
from chalicelib.edi.claim.values import parse_cents
from chalicelib.edi.remittance import codes
from chalicelib.edi.x12.segments import X12Error

Rule = Literal["line", "claim", "transaction"]


@dataclass(frozen=True, slots=True)
class Imbalance:
    """One of the guide's balancing rules (X221A1 section 1.10.2) broken: `expected` is what the rule computes
    from charges and adjustments, `found` the payment the 835 states."""

    rule: Rule
    expected_cents: int
    found_cents: int
    line: int | None = None  # the service line's place in its claim (1-based), for the line rule

    @property
    def message(self) -> str:
        where = {"line": f"service line {self.line}: charge minus its adjustments",
                 "claim": "claim charge minus all its adjustments",
                 "transaction": "claim payments minus provider adjustments"}[self.rule]
        stated = {"line": "the line payment (SVC03)", "claim": "the claim payment (CLP04)",
                  "transaction": "the total payment (BPR02)"}[self.rule]
        return f"{where} is {Money(self.expected_cents)}, {stated} is {Money(self.found_cents)}"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CAS01), reason (CARC), amount and quantity. A negative amount pays back."""

    group: str  # CO, PR, OA, PI, CR
    reason: str  # claim adjustment reason code (CARC): 45, 1, 2, 3 ...
    amount_cents: int
    quantity: Decimal | None = None

    @property
    def group_words(self) -> str:
        return codes.adjustment_group(self.group)


@dataclass(frozen=True, slots=True)
class Procedure:
    """SVC01 or SVC06: the composite medical procedure identifier."""

    qualifier: str  # HC, AD, ER, IV, N4, NU, HP, WK ...
    code: str
    modifiers: tuple[str, ...] = ()  # up to four
    description: str = ""  # component 7


@dataclass(frozen=True, slots=True)
class Remark:
    """A remark code: LQ at a line (HE = RARC, RX = NCPDP reject/payment code), or MIA/MOA at a claim."""

    qualifier: str  # HE, RX; MIA/MOA remarks are RARCs (HE)
    code: str


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # REF01: 6R, 1K, LU, 0K, 1B, EA, F8 ...
    value: str


@dataclass(frozen=True, slots=True)
class Entity:
    """An NM1 of loop 2100: QC patient, IL insured, 74 corrected patient/insured, 82 rendering provider, TT
    crossover carrier, PR corrected priority payer, GB other subscriber. Names and ids of people stay out of
    repr: they are patient data."""

    code: str  # NM101
    kind: str  # NM102: 1 person, 2 non-person entity
    last_name: str = field(repr=False)  # or the organization's name
    first_name: str = field(repr=False, default="")
    middle_name: str = field(repr=False, default="")
    id_qualifier: str = ""  # NM108: MI, HN, C, PI, XV, XX, FI ...
    id: str = field(repr=False, default="")  # NM109


@dataclass(frozen=True, slots=True)
class Adjudication:
    """MIA (inpatient) or MOA (outpatient) adjudication: its elements as sent, and its remark codes."""

    kind: Literal["inpatient", "outpatient"]
    elements: tuple[str, ...]
    remark_codes: tuple[str, ...]  # MIA05, MIA20-24; MOA03-07

    def amount_cents(self, n: int) -> int | None:
        """The n-th element (MIA04 DRG amount, MOA02 HCPCS payable ...) as cents, None when absent."""
        text = self.elements[n - 1] if 0 < n <= len(self.elements) else ""
        try:
            return parse_cents(text) if text else None
        except ValueError:
            segment = "MIA" if self.kind == "inpatient" else "MOA"
            raise X12Error(f"{segment}{n:02d} is not an amount in whole cents", segment_id=segment) from None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """Loop 2110: one SVC with its dates, adjustments, references, amounts and remarks."""

    number: int  # its place in the claim, from 1
    procedure: Procedure  # SVC01
    charge_cents: int  # SVC02
    paid_cents: int  # SVC03
    revenue_code: str = ""  # SVC04 (NUBC), institutional
    units: Decimal | None = None  # SVC05; absent means 1
    original_procedure: Procedure | None = None  # SVC06: what was billed, when the payer changed it
    original_units: Decimal | None = None  # SVC07
    service_from: date | None = None  # DTM*472, or DTM*150
    service_to: date | None = None  # DTM*472, or DTM*151
    adjustments: tuple[Adjustment, ...] = ()
    references: tuple[Reference, ...] = ()
    amounts: Mapping[str, int] = field(default_factory=dict)  # AMT: B6 allowed, KH late filing reduction ...
    quantities: Mapping[str, Decimal] = field(default_factory=dict)
    remarks: tuple[Remark, ...] = ()  # LQ

    @property
    def control_number(self) -> str:
        """REF*6R: the line item control number we sent in the 837 (loop 2400), the line's match key."""
        return next((r.value for r in self.references if r.qualifier == "6R"), "")

    @property
    def allowed_cents(self) -> int | None:
        return self.amounts.get("B6")

    @property
    def adjusted_cents(self) -> int:
        return sum(a.amount_cents for a in self.adjustments)


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """Loop 2100: one CLP, what the payer decided for one of our claims, with its lines and imbalances."""

    patient_control_number: str  # CLP01: our CLM01, the match key
    status: str  # CLP02
    charge_cents: int  # CLP03
    paid_cents: int  # CLP04
    patient_responsibility_cents: int | None  # CLP05
    filing_indicator: str  # CLP06: 12 PPO, MA/MB Medicare, MC Medicaid, CI commercial ...
    payer_claim_number: str  # CLP07
    facility_code: str = ""  # CLP08
    frequency: str = ""  # CLP09
    drg_code: str = ""  # CLP11
    drg_weight: Decimal | None = None  # CLP12
    discharge_fraction: Decimal | None = None  # CLP13
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    entities: tuple[Entity, ...] = ()  # NM1 QC, IL, 74, 82, TT, PR, GB
    adjudication: tuple[Adjudication, ...] = ()  # MIA, MOA
    references: tuple[Reference, ...] = ()
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received: date | None = None  # DTM*050
    coverage_expires: date | None = None  # DTM*036
    amounts: Mapping[str, int] = field(default_factory=dict)  # AMT: AU coverage, D8 discount, F5, I interest ...
    quantities: Mapping[str, Decimal] = field(default_factory=dict)  # QTY: CA covered days, ...
    lines: tuple[ServiceLine, ...] = ()
    imbalances: tuple[Imbalance, ...] = ()
    header_number: str = ""  # LX01 of the loop 2000 the claim sits in

    @property
    def status_words(self) -> str:
        return codes.claim_status(self.status)

    @property
    def balanced(self) -> bool:
        return not self.imbalances

    @property
    def reversal(self) -> bool:
        return self.status == codes.REVERSAL_STATUS

    @property
    def denied(self) -> bool:
        return self.status == codes.DENIED_STATUS

    @property
    def crossover_payer(self) -> Entity | None:
        """NM1*TT: the payer the claim was forwarded to (CLP02 19, 20, 21, 23)."""
        return self.entity("TT")

    def entity(self, code: str) -> Entity | None:
        return next((e for e in self.entities if e.code == code), None)

    def reference(self, qualifier: str) -> str:
        return next((r.value for r in self.references if r.qualifier == qualifier), "")

    @property
    def remark_codes(self) -> tuple[str, ...]:
        return tuple(code for a in self.adjudication for code in a.remark_codes)


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB pair: a reason (PLB03-1) with its reference (PLB03-2) and amount. A positive amount reduces the
    payment (an overpayment recovered), a negative one adds to it (interest paid, L6)."""

    provider_id: str  # PLB01
    fiscal_period_end: date | None  # PLB02
    reason: str
    reference: str
    amount_cents: int

    @property
    def reason_words(self) -> str:
        return codes.provider_adjustment(self.reason)


@dataclass(frozen=True, slots=True)
class Payment:
    """BPR: the money (or its absence) and how it travels; TRN: its trace."""

    handling: str  # BPR01: C, D, H, I, P, U, X
    total_cents: int  # BPR02, as stated
    credit: bool  # BPR03 C (to the provider); D is a debit
    method: str  # BPR04: ACH, BOP, CHK, FWT, NON
    format: str  # BPR05: CCP, CTX
    effective: date | None  # BPR16: check issue or EFT effective date
    trace_type: str  # TRN01
    trace_number: str  # TRN02: the check or EFT number
    originator_id: str  # TRN03: the payer, 1 and its tax id
    originator_supplement: str = ""  # TRN04
    receiver_account: str = field(repr=False, default="")  # BPR15

    @property
    def method_words(self) -> str:
        return codes.payment_method(self.method)

    @property
    def signed_total_cents(self) -> int:
        """BPR02 as money to the provider: a debit (BPR03 D) takes it back."""
        return self.total_cents if self.credit else -self.total_cents


@dataclass(frozen=True, slots=True)
class Party:
    """Loop 1000A (N1*PR, the payer) or 1000B (N1*PE, the payee) with its N3/N4, REFs and PERs."""

    code: str  # PR or PE
    name: str
    id_qualifier: str = ""  # N103: XV, XX (NPI), FI (tax id) ...
    id: str = ""  # N104
    address: tuple[str, ...] = ()  # N301, N302, N401, N402, N403 as sent
    references: tuple[Reference, ...] = ()  # payer 2U, EO, HI, NF; payee TJ, PQ, D3, 0B ...
    contacts: tuple[tuple[str, ...], ...] = ()  # PER elements as sent: (BL, name, TE, number ...)

    def reference(self, qualifier: str) -> str:
        return next((r.value for r in self.references if r.qualifier == qualifier), "")


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    """Loop 2000 header: LX01, with TS3 (provider summary) and TS2 (Medicare Part A supplemental) as sent."""

    number: str  # LX01
    summary: tuple[str, ...] = ()  # TS3 elements
    supplemental: tuple[str, ...] = ()  # TS2 elements


@dataclass(frozen=True, slots=True)
class Remittance:
    """One 835 transaction set: one payment (or notice) from one payer to one payee."""

    control_number: str  # ST02
    payment: Payment
    production_date: date | None  # DTM*405
    payer: Party
    payee: Party
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    summaries: tuple[ProviderSummary, ...] = ()
    references: tuple[Reference, ...] = ()  # REF*EV receiver id, REF*F2 version
    imbalances: tuple[Imbalance, ...] = ()  # the transaction rule (BPR02)
    interchange_control: str = ""  # ISA13
    group_control: str = ""  # GS06
    sender: tuple[str, str] = ("", "")  # ISA05, ISA06
    envelope_issues: tuple[str, ...] = ()  # counts and control numbers tolerated (reader.py)
    issues: tuple[str, ...] = ()  # values that did not read and were left out (a date), by position

    @property
    def balanced(self) -> bool:
        return not self.imbalances and all(c.balanced for c in self.claims)

    @property
    def unbalanced_claims(self) -> tuple[ClaimPayment, ...]:
        return tuple(c for c in self.claims if c.imbalances)

