"""Values of the 837P and 837I: amounts, dates, names and addresses as written, the checks behind them, and
amounts, numbers and dates read back from segments.

A separate module so that `writer.py` (the envelope and the HL levels) can use the claim loops of
`professional.py` and `institutional.py` while all three, and `reader.py`, use these helpers without an
import cycle.

Checks raise `X12Error` naming the claim (by our `claim_id`, never its patient control number) and the
field, never the value: values are patient data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from chalicelib.coding.npi import is_valid_npi
from chalicelib.core.money import Money
from chalicelib.edi.claim.document import Address, Claim, ClaimDocument, Line, Person, Provider
from chalicelib.edi.x12.segments import Segment, X12Error
from chalicelib.edi.x12.writer import SegmentSpec

VERSION_P = "005010X222A1"
VERSION_I = "005010X223A2"
# TR3 appendix B.1.1.3.1.2: under HIPAA a DE 782 amount has at most ten digits, 99999999.99 the largest.
MAX_AMOUNT_CENTS = 99_999_999_99
MAX_UNITS = 99_999  # SV104/SV205 R 1/15 allows more; no service line is billed in more units than this
ICD10_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")  # ICD-10-CM stored without its dot
_ZIP = re.compile(r"^\d{5}(\d{4})?$")
_STATE = re.compile(r"^[A-Z]{2}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_STRAY_COMPONENT = ">"


def amount(cents: int) -> str:
    """DE 782 from integer cents, exactly (TR3 B.1.1.3.1.2): leading zeros and the zeros after the decimal
    point are suppressed, whole dollars carry no point: 12500 -> "125", 12550 -> "125.5", 1 -> ".01"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    if rest == 0:
        return f"{sign}{dollars}"
    return f"{sign}{dollars or ''}.{rest:02d}".rstrip("0")


