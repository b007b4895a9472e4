"""Reading 837P and 837I claims: ours back (a round trip) and third parties' (clearinghouse and payer files).

`read_837(text)` reads every interchange, group and 837 transaction set in the text, follows the HL
hierarchy by its ids (HL01 id, HL02 parent, HL03 level: 20 billing provider, 22 subscriber, 23 patient)
and gives one `ReadClaim` per CLM in file order, with the facts of the levels above it. It keeps what
matters for matching and posting: who billed whom for whom, the claim's identifiers, amounts, diagnoses
and lines; the rest (COB loops 2320-2330, line loops 2410-2440, notes) is passed over.

Inside a level, segments mean different things by where they stand (X222A1/X223A2 Table 2): before the
first CLM they describe the level (NM1*85, NM1*IL, NM1*PR, SBR, PAT); after CLM they belong to the claim
until its first provider or other-subscriber loop (NM1, SBR), after which a REF*F8 is another payer's
(2330B), not ours. Lines are read the same way from LX to the line's own loops.

Amounts become integer cents exactly ("125.5" is 12550, `values.parse_cents`); finer than a cent
is refused, never rounded.
Some senders write composites with ">" while their ISA16 declares another separator (LinuxForHealth's
examples, see ../shared/x12-samples/SOURCES.md); a composite element with no declared separator but a ">"
is split on ">" when ">" is none of the interchange's delimiters.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from chalicelib.edi.claim.values import read_cents, read_components, read_dates, read_decimal, read_whole
from chalicelib.edi.x12.reader import read_interchanges
from chalicelib.edi.x12.segments import Segment, X12Error

_PRINCIPAL, _OTHER, _ADMITTING = ("ABK", "BK"), ("ABF", "BF"), ("ABJ", "BJ")
_PARENT_KIND = {"22": "20", "23": "22"}  # HL03 of a level -> HL03 of the level it hangs under


@dataclass(frozen=True, slots=True)
class ReadLine:
    number: int  # LX01
    procedure_code: str  # SV101-2 / SV202-2; "" on a line billed by revenue code alone
    modifiers: tuple[str, ...]
    revenue_code: str  # SV201 (837I)
    units: Decimal  # SV104 / SV205
    charge_cents: int  # SV102 / SV203
    service_date: date | None  # DTP*472, the first day of an RD8 range
    service_date_to: date | None
    diagnosis_pointers: tuple[int, ...]  # SV107 (837P)
    control_number: str  # REF*6R


@dataclass(frozen=True, slots=True)
class ReadClaim:
    convention: str  # ST03 (GS08 when ST03 is absent): 005010X222A1, 005010X223A2 ...
    set_control_number: str  # ST02, which a 999 names
    billing_npi: str  # 2010AA NM109
    payer_id: str  # 2010BB NM109
    member_id: str  # 2010BA NM109
    patient_relationship: str  # "18" for a claim under 2000B (patient is the subscriber), else PAT01
    patient_control_number: str  # CLM01
    total_charge_cents: int  # CLM02
    facility_code: str  # CLM05-1: place of service (837P) or facility type (837I)
    facility_qualifier: str  # CLM05-2: B (place of service) or A (UB-04 type of bill)
    frequency_code: str  # CLM05-3
    diagnoses: tuple[str, ...]  # HI: the principal (ABK/BK) first, then the others (ABF/BF)
    admitting_diagnosis: str  # HI*ABJ (837I)
    payer_claim_control_number: str  # REF*F8
    prior_authorization: str  # REF*G1
    referral_number: str  # REF*9F
    statement_from: date | None  # DTP*434 (837I)
    statement_to: date | None
    lines: tuple[ReadLine, ...]
    # Who the parties are by name, for an answer that names them (the sandbox payer's 835): 2010BB NM103,
    # 2010AA NM103/NM104 and REF*EI, and the patient (2010CA NM1*QC, else 2010BA NM1*IL), kept out of repr.
    payer_name: str = ""
    billing_name: str = ""
    billing_tax_id: str = ""
    patient_last_name: str = field(default="", repr=False)
    patient_first_name: str = field(default="", repr=False)

    @property
    def patient_is_subscriber(self) -> bool:
        return self.patient_relationship == "18"


def read_837(text: str, *, strict: bool = True) -> list[ReadClaim]:
    """Every claim of every 837 transaction set in `text` (one or more interchanges). With `strict=False`,
    miscounted envelopes (SE01, GE01, IEA01) are tolerated, as `read_interchanges` allows, and so is an HL02
    naming a level that never appeared: the level then hangs under the last level of the kind above it."""
    claims: list[ReadClaim] = []
    for interchange in read_interchanges(text, strict=strict):
        for group in interchange.groups:
            for transaction in group.transactions:
                if transaction.set_id == "837":
                    walk = _Walk(transaction.convention or group.version, transaction.control_number, strict)
                    claims += walk.read(transaction.body)
    return claims


@dataclass(slots=True)
class _Level:
    code: str  # HL03
    parent: _Level | None
    npi: str = ""  # 20: NM1*85
    member_id: str = ""  # 22: NM1*IL
    payer_id: str = ""  # 22: NM1*PR
    relationship: str = ""  # 23: PAT01
    name: tuple[str, str] = ("", "")  # 20: NM1*85, 22: NM1*IL, 23: NM1*QC (last or organization, first)
    payer_name: str = ""  # 22: NM1*PR
    tax_id: str = ""  # 20: REF*EI


@dataclass(slots=True)
class _Draft:
    """A claim while its segments are read; frozen into a ReadClaim when the next CLM, HL or SE comes."""

    owner: _Level
    clm: Segment
    refs: dict[str, str] = field(default_factory=dict)
    diagnoses: list[str] = field(default_factory=list)
    admitting: str = ""
    statement: tuple[date, date] | None = None
    lines: list[ReadLine] = field(default_factory=list)


class _Walk:
    """One transaction set's body, segment by segment; `phase` says which loop the last segment opened."""

    def __init__(self, convention: str, control_number: str, strict: bool) -> None:
        self.convention, self.control_number, self.strict = convention, control_number, strict
        self.levels: dict[str, _Level] = {}
        self.last_of_kind: dict[str, _Level] = {}  # HL03 -> the latest level of that kind
        self.level: _Level | None = None
        self.draft: _Draft | None = None
        self.line: ReadLine | None = None
        self.phase = "header"  # header, level, claim, claim loops, line, line loops
        self.claims: list[ReadClaim] = []
        self.handlers = {"HL": self._hl, "NM1": self._nm1, "SBR": self._sbr, "PAT": self._pat, "CLM": self._clm,
                         "REF": self._ref, "HI": self._hi, "DTP": self._dtp, "LX": self._lx, "SV1": self._sv1,
                         "SV2": self._sv2, "SVD": self._line_loop, "LIN": self._line_loop, "LQ": self._line_loop}

    def read(self, body: list[Segment]) -> list[ReadClaim]:
        for segment in body:
            handler = self.handlers.get(segment.id)
            if handler is not None:
                handler(segment)
        self._close_claim()
        return self.claims

    def _hl(self, segment: Segment) -> None:
        self._close_claim()
        parent_id, code = segment.element(2), segment.element(3)
        parent = self.levels.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            if self.strict:
                raise X12Error("HL02 names a level that has not appeared before it", segment.position, "HL")
            parent = self.last_of_kind.get(_PARENT_KIND.get(code, ""))
        self.level = self.levels[segment.element(1)] = self.last_of_kind[code] = _Level(code, parent)
        self.phase = "level"

    def _nm1(self, segment: Segment) -> None:
        if self.phase == "level" and self.level is not None:
            entity, identifier = segment.element(1), segment.element(9)
            if entity in ("85", "IL", "QC"):
                self.level.name = (segment.element(3), segment.element(4))
            if entity == "85":
                self.level.npi = identifier
            elif entity == "IL":
                self.level.member_id = identifier
            elif entity == "PR":
                self.level.payer_id, self.level.payer_name = identifier, segment.element(3)
        else:
            self._leave_claim_or_line()

    def _sbr(self, segment: Segment) -> None:
        if self.phase != "level":
            self._leave_claim_or_line()  # 2320: other subscriber information

    def _pat(self, segment: Segment) -> None:
        if self.phase == "level" and self.level is not None:
            self.level.relationship = segment.element(1)

    def _clm(self, segment: Segment) -> None:
        self._close_claim()
        if self.level is None or self.level.code not in ("22", "23"):
            raise X12Error("CLM outside a subscriber or patient level", segment.position, "CLM")
        self.draft = _Draft(self.level, segment)
        self.phase = "claim"

    def _ref(self, segment: Segment) -> None:
        qualifier = segment.element(1)
        if self.phase == "level" and self.level is not None and self.level.code == "20" and qualifier == "EI":
            self.level.tax_id = segment.element(2)
        elif self.phase == "claim" and self.draft is not None and qualifier in ("F8", "G1", "9F"):
            self.draft.refs.setdefault(qualifier, segment.element(2))
        elif self.phase == "line" and self.line is not None and qualifier == "6R":
            self.line = replace(self.line, control_number=segment.element(2))

    def _hi(self, segment: Segment) -> None:
        if self.phase != "claim" or self.draft is None:
            return
        for n in range(1, len(segment.elements) + 1):
            parts = read_components(segment, n)
            qualifier, code = (parts + ("", ""))[:2]
            if not code:
                continue
            if qualifier in _PRINCIPAL:
                self.draft.diagnoses.insert(0, code)
            elif qualifier in _OTHER:
                self.draft.diagnoses.append(code)
            elif qualifier in _ADMITTING:
                self.draft.admitting = code

    def _dtp(self, segment: Segment) -> None:
        if self.phase == "claim" and self.draft is not None and segment.element(1) == "434":
            self.draft.statement = read_dates(segment)
        elif self.phase == "line" and self.line is not None and segment.element(1) == "472":
            first, last = read_dates(segment)
            self.line = replace(self.line, service_date=first, service_date_to=last)

    def _lx(self, segment: Segment) -> None:
        if self.draft is None:
            raise X12Error("LX outside a claim", segment.position, "LX")
        self._close_line()
        self.line = ReadLine(read_whole(segment.element(1), segment, 1), "", (), "", Decimal(0), 0, None, None, (), "")
        self.phase = "line"

    def _sv1(self, segment: Segment) -> None:
        if self.phase == "line" and self.line is not None:
            code, modifiers = _procedure(segment, 1)
            pointers = tuple(read_whole(p, segment, 7) for p in read_components(segment, 7) if p)
            self.line = replace(self.line, procedure_code=code, modifiers=modifiers, units=read_decimal(segment, 4),
                                charge_cents=read_cents(segment, 2), diagnosis_pointers=pointers)

    def _sv2(self, segment: Segment) -> None:
        if self.phase == "line" and self.line is not None:
            code, modifiers = _procedure(segment, 2)
            self.line = replace(self.line, revenue_code=segment.element(1), procedure_code=code, modifiers=modifiers,
                                charge_cents=read_cents(segment, 3), units=read_decimal(segment, 5))

    def _line_loop(self, segment: Segment) -> None:
        self._leave_claim_or_line()

    def _leave_claim_or_line(self) -> None:
        if self.phase == "claim":
            self.phase = "claim loops"
        elif self.phase == "line":
            self.phase = "line loops"

    def _close_line(self) -> None:
        if self.line is not None and self.draft is not None:
            self.draft.lines.append(self.line)
        self.line = None

    def _close_claim(self) -> None:
        self._close_line()
        if self.draft is not None:
            self.claims.append(self._frozen_claim(self.draft))
        self.draft = None

    def _frozen_claim(self, draft: _Draft) -> ReadClaim:
        owner, clm = draft.owner, draft.clm
        subscriber = owner.parent if owner.code == "23" else owner
        billing = subscriber.parent if subscriber is not None else None
        if subscriber is None or subscriber.code != "22" or billing is None or billing.code != "20":
            raise X12Error("a claim's HL levels do not lead up to a subscriber and a billing provider",
                           clm.position, "CLM")
        place, qualifier, frequency = (read_components(clm, 5) + ("", "", ""))[:3]
        start, end = draft.statement or (None, None)
        return ReadClaim(self.convention, self.control_number, billing.npi, subscriber.payer_id,
                         subscriber.member_id, "18" if owner is subscriber else owner.relationship, clm.element(1),
                         read_cents(clm, 2), place, qualifier, frequency, tuple(draft.diagnoses), draft.admitting,
                         draft.refs.get("F8", ""), draft.refs.get("G1", ""), draft.refs.get("9F", ""), start, end,
                         tuple(draft.lines), subscriber.payer_name, " ".join(filter(None, billing.name[::-1])),
                         billing.tax_id, owner.name[0], owner.name[1])


def _procedure(segment: Segment, n: int) -> tuple[str, tuple[str, ...]]:
    """The code and modifiers of an SV101/SV202 composite (qualifier HC, code, up to four modifiers)."""
    parts = read_components(segment, n)
    return (parts[1] if len(parts) > 1 else ""), tuple(m for m in parts[2:6] if m)
