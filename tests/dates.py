"""Dates for tests, counted from the clock, so the suite means the same on any day it runs.

A date written into a test ages: a date of service becomes older than a payer's filing limit, a due date
passes, a fiscal year's code set stops covering it. Tests take their days from here instead.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from chalicelib.core.clock import utcnow

DESK = timezone(timedelta(hours=-6))  # the offset the tests' front desks book visits with


def today() -> date:
    """The front desk's today (UTC-6), the day a visit booked now is for."""
    return utcnow().astimezone(DESK).date()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def days_ahead(days: int) -> date:
    return today() + timedelta(days=days)


def at_desk(day: date, hour: int = 9) -> str:
    """A visit time on `day` at the tests' front desk, as the API takes it."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=DESK).isoformat()
