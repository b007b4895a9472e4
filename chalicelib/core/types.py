"""Field types the API schemas share. Text that may reach an X12 file refuses X12 delimiters."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chalicelib.core.ids import ULID_PATTERN
from chalicelib.core.messages import Expected

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI AA AE AP".split()
)


class Schema(BaseModel):
    """Request bodies: unknown fields and wrong types are refused (no silent coercion).

    `defer_build`: a schema's validator is built on its first use, not at import, so a container's first request
    builds the few schemas it uses rather than every one of its module (and the email validator, pulled in by
    `EmailStr`, loads with the first body that has an email)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)


class Patch(Schema):
    """A partial update: fields left out stay as they are; `null` clears only fields that may be empty."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> "Patch":
        cleared = sorted(n for n in self.model_fields_set if getattr(self, n) is None and n not in self.NULLABLE)
        if cleared:
            raise ValueError(f"these fields cannot be cleared with null: {', '.join(cleared)}; leave a field out to "
                             "keep it as it is")
        return self


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)  # built on first use, as Schema


# X12 5010 basic and extended character sets, less the delimiters this project writes (~ * : ^ >).
X12_TEXT_PATTERN = r"^[A-Za-z0-9 !&'()+,\-./;?=%@\[\]_{}\\|<#$\"]+$"


def x12_field(max_length: int = 60) -> Any:
    """Text that goes into an X12 file as it is: a practice's, payer's or provider's name, an address line."""
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=X12_TEXT_PATTERN),
                     Expected(f"1 to {max_length} letters A to Z without accents, digits, spaces and punctuation, "
                              "but none of ~ * : ^ > (they separate the data in X12 files)",
                              "has characters an X12 file cannot carry")]


X12Text = x12_field(60)
AddressLine = x12_field(55)
City = x12_field(30)
Id = Annotated[str, StringConstraints(pattern=ULID_PATTERN),
               Expected("an id as this API gave it: 26 letters and digits", "not an id")]
Cents = Annotated[int, Field(ge=0, le=99_999_999_99)]


def _state(value: str) -> str:
    if value.upper() not in US_STATES:
        raise ValueError("not a US state or territory")
    return value.upper()


State = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_state),
                  Expected("the two-letter postal code of a US state or territory, e.g. IL",
                           "not a US state or territory"),
                  Field(json_schema_extra={"enum": sorted(US_STATES)})]
Zip = Annotated[str, StringConstraints(pattern=r"^\d{5}(\d{4})?$"),
                Expected("a ZIP code is 5 digits, or 9 digits without a dash", "not a ZIP code")]


class AddressIn(Schema):
    line1: AddressLine
    line2: AddressLine | None = None
    city: City
    state: State
    zip: Zip = Field(description="ZIP code, 5 or 9 digits without a dash")


class AddressOut(Out):
    line1: str
    line2: str | None = None
    city: str
    state: str
    zip: str


class PageQuery(Schema):
    model_config = ConfigDict(extra="forbid", strict=False, defer_build=True)
    limit: int = Field(default=50, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2048)] | None = None


class Versioned(Out):
    id: str
    created_at: str
    updated_at: str
    version: int


def not_before(start: date, end: date | None, field: str) -> None:
    if end is not None and end < start:
        raise ValueError(f"{field} is before the start date: give a day on or after it")