def ymd(day: date) -> str:
    """D8: CCYYMMDD."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def provider_name(entity: str, provider: Provider) -> SegmentSpec:
    """NM1 of a provider loop: NM102 1 (person, last and first name) or 2 (organization), NPI qualified XX."""
    if provider.entity_type == "organization":
        return ("NM1", entity, "2", provider.last_name, "", "", "", "", "XX", provider.npi)
    return ("NM1", entity, "1", provider.last_name, provider.first_name, "", "", "", "XX", provider.npi)


def person_name(entity: str, person: Person, member_id: str = "") -> SegmentSpec:
    if member_id:
        return ("NM1", entity, "1", person.last_name, person.first_name, person.middle_name, "", "", "MI", member_id)
    return ("NM1", entity, "1", person.last_name, person.first_name, person.middle_name)


def address(place: Address) -> list[SegmentSpec]:
    return [("N3", place.line1, place.line2), ("N4", place.city, place.state, place.zip)]


def demographics(person: Person) -> SegmentSpec:
    return ("DMG", "D8", ymd(person.birth_date), person.sex)


def claim_label(claim_id: str) -> str:
    """How an error names a claim: by our id, never by anything the file carries."""
    return f"claim {claim_id}" if claim_id else "a claim without a claim_id"


class Checks:
    """The rules one claim must meet: the first it breaks raises, naming the claim and field, never the value."""

    def __init__(self, document: ClaimDocument, guide: str) -> None:
        self.where = claim_label(document.claim_id)
        self.guide = guide

    def require(self, field: str, ok: bool) -> None:
        if not ok:
            raise X12Error(f"{self.where}: {field} does not meet the 837 rules ({self.guide})")

    def provider(self, label: str, provider: Provider, *, individual_only: bool = False) -> None:
        self.require(f"{label}.npi", is_valid_npi(provider.npi))
        self.require(f"{label}.last_name", 1 <= len(provider.last_name) <= 60)  # NM103 AN 1/60
        self.require(f"{label}.first_name", len(provider.first_name) <= 35)  # NM104 AN 1/35
        self.require(f"{label}.entity_type", provider.entity_type == "individual" or not individual_only)

    def address(self, label: str, place: Address | None, *, nine_digit_zip: bool = False) -> None:
        self.require(label, place is not None)
        assert place is not None
        self.require(f"{label}.line1", 1 <= len(place.line1) <= 55 and len(place.line2) <= 55)  # N301/N302
        self.require(f"{label}.city", 2 <= len(place.city) <= 30)  # N401 AN 2/30
        self.require(f"{label}.state", bool(_STATE.match(place.state)))
        self.require(f"{label}.zip", bool(_ZIP.match(place.zip)) and (len(place.zip) == 9 or not nine_digit_zip))

    def person(self, label: str, person: Person) -> None:
        self.require(f"{label}.last_name", 1 <= len(person.last_name) <= 60)
        self.require(f"{label}.first_name", len(person.first_name) <= 35 and len(person.middle_name) <= 25)
        self.require(f"{label}.sex", person.sex in ("F", "M", "U"))
        self.address(f"{label}.address", person.address)

    def diagnoses(self, codes: Iterable[str], most: int) -> None:
        codes = tuple(codes)
        self.require("diagnoses", 1 <= len(codes) <= most and all(ICD10_CODE.match(code) for code in codes))

    def charge(self, field: str, cents: int) -> None:
        self.require(field, type(cents) is int and 0 <= cents <= MAX_AMOUNT_CENTS)

    def modifiers(self, field: str, modifiers: tuple[str, ...]) -> None:
        self.require(field, len(modifiers) <= 4 and all(_MODIFIER.match(m) for m in modifiers))

    def units(self, field: str, units: int) -> None:
        self.require(field, type(units) is int and 0 < units <= MAX_UNITS)

    def claim(self, claim: Claim, most_lines: int) -> None:
        """The rules both guides share for loop 2300 and its lines."""
        self.require("patient_control_number", 1 <= len(claim.patient_control_number) <= 20)  # CLM01 (TR3 note)
        self.charge("total_charge_cents", claim.total_charge_cents)
        self.require("lines", 1 <= len(claim.lines) <= most_lines)
        # CLM02 note (X222A1 and X223A2): the total claim charge must balance to the sum of the line charges.
        self.require("total_charge_cents", claim.total_charge_cents == sum(line.charge_cents for line in claim.lines))
        # LX01 starts at 1 and goes up by 1 within the claim.
        self.require("lines.number", [line.number for line in claim.lines] == list(range(1, len(claim.lines) + 1)))
        # REF*F8 is required when CLM05-3 says the claim replaces (7) or voids (8) an adjudicated claim.
        self.require("payer_claim_control_number", 1 <= len(claim.payer_claim_control_number) <= 50
                     if claim.frequency_code in ("7", "8") else len(claim.payer_claim_control_number) <= 50)
        self.require("prior_authorization", len(claim.prior_authorization) <= 50)
        self.require("referral_number", len(claim.referral_number) <= 50)
        for line in claim.lines:
            self.charge(f"line {line.number}.charge_cents", line.charge_cents)
            self.units(f"line {line.number}.units", line.units)
            self.modifiers(f"line {line.number}.modifiers", line.modifiers)
            self.require(f"line {line.number}.control_number", len(line.control_number) <= 50)  # REF02 AN 1/50
        if claim.referring is not None:
            self.provider("referring", claim.referring, individual_only=True)  # NM102 is 1 in both guides


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def references(claim: Claim) -> list[SegmentSpec]:
    """Loop 2300 REFs in the order both guides list them: referral (9F), prior authorization (G1), then the
    payer's control number of the claim a replacement or void refers to (F8)."""
    pairs = (("9F", claim.referral_number), ("G1", claim.prior_authorization),
             ("F8", claim.payer_claim_control_number))
    return [("REF", qualifier, value) for qualifier, value in pairs if value]


