"""What the front desk is warned about when it books, checks in or checks out a visit.

Warnings never stop the desk (the patient is standing there); they say what will go wrong later, when the
claim is scrubbed, while it can still be fixed: a coverage not in effect on the visit's day, a payer that
answered "inactive", a visit moved on a day other than its own. Pure: the service passes what it read.
Messages carry no patient data and no dates (the visit's date is the patient's).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the API schemas import this module; they need no storage models
    from chalicelib.patients.items import Coverage


def coverage_problem(coverage: Coverage | None, day: date) -> dict[str, str] | None:
    if coverage is None:
        return None
    if day < date.fromisoformat(coverage.effective_from):
        return {"code": "coverage_not_started", "message": "the coverage starts after the visit's day: the claim "
                "will be refused; add or choose the coverage in effect that day"}
    if coverage.effective_to and day > date.fromisoformat(coverage.effective_to):
        return {"code": "coverage_ended", "message": "the coverage ended before the visit's day: the claim will "
                "be refused; ask for the patient's current insurance card"}
    return None


def eligibility_problem(status: str | None) -> dict[str, str] | None:
    if status != "inactive":
        return None
    return {"code": "eligibility_inactive", "message": "the payer says the coverage is inactive on the visit's "
            "day: ask for the patient's current insurance card, or collect as self-pay"}


def later_day_problem(visit_date: str, offset_minutes: int | None, now: datetime) -> dict[str, str] | None:
    """The visit's own day has not come yet, by the clock of the offset it was booked with (UTC if unknown)."""
    local_today = (now + timedelta(minutes=offset_minutes or 0)).date()
    if date.fromisoformat(visit_date) <= local_today:
        return None
    return {"code": "visit_on_later_day", "message": "this visit is booked for a later day: check that this is "
            "the right visit, or reschedule it to today"}


def encode(*found: dict[str, str] | None) -> str:
    return json.dumps([warning for warning in found if warning is not None])


def decode(stored: str | None) -> list[dict[str, Any]]:
    return json.loads(stored) if stored else []
