"""API schemas of patients and coverages, with the checks a front desk needs."""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, EmailStr, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from chalicelib.core.types import AddressIn, AddressOut, Id, Out, PageQuery, Patch, Schema, Versioned, X12Text

Sex = Literal["F", "M", "U"]  # X12 DMG03 gender codes
def _person_name(value: str) -> str:
    # Names are kept as the patient writes them (accents included); X12 files fold them to their character
    # set when written. Letters of any script, with spaces, hyphens, apostrophes and periods between them.
    if not value[0].isalpha() or not all(c.isalpha() or c in " -'." for c in value):
        raise ValueError("letters, with spaces, hyphens, apostrophes or periods between them")
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=35), AfterValidator(_person_name)]
Mrn = Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9\-]+$")]
# NM109 is an X12 "AN" element of 2 to 80 characters; payers use letters, digits and a few separators.
MemberId = Annotated[str, StringConstraints(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9\-]+$")]
GroupNumber = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9\- ]+$")]


def normalize_name(value: str) -> str:
    """The form names take in index keys and searches: letters only, upper case, accents dropped."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.upper() if "A" <= c <= "Z")


def _phone(value: str) -> str:
    import phonenumbers  # loaded on first use: it carries metadata for every country

    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError("is in the future")
    if value.year < 1900:
        raise ValueError("is before 1900")
    return value


Phone = Annotated[str, StringConstraints(min_length=7, max_length=25), AfterValidator(_phone)]
BirthDate = Annotated[date, AfterValidator(_not_future)]


class GuarantorIn(Schema):
    relationship: Literal["parent", "guardian", "spouse", "other"]
    first_name: Name
    last_name: Name
    phone: Phone | None = None
    address: AddressIn | None = None


class GuarantorOut(Out):
    relationship: str
    first_name: str
    last_name: str
    phone: str | None = None
    address: AddressOut | None = None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class PatientCreate(Schema):
    first_name: Name
    middle_name: Name | None = None
    last_name: Name
    birth_date: BirthDate
    sex: Sex
    address: AddressIn
    phone: Phone | None = None
    email: EmailStr | None = None
    mrn: Mrn | None = Field(default=None, description="The practice's medical record number, from its EHR")
    guarantor: GuarantorIn | None = Field(default=None, description="Required for a patient under 18")

    @model_validator(mode="after")
    def _minor_has_guarantor(self) -> "PatientCreate":
        if age_on(self.birth_date, date.today()) < 18 and self.guarantor is None:
            raise ValueError("a patient under 18 needs a guarantor")
        return self


class PatientUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"middle_name", "phone", "email", "mrn", "guarantor"})
    first_name: Name | None = None
    middle_name: Name | None = None
    last_name: Name | None = None
    birth_date: BirthDate | None = None
    sex: Sex | None = None
    address: AddressIn | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    mrn: Mrn | None = None
    guarantor: GuarantorIn | None = None
    version: int | None = Field(default=None, ge=1)


class PatientOut(Versioned):
    practice_id: str
    first_name: str
    middle_name: str | None = None
    last_name: str
    birth_date: str
    sex: str
    address: AddressOut
    phone: str | None = None
    email: str | None = None
    mrn: str | None = None
    guarantor: GuarantorOut | None = None


class PatientSearch(PageQuery):
    """A search, sent as a POST body: names, birth dates and MRNs never go in a URL (access logs keep URLs)."""

    model_config = Schema.model_config
    name: Annotated[str, StringConstraints(min_length=1, max_length=71)] | None = Field(
        default=None, description='Last-name prefix, or "last, first-prefix"')
    birth_date: date | None = None
    mrn: Mrn | None = None


class PatientListQuery(PageQuery):
    # Read only to be refused with a pointer to the POST search: a client still sending them gets told why.
    name: SkipJsonSchema[str | None] = None
    birth_date: SkipJsonSchema[str | None] = None
    mrn: SkipJsonSchema[str | None] = None

    def search_terms(self) -> list[str]:
        return [name for name in ("name", "birth_date", "mrn") if getattr(self, name) is not None]


class PatientCreateQuery(Schema):
    model_config = Schema.model_config | {"strict": False}
    allow_duplicate: bool = False


class SubscriberIn(Schema):
    first_name: Name
    last_name: Name
    birth_date: BirthDate
    sex: Sex = "U"


class SubscriberOut(Out):
    first_name: str
    last_name: str
    birth_date: str | None = None
    sex: str | None = None


Order = Literal["primary", "secondary", "tertiary"]
Relationship = Literal["self", "spouse", "child", "other"]


class CoverageCreate(Schema):
    payer_id: Id = Field(description="A payer of this practice")
    member_id: MemberId
    group_number: GroupNumber | None = None
    plan_name: Annotated[X12Text, StringConstraints(max_length=50)] | None = None
    relationship: Relationship = "self"
    subscriber: SubscriberIn | None = Field(default=None, description="The policy holder, when not the patient")
    order: Order = "primary"
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "CoverageCreate":
        if (self.relationship == "self") != (self.subscriber is None):
            raise ValueError("give subscriber exactly when relationship is not self")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class CoverageUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"group_number", "plan_name", "effective_to"})
    member_id: MemberId | None = None
    group_number: GroupNumber | None = None
    plan_name: Annotated[X12Text, StringConstraints(max_length=50)] | None = None
    effective_to: date | None = None
    active: bool | None = Field(default=None, description="false ends the coverage's place in its order")
    version: int | None = Field(default=None, ge=1)


class CoverageOut(Versioned):
    practice_id: str
    patient_id: str
    payer_id: str
    member_id: str
    group_number: str | None = None
    plan_name: str | None = None
    relationship: str
    subscriber: SubscriberOut | None = None
    order: str
    effective_from: str
    effective_to: str | None = None
    active: bool


class EligibilityCheckCreate(Schema):
    coverage_id: Id | None = Field(default=None, description="Defaults to the active primary coverage")
    service_type: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,2}$")] = Field(
        default="30", description="X12 service type code (EQ01); 30 is the health benefit plan as a whole")
    service_date: date | None = Field(default=None, description="Defaults to the payer's today")


class NetworkFigures(Out):
    co_payment_cents: int | None = None
    co_insurance: str | None = Field(default=None, description="A fraction as a decimal string: 0.20 is 20%")
    deductible_cents: int | None = None
    deductible_remaining_cents: int | None = None
    out_of_pocket_cents: int | None = None
    out_of_pocket_remaining_cents: int | None = None


class Benefits(Out):
    service_type: str
    in_network: NetworkFigures
    out_of_network: NetworkFigures


class RejectionOut(Out):
    level: str
    code: str
    reason: str
    follow_up: str


class EligibilityCheckOut(Versioned):
    practice_id: str
    patient_id: str
    coverage_id: str
    visit_id: str | None = None
    service_type: str
    service_date: str | None = None
    status: Literal["active", "inactive", "rejected", "unknown", "error"]
    plan_name: str | None = None
    coverage_start: str | None = None
    coverage_end: str | None = None
    benefits: Benefits | None = None
    rejections: list[RejectionOut] = []
    expected_copay_cents: int | None = None
    error: str | None = None
