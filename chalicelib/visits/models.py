"""API schemas of visits."""
from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.coding.place_of_service import is_place_of_service
from chalicelib.core.messages import Expected
from chalicelib.core.types import Id, Out, PageQuery, Schema, Versioned, x12_field
from chalicelib.visits.warnings import decode

VisitType = Literal["new_patient", "established", "follow_up", "annual_wellness", "procedure", "telehealth",
                    "urgent", "consult"]
Status = Literal["scheduled", "checked_in", "checked_out", "cancelled", "no_show"]


def _pos(value: str) -> str:
    if not is_place_of_service(value):
        raise ValueError("no CMS place of service has this code")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("no UTC offset: give the time with its offset, e.g. 2026-12-01T09:30:00-06:00")
    return value


PlaceOfService = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$"), AfterValidator(_pos),
                           Expected("a place of service is a 2-digit CMS code (11 office, 02 telehealth, 22 "
                                    "outpatient hospital)", "not a place of service")]
Reason = x12_field(80)
AwareTime = Annotated[datetime, AfterValidator(_aware)]


class VisitCreate(Schema):
    patient_id: Id
    provider_id: Id = Field(description="The rendering provider, an active provider of the practice")
    coverage_id: Id | None = Field(default=None, description="Defaults to the patient's active primary coverage")
    scheduled_at: AwareTime = Field(description="Local time with its offset; the offset decides the visit's day")
    duration_minutes: int = Field(default=15, ge=5, le=480)
    visit_type: VisitType = "established"
    place_of_service: PlaceOfService = "11"
    reason: Reason | None = None


class VisitWarning(Out):
    code: str = Field(description="coverage_not_started, coverage_ended, eligibility_inactive, visit_on_later_day")
    message: str


class VisitOut(Versioned):
    practice_id: str
    patient_id: str
    provider_id: str
    coverage_id: str | None = None
    scheduled_at: str
    visit_date: str
    duration_minutes: int
    visit_type: str
    place_of_service: str
    reason: str | None = None
    status: Status
    checked_in_at: str | None = None
    checked_out_at: str | None = None
    cancelled_reason: str | None = None
    eligibility_check_id: str | None = None
    expected_copay_cents: int | None = Field(default=None, description="From the latest 271, when it says")
    warnings: list[VisitWarning] = Field(default_factory=list, description="What the front desk was warned "
                                         "about at the visit's last move (booking, check-in, check-out)")

    @field_validator("warnings", mode="before")
    @classmethod
    def _stored(cls, value: Any) -> Any:
        return decode(value) if value is None or isinstance(value, str) else value


class CheckIn(Schema):
    version: int | None = Field(default=None, ge=1)
    recheck_eligibility: bool = Field(default=False, description="Check again even if the last check is recent")


class Cancel(Schema):
    version: int | None = Field(default=None, ge=1)
    reason: Reason | None = None


class Transition(Schema):
    version: int | None = Field(default=None, ge=1)


class DayQuery(PageQuery):
    date: dt.date = Field(description="The practice-local day")
    status: Status | None = None
