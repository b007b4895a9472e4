"""API schemas of a practice's setup: providers, payers and the fee schedule."""
from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from chalicelib.coding import procedures
from chalicelib.coding.npi import is_valid_taxonomy
from chalicelib.core.messages import Expected
from chalicelib.core.types import (
    AddressIn,
    AddressOut,
    Cents,
    PageQuery,
    Patch,
    Schema,
    Versioned,
    X12Text,
    x12_field,
)
from chalicelib.tenants.models import Npi


def _taxonomy(value: str) -> str:
    if not is_valid_taxonomy(value):
        raise ValueError("not a taxonomy code")
    return value


Taxonomy = Annotated[str, StringConstraints(min_length=10, max_length=10, to_upper=True), AfterValidator(_taxonomy),
                     Expected("a NUCC taxonomy code is 10 characters: 3 digits, 6 letters or digits, then X "
                              "(207Q00000X family medicine)", "not a taxonomy code")]
ProviderRole = Literal["billing", "rendering", "referring", "attending", "supervising"]
PersonName = x12_field(35)
# CPT (Category I, II, III, PLA, MAAA) or HCPCS Level II: the shapes coding/procedures.py knows.
ProcedureCode = Annotated[str, StringConstraints(to_upper=True, pattern=procedures.PATTERN),
                          Expected(procedures.WORDS, "not a CPT or HCPCS code")]
# The clearinghouse's payer id (X12 NM109 of loop 2010BB): letters and digits, at most 80.
PayerCode = Annotated[str, StringConstraints(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9]+$"),
                      Expected("the clearinghouse's payer id: 2 to 80 letters or digits, as its payer list gives it",
                               "not a payer id")]


class ProviderCreate(Schema):
    entity_type: Literal["individual", "organization"]
    npi: Npi
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    organization_name: X12Text | None = None
    taxonomy_code: Taxonomy
    roles: list[ProviderRole] = Field(min_length=1, max_length=5)

    @model_validator(mode="after")
    def _names_fit_entity(self) -> "ProviderCreate":
        if self.entity_type == "individual" and not (self.first_name and self.last_name):
            raise ValueError("names missing: an individual provider needs first_name and last_name")
        if self.entity_type == "organization" and (not self.organization_name or self.first_name or self.last_name):
            raise ValueError("names do not fit: an organization provider has organization_name and no person "
                             "names")
        return self


class ProviderUpdate(Patch):
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    organization_name: X12Text | None = None
    taxonomy_code: Taxonomy | None = None
    roles: list[ProviderRole] | None = Field(default=None, min_length=1, max_length=5)
    active: bool | None = None
    version: int | None = Field(default=None, ge=1)


class ProviderOut(Versioned):
    practice_id: str
    entity_type: str
    npi: str
    first_name: str | None = None
    last_name: str | None = None
    organization_name: str | None = None
    taxonomy_code: str
    roles: list[str]
    active: bool


# SBR09, claim filing indicator (X12 element 1032, as the 837 guides list it): how the payer is billed.
FilingIndicator = Literal["11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS", "FI", "HM", "LM",
                          "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ"]


FollowUpDays = Annotated[int | None, Field(ge=1, le=60)]
DEFAULT_APPEAL_WINDOW_DAYS = 180  # the common first-level window when the payer's contract says nothing else
AppealWindowDays = Annotated[int, Field(ge=1, le=3650)]
PaymentDays = Annotated[int | None, Field(ge=1, le=365)]


class PayerCreate(Schema):
    name: X12Text
    payer_id: PayerCode
    claim_type: Literal["professional", "institutional"] = "professional"
    timely_filing_days: int = Field(default=365, ge=1, le=3650)
    claim_filing_indicator: FilingIndicator = Field(
        default="CI", description="837 SBR09: CI commercial, MB Medicare Part B, MA Part A, MC Medicaid, BL Blue "
                                  "Cross Blue Shield, HM HMO, CH TRICARE, VA, WC workers' compensation ...")
    address: AddressIn | None = None
    days_to_999: FollowUpDays = Field(default=None, description="claim follow-up: days to the 999 (default: "
                                                                "REVCYCLE_DAYS_TO_999)")
    days_to_277ca: FollowUpDays = Field(default=None, description="days to the 277CA (REVCYCLE_DAYS_TO_277CA)")
    expected_payment_days: PaymentDays = Field(default=None, description="days from acceptance to payment "
                                                                         "(REVCYCLE_EXPECTED_PAYMENT_DAYS)")
    appeal_window_days: AppealWindowDays = Field(
        default=DEFAULT_APPEAL_WINDOW_DAYS, description="days the payer allows to appeal a denial, counted from "
                                                        "the remittance's date (each appeal level from the last "
                                                        "decision)")


class PayerUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"address", "days_to_999", "days_to_277ca",
                                                    "expected_payment_days"})

    name: X12Text | None = None
    payer_id: PayerCode | None = None
    claim_type: Literal["professional", "institutional"] | None = None
    timely_filing_days: int | None = Field(default=None, ge=1, le=3650)
    claim_filing_indicator: FilingIndicator | None = None
    address: AddressIn | None = None
    days_to_999: FollowUpDays = None
    days_to_277ca: FollowUpDays = None
    expected_payment_days: PaymentDays = None
    appeal_window_days: AppealWindowDays | None = None
    active: bool | None = None
    version: int | None = Field(default=None, ge=1)


class PayerOut(Versioned):
    practice_id: str
    name: str
    payer_id: str
    claim_type: str
    timely_filing_days: int
    claim_filing_indicator: str = "CI"
    address: AddressOut | None = None
    days_to_999: int | None = None
    days_to_277ca: int | None = None
    expected_payment_days: int | None = None
    appeal_window_days: int = DEFAULT_APPEAL_WINDOW_DAYS
    active: bool

    @field_validator("claim_filing_indicator", mode="before")
    @classmethod
    def _commercial_when_unset(cls, value: str | None) -> str:
        return value or "CI"  # payers stored before the field existed are billed as commercial

    @field_validator("appeal_window_days", mode="before")
    @classmethod
    def _default_window_when_unset(cls, value: int | None) -> int:
        return DEFAULT_APPEAL_WINDOW_DAYS if value is None else value  # payers stored before the field existed


class FeeCreate(Schema):
    code: ProcedureCode
    charge_cents: Annotated[Cents, Field(gt=0)]
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "FeeCreate":
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from: an entry ends on or after the day it starts")
        return self


class FeeUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"effective_to"})

    charge_cents: Annotated[Cents, Field(gt=0)] | None = None
    effective_to: date | None = None
    version: int | None = Field(default=None, ge=1)


class FeeOut(Versioned):
    practice_id: str
    code: str
    charge_cents: int
    effective_from: str
    effective_to: str | None = None


class FeeQuery(PageQuery):
    code: ProcedureCode | None = None
    on: date | None = Field(default=None, description="Only the entry in effect on this date (needs code)")
