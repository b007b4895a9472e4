"""Claim status (005010X212): the 276 request we send for one claim, and the 277 response we read.

The 276's HL tree (X212 section 2.4, Table 2): 2000A information source (HL03 20, the payer), 2000B
information receiver (21, us as submitter), 2000C service provider (19, the billing provider), 2000D
subscriber (22) and, when the patient is not the subscriber, 2000E dependent (23). The claim being asked
about (loop 2200: TRN*1, REFs, AMT*T3, DTP*472) goes at the patient's level only: under 2000D when the
subscriber is the patient, else under 2000E. The 277 answers with the same tree, echoing our trace number
in a TRN*2 and adding STC statuses per claim (2200D/E) and per service line (2220D/E).
`rules_276.check_276` holds the guide's rules; the tests run every 276 written here through it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from chalicelib.coding.npi import is_valid_npi
from chalicelib.edi.acks.codes_277ca import Status, describe
from chalicelib.edi.claim.document import ClaimDocument, Person
from chalicelib.edi.claim.values import amount, parse_cents, provider_name, read_dates, ymd
from chalicelib.edi.x12.reader import read_interchanges
from chalicelib.edi.x12.segments import Segment, X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, write_interchange

VERSION = "005010X212"

def build_276(document: ClaimDocument, trace_number: str, parties: Parties, controls: ControlNumbers, *,
              usage: Literal["T", "P"], created: datetime) -> str:
    """One 276 asking the status of one claim; `trace_number` (TRN02) is what the 277 echoes back."""
    _validate(document, trace_number)
    billing, subscriber, patient = document.billing, document.subscriber, document.patient
    receiver_type = "2" if billing.entity_type == "organization" else "1"
    body: list[SegmentSpec] = [
        # BHT01 0010 = source, receiver, provider, subscriber, dependent; BHT02 13 = request.
        ("BHT", "0010", "13", trace_number, created.strftime("%Y%m%d"), created.strftime("%H%M")),
        ("HL", "1", "", "20", "1"),
        ("NM1", "PR", "2", document.payer.name, "", "", "", "", "PI", document.payer.payer_id),
        ("HL", "2", "1", "21", "1"),
        # X212 2100B NM108 allows only 46 (electronic transmitter id): the billing provider's tax id.
        ("NM1", "41", receiver_type, billing.last_name, billing.first_name, "", "", "", "46", billing.tax_id),
        ("HL", "3", "2", "19", "1"),
        provider_name("1P", billing),
        ("HL", "4", "3", "22", "1" if patient else "0"),  # HL04 1 = a 2000E dependent level follows
    ]
    if patient is None:
        body += [*_dmg(subscriber.person), _name("IL", subscriber.person, subscriber.member_id),
                 *_claim(document, trace_number)]
    else:
        # X212 2000E HL04 is not used; the dependent's DMG is required there.
        body += [_name("IL", subscriber.person, subscriber.member_id), ("HL", "5", "4", "23"),
                 *_dmg(patient.person), _name("QC", patient.person), *_claim(document, trace_number)]
    envelope = Envelope(parties, "HR", VERSION, usage, created)
    return write_interchange(envelope, controls, [Transaction("276", VERSION, body)])


def _dmg(person: Person) -> list[SegmentSpec]:
    # X212 DMG03 takes F or M only: an unknown sex is left out rather than sent as U.
    return [("DMG", "D8", ymd(person.birth_date), person.sex if person.sex in ("F", "M") else "")]


def _name(entity: str, person: Person, member_id: str = "") -> SegmentSpec:
    if member_id:  # 2100D: the subscriber, qualified MI; 2100E: the patient, NM108/NM109 not used
        return ("NM1", entity, "1", person.last_name, person.first_name, person.middle_name, "", "", "MI", member_id)
    return ("NM1", entity, "1", person.last_name, person.first_name, person.middle_name)


def _claim(document: ClaimDocument, trace_number: str) -> list[SegmentSpec]:
    """Loop 2200D/E, REFs in the guide's order: 1K payer claim number, BLT bill type, EJ patient control number."""
    claim = document.claim
    refs: list[SegmentSpec] = []
    if claim.payer_claim_control_number:
        refs.append(("REF", "1K", claim.payer_claim_control_number))
    if claim.institutional is not None:
        refs.append(("REF", "BLT", claim.institutional.type_of_bill))
    refs.append(("REF", "EJ", claim.patient_control_number))
    same_day = claim.service_from == claim.service_to
    dates = ("D8", ymd(claim.service_from)) if same_day else ("RD8", f"{ymd(claim.service_from)}-"
                                                                       f"{ymd(claim.service_to)}")
    return [("TRN", "1", trace_number), *refs, ("AMT", "T3", amount(claim.total_charge_cents)),
            ("DTP", "472", *dates)]


def _validate(document: ClaimDocument, trace_number: str) -> None:
    """The guide's sizes, checked before writing so a bad field is named plainly (never its value)."""
    billing, claim = document.billing, document.claim
    checks = [("trace_number", 1 <= len(trace_number) <= 50),  # TRN02 AN 1/50
              ("billing.npi", is_valid_npi(billing.npi)),
              ("billing.tax_id", 2 <= len(billing.tax_id) <= 80),  # NM109 AN 2/80
              ("payer.payer_id", 2 <= len(document.payer.payer_id) <= 80),
              ("subscriber.member_id", 2 <= len(document.subscriber.member_id) <= 80),
              ("claim.patient_control_number", 1 <= len(claim.patient_control_number) <= 50),
              ("claim.total_charge_cents", claim.total_charge_cents >= 0),
              ("claim.service dates", claim.service_from <= claim.service_to)]
    for name, ok in checks:
        if not ok:
            raise X12Error(f"{name} does not meet the 276 rules (005010X212)")


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """One STC of a 277 (X212 2200D/2220D STC): STC01, then the extra statuses of STC10 and STC11."""

    statuses: tuple[Status, ...]
    effective: date | None  # STC02, the date the status took effect
    charge_cents: int | None = None  # STC04, the total charge the status is about
    paid_cents: int | None = None  # STC05, the amount paid
    adjudicated: date | None = None  # STC06, the adjudication or payment date
    payment_method: str = ""  # STC07: ACH, BOP, CHK, FWT, NON
    check_issued: date | None = None  # STC08, the check issue or EFT date
    check_number: str = ""  # STC09, the check number or EFT trace

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(_words(status) for status in self.statuses)


