"""API schemas of a visit's coding: its diagnoses and service lines (what a claim is built from)."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from chalicelib.coding import procedures
from chalicelib.core.messages import Expected
from chalicelib.core.types import Cents, Id, Out, Schema

DIAGNOSIS_WORDS = "an ICD-10-CM code is a letter, a digit, then up to 5 letters or digits, with or without its dot " \
                  "(E11.9 or E119)"
REVENUE_CODE_WORDS = "a revenue code is 4 digits (0450 emergency room; UB-04 form locator 42)"
POINTER_WORDS = "a pointer is the position of a diagnosis in diagnoses, 1 for the first"

Diagnosis = Annotated[str, StringConstraints(min_length=3, max_length=8, pattern=r"^[A-Za-z0-9.]+$"),
                      Expected(DIAGNOSIS_WORDS, "not an ICD-10-CM code")]
# Its shape is checked where it is priced (visits/coding.py), which names the line.
Code = Annotated[str, StringConstraints(min_length=5, max_length=5, to_upper=True),
                 Expected(procedures.WORDS, "not a CPT or HCPCS code")]
ModifierCode = Annotated[str, StringConstraints(min_length=2, max_length=2, to_upper=True),
                         Expected("a modifier is 2 letters or digits (25, LT, 59)", "not a modifier")]
RevenueCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$"), Expected(REVENUE_CODE_WORDS, "not a revenue code")]


class LineIn(Schema):
    code: Code = Field(description="CPT (Category I, II, III) or HCPCS Level II")
    modifiers: list[ModifierCode] = Field(default=[], max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    unit_charge_cents: Annotated[Cents, Field(gt=0)] | None = Field(
        default=None, description="Overrides the fee schedule's charge for one unit")
    diagnosis_pointers: list[int] = Field(min_length=1, max_length=4, description="1-based, into `diagnoses`")
    revenue_code: RevenueCode | None = Field(
        default=None, description="UB-04 revenue code, for lines billed on an institutional claim")

    @field_validator("diagnosis_pointers")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value) or any(not 1 <= p <= 12 for p in value):
            raise ValueError(f"each pointer once, from 1 to 12: {POINTER_WORDS}")
        return value


class CodingIn(Schema):
    diagnoses: list[Diagnosis] = Field(min_length=1, max_length=12, description="ICD-10-CM, in claim order")
    lines: list[LineIn] = Field(min_length=1, max_length=50)  # 837P loop 2400 repeats up to 50
    rendering_provider_id: Id | None = Field(default=None, description="Defaults to the visit's provider")
    version: int | None = Field(default=None, ge=1, description="The version read, when replacing")


class LineOut(Out):
    code: str
    modifiers: list[str]
    units: int
    unit_charge_cents: int
    charge_cents: int
    charge_source: str
    diagnosis_pointers: list[int]
    revenue_code: str | None = None


class CodingOut(Out):
    visit_id: str
    version: int
    updated_at: str
    diagnoses: list[str]
    lines: list[LineOut]
    rendering_provider_id: str
    total_charge_cents: int
    warnings: list[str]