def line_dates_and_references(line: Line) -> list[SegmentSpec]:
    """What follows SV1/SV2 in loop 2400: the service date (DTP*472) and the line item control number
    (REF*6R), which the 835 echoes back to match payments to lines (X222A1/X223A2 2400 REF*6R note)."""
    segments: list[SegmentSpec] = [("DTP", "472", "D8", ymd(line.service_date))]
    if line.control_number:
        segments.append(("REF", "6R", line.control_number))
    return segments


# Reading: the values above, back from a segment (reader.py).

def parse_cents(text: str) -> int:
    """An X12 R amount as integer cents, exactly: "125.5" -> 12550, "40" -> 4000, ".01" -> 1, "10.000" ->
    1000. Raises ValueError for anything finer than a cent or not a plain decimal number."""
    # The common shapes ("125", "125.5", ".01", "-40.25") are read here directly: an 835 carries some fourteen
    # amounts per claim. Anything else takes the general path below, which decides what it accepts.
    if text.isdigit() and text.isascii():
        return int(text) * 100
    whole, point, fraction = text.partition(".")
    negative = whole[:1] == "-"
    digits = whole[1:] if negative else whole
    if 0 < len(fraction) <= 2 and fraction.isdigit() and (digits.isdigit() or not digits) and text.isascii():
        cents = int(digits or "0") * 100 + int(fraction if len(fraction) == 2 else fraction + "0")
        return -cents if negative else cents
    if len(fraction) > 2 and fraction[2:].strip("0") == "":
        fraction = fraction[:2]
    sign = "-" if whole.startswith("-") else ""
    whole = whole.removeprefix("-")
    if not (whole or fraction) or (point and not fraction):
        raise ValueError("not an amount")
    return Money.parse(f"{sign}{whole or '0'}.{fraction}" if fraction else f"{sign}{whole}").cents


def read_cents(segment: Segment, n: int) -> int:
    try:
        return parse_cents(segment.element(n))
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not an amount in whole cents", segment.position, segment.id) from None


def read_decimal(segment: Segment, n: int) -> Decimal:
    try:
        value = Decimal(segment.element(n))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise X12Error(f"{segment.id}{n:02d} is not a number", segment.position, segment.id)
    return value


def read_whole(text: str, segment: Segment, n: int) -> int:
    """A count or pointer; "1.00" is 1 (some senders write them as decimals), "1.5" is refused."""
    try:
        value = Decimal(text)
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
    except InvalidOperation:
        pass
    raise X12Error(f"{segment.id}{n:02d} is not a whole number", segment.position, segment.id)


def read_components(segment: Segment, n: int) -> tuple[str, ...]:
    """Element n's components, split on ">" when the sender wrote that instead of its ISA16: some published
    837 and 835 samples do (LinuxForHealth's, ../shared/x12-samples/SOURCES.md). Only an element with no
    declared separator in it is split so, and only when ">" is none of the interchange's delimiters."""
    parts = segment.components(n)
    if len(parts) == 1 and _STRAY_COMPONENT in parts[0] and _STRAY_COMPONENT not in segment.delimiters.all():
        return tuple(parts[0].split(_STRAY_COMPONENT))
    return parts


def read_date(segment: Segment, n: int) -> date:
    """A CCYYMMDD element (DTM02, BPR16, PLB02) as a date."""
    try:
        return _read_ymd(segment.element(n))
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not a date (CCYYMMDD)", segment.position, segment.id) from None


def read_dates(segment: Segment) -> tuple[date, date]:
    """DTP03 as (first, last) day: D8 a single day, RD8 a range, DT the date part of date and time."""
    text = segment.element(3)
    first, _, last = text.partition("-") if segment.element(2) == "RD8" else (text[:8], "", "")
    try:
        start = _read_ymd(first)
        return start, _read_ymd(last) if last else start
    except ValueError:
        raise X12Error("DTP03 is not a date in the format DTP02 names", segment.position, "DTP") from None


def _read_ymd(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError("not CCYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))