@dataclass(frozen=True, slots=True)
class LineStatus:
    procedure: tuple[str, ...]  # SVC01 components: qualifier, code, modifiers
    charge_cents: int | None  # SVC02
    paid_cents: int | None  # SVC03
    statuses: tuple[StatusInfo, ...]
    revenue_code: str = ""  # SVC04
    control_number: str = ""  # REF*FJ, our 837 REF*6R
    service_from: date | None = None
    service_to: date | None = None


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    trace_number: str  # 2200D/E TRN02: the TRN02 of our 276
    statuses: tuple[StatusInfo, ...]
    patient_control_number: str = ""  # REF*EJ, our CLM01
    payer_claim_number: str = ""  # REF*1K
    service_from: date | None = None  # DTP*472
    service_to: date | None = None
    lines: tuple[LineStatus, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        """Every claim-level status in plain words, made from codes only (STC12 free text is never read)."""
        return tuple(words for info in self.statuses for words in info.words)


def _words(status: Status) -> str:
    return describe(status.category, status.code, status.entity)


def parse_277(text: str) -> list[ClaimStatus]:
    """Each claim (2200D or 2200E) of each X212 277 in `text`, read leniently: a miscounted envelope from a
    payer still says where the claim stands. A 277CA (005010X214) or any other 277 guide is refused."""
    found: list[ClaimStatus] = []
    for interchange in read_interchanges(text, strict=False):
        for group in interchange.groups:
            for transaction in group.transactions:
                if transaction.set_id != "277":
                    continue
                if (transaction.convention or group.version) != VERSION:
                    raise X12Error("a 277 whose ST03 is not 005010X212 (a 277CA is 005010X214) is not a claim "
                                   "status response", transaction.header.position, "ST")
                found += _Walk().read(transaction.body)
    return found


@dataclass(slots=True)
class _Draft:
    trace: str
    statuses: list[StatusInfo] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    dates: tuple[date, date] | None = None
    lines: list[LineStatus] = field(default_factory=list)
    line: LineStatus | None = None


class _Walk:
    """One 277 body. Claims live only at the subscriber (22) and dependent (23) levels: a TRN/STC at the
    receiver (21) or provider (19) level answers for a whole batch or provider and is not a claim."""

    def __init__(self) -> None:
        self.level = ""
        self.draft: _Draft | None = None
        self.claims: list[ClaimStatus] = []

    def read(self, body: list[Segment]) -> list[ClaimStatus]:
        for segment in body:
            if segment.id in ("HL", "TRN"):
                self._close()
                self.level = segment.element(3) if segment.id == "HL" else self.level
                if segment.id == "TRN" and self.level in ("22", "23"):
                    self.draft = _Draft(segment.element(2))
            elif self.draft is not None:
                self._within_claim(self.draft, segment)
        self._close()
        return self.claims

    def _within_claim(self, draft: _Draft, segment: Segment) -> None:
        line = draft.line
        if segment.id == "SVC":
            if line is not None:
                draft.lines.append(line)
            draft.line = LineStatus(segment.components(1), _cents(segment, 2), _cents(segment, 3), (),
                                    segment.element(4))
        elif segment.id == "STC" and line is not None:
            draft.line = replace(line, statuses=line.statuses + (_status_info(segment),))
        elif segment.id == "STC":
            draft.statuses.append(_status_info(segment))
        elif segment.id == "REF" and line is not None and segment.element(1) == "FJ":
            draft.line = replace(line, control_number=segment.element(2))
        elif segment.id == "REF" and line is None:
            draft.refs.setdefault(segment.element(1), segment.element(2))
        elif segment.id == "DTP" and segment.element(1) == "472" and line is not None:
            first, last = read_dates(segment)
            draft.line = replace(line, service_from=first, service_to=last)
        elif segment.id == "DTP" and segment.element(1) == "472":
            draft.dates = read_dates(segment)

    def _close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        if draft.line is not None:
            draft.lines.append(draft.line)
        start, end = draft.dates or (None, None)
        self.claims.append(ClaimStatus(draft.trace, tuple(draft.statuses), draft.refs.get("EJ", ""),
                                       draft.refs.get("1K", ""), start, end, tuple(draft.lines)))


def _status_info(segment: Segment) -> StatusInfo:
    statuses = tuple(Status(*(parts + ("", "", ""))[:3]) for n in (1, 10, 11) if (parts := segment.components(n)))
    return StatusInfo(statuses, _date(segment, 2), _cents(segment, 4), _cents(segment, 5), _date(segment, 6),
                      segment.element(7), _date(segment, 8), segment.element(9))


def _date(segment: Segment, n: int) -> date | None:
    text = segment.element(n)
    try:
        return datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not a CCYYMMDD date", segment.position, segment.id) from None


def _cents(segment: Segment, n: int) -> int | None:
    text = segment.element(n)
    try:
        return parse_cents(text) if text else None
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not an amount in whole cents", segment.position, segment.id) from None
