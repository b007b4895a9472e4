"""API schemas of firms, practices and API keys. (Their stored items live in chalicelib/db/models.py.)"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.coding.npi import is_valid_npi
from chalicelib.core.auth import ROLES
from chalicelib.core.messages import Expected
from chalicelib.core.types import AddressIn, AddressOut, Id, Out, Patch, Schema, Versioned, X12Text


def _npi(value: str) -> str:
    if not is_valid_npi(value):
        raise ValueError("the NPI's check digit does not match (a digit mistyped?)")
    return value


def _tax_id(value: str) -> str:
    digits = value.replace("-", "")
    if len(digits) != 9 or not digits.isdigit() or digits[:2] in {"00", "07", "08", "09", "17", "18", "19",
                                                                   "28", "29", "49", "69", "70", "78", "79", "89"}:
        raise ValueError("the IRS issues no EIN with this prefix")
    return digits


Npi = Annotated[str, StringConstraints(pattern=r"^[12][0-9]{9}$"), AfterValidator(_npi),
                Expected("an NPI is 10 digits starting with 1 or 2, the last a check digit", "not an NPI")]
TaxId = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}-?[0-9]{7}$"), AfterValidator(_tax_id),
                  Expected("an EIN is 9 digits, NN-NNNNNNN or without the dash", "not an EIN")]
# Every practice of the firm, or a list of some: one message for either form.
PracticeIds = Annotated[Annotated[list[Id], Field(max_length=100)] | Literal["all"],
                        Expected('"all", or a list of 1 to 100 ids of the firm\'s practices',
                                 "not a list of practices")]
Role = Literal["firm_admin", "biller", "coder", "front_desk", "viewer"]
assert set(Role.__args__) == set(ROLES)  # type: ignore[attr-defined]


class FirmCreate(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class FirmOut(Versioned):
    name: str


class FirmCreated(Out):
    firm: FirmOut
    api_key: str = Field(description="The firm-admin key; shown once, never again")


SecondaryClaims = Literal["automatic", "on_request"]
SECONDARY_CLAIMS = ("When a payer's 835 leaves a balance and the patient has a next coverage: `automatic` builds the "
                    "secondary (tertiary) claim as the 835 posts; `on_request` waits for POST "
                    ".../claims/{id}/secondary")


class PracticeCreate(Schema):
    name: X12Text
    npi: Npi
    tax_id: TaxId
    address: AddressIn
    eligibility_max_age_days: int = Field(default=30, ge=0, le=365,
                                          description="Check-in re-checks eligibility when the last check is older")
    secondary_claims: SecondaryClaims = Field(default="on_request", description=SECONDARY_CLAIMS)


class PracticeUpdate(Patch):
    name: X12Text | None = None
    npi: Npi | None = None
    tax_id: TaxId | None = None
    address: AddressIn | None = None
    eligibility_max_age_days: int | None = Field(default=None, ge=0, le=365)
    secondary_claims: SecondaryClaims | None = Field(default=None, description=SECONDARY_CLAIMS)
    version: int | None = Field(default=None, ge=1, description="Or send it in If-Match")


class PracticeOut(Versioned):
    firm_id: str
    name: str
    npi: str
    tax_id: str
    address: AddressOut
    eligibility_max_age_days: int = 30
    secondary_claims: SecondaryClaims = "on_request"


class ApiKeyCreate(Schema):
    role: Role
    practice_ids: PracticeIds
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None

    @field_validator("practice_ids")
    @classmethod
    def _some(cls, value: list[str] | str) -> list[str] | str:
        if isinstance(value, list) and not value:
            raise ValueError('no practice named: name at least one practice, or give "all"')
        return sorted(set(value)) if isinstance(value, list) else value


class ApiKeyOut(Versioned):
    firm_id: str
    role: str
    practice_ids: list[str] | Literal["all"]
    label: str | None = None
    created_by: str
    revoked_at: str | None = None


class ApiKeyCreated(ApiKeyOut):
    api_key: str = Field(description="The key itself; shown once, never again")


class AuditOut(Out):
    id: str
    created_at: str
    practice_id: str
    actor_key_id: str
    entity: str
    entity_id: str | None = None
    action: str
    request_id: str
    source_ip: str | None = None


class Me(Out):
    key_id: str
    firm_id: str
    role: str
    practice_ids: list[str] | Literal["all"]
    permissions: list[str]
