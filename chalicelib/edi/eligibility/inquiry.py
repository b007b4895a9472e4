"""Eligibility (005010X279A1): the 270 inquiry we send, and the 271 response we read.

`build_270` turns plain dataclasses into a 270 interchange; `read_270` reads one back (the sandbox
payer answers from it); `parse_271` (response.py) reads a payer's answer into an
`EligibilityResult`. Pure functions: the caller passes parties, control numbers, usage and time.

The 270's shape (X279A1 section 2.4, Table 2): 2000A information source (HL03=20, the payer), 2000B
information receiver (HL03=21, the provider), 2000C subscriber (HL03=22) and, when the patient is not the
subscriber, 2000D dependent (HL03=23). The trace number (TRN), dates (DTP*291) and the benefit
inquiries (EQ, loop 2110) go at the patient's level only: 2100C dates do not apply to 2100D
(X12 RFI 1400), and the 2110C EQ loop is not used when the subscriber is not the patient.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from chalicelib.coding.npi import is_valid_npi
from chalicelib.edi.eligibility.response import parse_271  # re-exported: one module for both directions
from chalicelib.edi.eligibility.result import (
    Benefit,
    CostShare,
    DateRange,
    EligibilityResult,
    Limit,
    NetworkBenefits,
    Rejection,
    ServiceBenefits,
)
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import Delimiters, Segment, X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, write_interchange

VERSION = "005010X279A1"
_SERVICE_TYPE = re.compile(r"^[0-9A-Z]{1,2}$")
MAX_SERVICE_TYPES = 99  # 2110C/2110D loop repeat (X279A1)

__all__ = ["Benefit", "CostShare", "DateRange", "Dependent", "EligibilityInquiry", "EligibilityResult",
           "Inquiry270", "Limit", "NetworkBenefits", "Payer", "Provider", "Rejection", "ServiceBenefits",
           "Subscriber", "VERSION", "build_270", "parse_271", "read_270"]


@dataclass(frozen=True, slots=True)
class Payer:
    name: str  # 2100A NM103
    payer_id: str  # 2100A NM109, qualified PI (payor identification)


@dataclass(frozen=True, slots=True)
class Provider:
    """The information receiver (2100B): an organization name, or a person's last and first name."""

    npi: str  # NM109 qualified XX
    organization_name: str = ""
    last_name: str = ""
    first_name: str = ""


@dataclass(frozen=True, slots=True)
class Subscriber:
    member_id: str  # 2100C NM109 qualified MI
    first_name: str
    last_name: str
    birth_date: date | None = None
    sex: Literal["F", "M", "U"] = "U"


@dataclass(frozen=True, slots=True)
class Dependent:
    first_name: str
    last_name: str
    birth_date: date | None = None
    sex: Literal["F", "M", "U"] = "U"


@dataclass(frozen=True, slots=True)
class EligibilityInquiry:
    payer: Payer
    provider: Provider
    subscriber: Subscriber
    trace_number: str  # TRN02, ours: the 271 echoes it back (TRN01=2) so the answer finds its request
    originator_id: str  # TRN03, exactly 10 characters: "1" + EIN, or "9" + an id of our own
    service_types: tuple[str, ...] = ("30",)  # EQ01; 30 = health benefit plan coverage
    service_date: date | None = None  # DTP*291; absent means "as of the day the payer processes it"
    dependent: Dependent | None = None  # set when the patient is not the subscriber


def build_270(inquiry: EligibilityInquiry, parties: Parties, controls: ControlNumbers, *,
              usage: Literal["T", "P"], created: datetime) -> str:
    _validate(inquiry)
    sub, dep = inquiry.subscriber, inquiry.dependent
    subscriber_name: SegmentSpec = ("NM1", "IL", "1", sub.last_name, sub.first_name, "", "", "", "MI",
                                    sub.member_id)
    trace: SegmentSpec = ("TRN", "1", inquiry.trace_number, inquiry.originator_id)
    body: list[SegmentSpec] = [
        # BHT01 0022 = information source, receiver, subscriber, dependent; BHT02 13 = request.
        ("BHT", "0022", "13", inquiry.trace_number, created.strftime("%Y%m%d"), created.strftime("%H%M")),
        ("HL", "1", "", "20", "1"),
        ("NM1", "PR", "2", inquiry.payer.name, "", "", "", "", "PI", inquiry.payer.payer_id),
        ("HL", "2", "1", "21", "1"),
        _provider_name(inquiry.provider),
        ("HL", "3", "2", "22", "1" if dep else "0"),  # HL04 1 = a dependent level follows
    ]
    if dep is None:
        body += [trace, subscriber_name, *_dmg(sub), *_asked(inquiry)]
    else:
        body += [subscriber_name, *_dmg(sub), ("HL", "4", "3", "23", "0"), trace,
                 ("NM1", "03", "1", dep.last_name, dep.first_name), *_dmg(dep), *_asked(inquiry)]
    envelope = Envelope(parties, "HS", VERSION, usage, created)
    return write_interchange(envelope, controls, [Transaction("270", VERSION, body)])


