"""Factories for eligibility tests: a valid inquiry by default, any field overridden by keyword."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from chalicelib.edi.eligibility.inquiry import (
    Dependent,
    EligibilityInquiry,
    Payer,
    Provider,
    Subscriber,
    build_270,
)
from chalicelib.edi.x12 import ControlNumbers, Parties

PARTIES = Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH")
CONTROLS = ControlNumbers(interchange=1201, group=1202, transaction=1203)
CREATED = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
NPI = "1234567893"  # a well-formed NPI (check digit 3)


def make_subscriber(**overrides: Any) -> Subscriber:
    return replace(Subscriber("ACT0001", "ADA", "LOVELACE", date(1980, 12, 10), "F"), **overrides)


def make_dependent(**overrides: Any) -> Dependent:
    return replace(Dependent("BYRON", "LOVELACE", date(2016, 5, 1), "M"), **overrides)


def make_inquiry(**overrides: Any) -> EligibilityInquiry:
    base = EligibilityInquiry(
        payer=Payer("SANDBOX HEALTH PLAN", "SBX01"),
        provider=Provider(NPI, organization_name="RIVERSIDE FAMILY CLINIC"),
        subscriber=make_subscriber(),
        trace_number="01JDQ5ZV3W4K8T2M6N9P0R7S1A",
        originator_id="9REVCYCLE0",
        service_types=("30",),
        service_date=date(2026, 11, 24),
    )
    return replace(base, **overrides)


def make_270(inquiry: EligibilityInquiry | None = None, **kwargs: Any) -> str:
    options: dict[str, Any] = {"usage": "T", "created": CREATED} | kwargs
    return build_270(inquiry or make_inquiry(), PARTIES, CONTROLS, **options)