def _asked(inquiry: EligibilityInquiry) -> list[SegmentSpec]:
    """The patient's date (DTP*291, 2100C/D) and one EQ loop (2110C/D) per service type."""
    dates: list[SegmentSpec] = []
    if inquiry.service_date is not None:
        dates.append(("DTP", "291", "D8", inquiry.service_date.strftime("%Y%m%d")))
    return dates + [("EQ", code) for code in inquiry.service_types]


def _dmg(person: Subscriber | Dependent) -> list[SegmentSpec]:
    if person.birth_date is None:
        return []
    return [("DMG", "D8", person.birth_date.strftime("%Y%m%d"), person.sex)]


def _provider_name(provider: Provider) -> SegmentSpec:
    if provider.organization_name:
        return ("NM1", "1P", "2", provider.organization_name, "", "", "", "", "XX", provider.npi)
    return ("NM1", "1P", "1", provider.last_name, provider.first_name, "", "", "", "XX", provider.npi)


def _validate(inquiry: EligibilityInquiry) -> None:
    """The guide's lengths and code values, checked before writing so a bad field is named plainly."""
    payer, provider = inquiry.payer, inquiry.provider
    checks = [
        ("payer.name", 1 <= len(payer.name) <= 60), ("payer.payer_id", 2 <= len(payer.payer_id) <= 80),
        ("provider.npi", is_valid_npi(provider.npi)),
        ("provider name", bool(provider.organization_name) != bool(provider.last_name)),
        ("provider name", len(provider.organization_name or provider.last_name) <= 60
         and len(provider.first_name) <= 35),
        ("subscriber.member_id", 2 <= len(inquiry.subscriber.member_id) <= 80),
        ("trace_number", 1 <= len(inquiry.trace_number) <= 50),  # TRN02 AN 1/50
        ("originator_id", len(inquiry.originator_id) == 10),  # TRN03 AN 10/10
        ("service_types", 1 <= len(inquiry.service_types) <= MAX_SERVICE_TYPES
         and all(_SERVICE_TYPE.match(code) for code in inquiry.service_types)),
    ]
    people = [("subscriber", inquiry.subscriber)] + ([("dependent", inquiry.dependent)] if inquiry.dependent else [])
    for label, person in people:
        checks += [(f"{label}.last_name", 1 <= len(person.last_name) <= 60),  # NM103 AN 1/60
                   (f"{label}.first_name", len(person.first_name) <= 35),  # NM104 AN 1/35
                   (f"{label}.sex", person.sex in ("F", "M", "U"))]  # DMG03
    for field_name, ok in checks:
        if not ok:
            raise X12Error(f"{field_name} does not meet the 270 rules (005010X279A1)")


@dataclass(frozen=True, slots=True)
class Inquiry270:
    """A 270 as a payer receives it: the segments a 271 echoes back, and what was asked."""

    parties: Parties  # as sent: ISA06/ISA08 and GS02/GS03
    usage: str  # ISA15
    delimiters: Delimiters
    controls: ControlNumbers  # ISA13, GS06, ST02 of the inquiry
    reference: str  # BHT03
    source: Segment  # 2100A NM1
    receiver: Segment  # 2100B NM1
    subscriber: Segment  # 2100C NM1
    dependent: Segment | None  # 2100D NM1
    trace: Segment | None  # TRN of the patient's level
    service_types: tuple[str, ...]
    service_date: date | None  # DTP*291 of the patient's level (the start of an RD8 range)

    @property
    def member_id(self) -> str:
        return self.subscriber.element(9)


def read_270(text: str) -> Inquiry270:
    interchange = read_interchange(text)
    transactions = list(interchange.transactions("270"))
    if len(transactions) != 1:
        raise X12Error("expected exactly one 270 transaction set")
    names: dict[str, Segment] = {}  # the first NM1 of each HL level (HL03): 2100A, 2100B, 2100C, 2100D
    level, trace, service_types, reference, service_date = "", None, [], "", None
    for segment in transactions[0].body:
        if segment.id == "HL":
            level = segment.element(3)
        elif segment.id == "NM1":
            names.setdefault(level, segment)
        elif segment.id == "TRN":
            trace = segment
        elif segment.id == "EQ":
            service_types += segment.repetitions(1)
        elif segment.id == "BHT":
            reference = segment.element(3)
        elif segment.id == "DTP" and segment.element(1) == "291":
            service_date = _ymd(segment.element(3)[:8], segment)
    if not all(code in names for code in ("20", "21", "22")):
        raise X12Error("the 270 lacks the name of its information source, receiver or subscriber")
    group = interchange.groups[0]
    (sq, sid), (rq, rid) = interchange.sender, interchange.receiver
    parties = Parties(sq, sid, rq, rid, group.header.element(2), group.header.element(3))
    controls = ControlNumbers(_number(interchange.control_number, "ISA13"), _number(group.control_number, "GS06"),
                              _number(transactions[0].control_number, "ST02"))
    return Inquiry270(parties, interchange.usage, interchange.delimiters, controls, reference, names["20"],
                      names["21"], names["22"], names.get("23"), trace, tuple(service_types), service_date)


def _number(value: str, name: str) -> int:
    if not value.isdigit():
        raise X12Error(f"{name} is not a number")
    return int(value)


def _ymd(text: str, segment: Segment) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise X12Error("not a CCYYMMDD date", segment.position, segment.id) from None
