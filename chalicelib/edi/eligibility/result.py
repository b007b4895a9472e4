"""What a 271 says, as values: the `EligibilityResult` that `parse_271` (response.py) returns.

Cost shares are EB01 B (co-payment, EB07), A (co-insurance, EB08), C (deductible, EB07) and G (out of
pocket, EB07), one row per service type (EB03), with the network (EB12), coverage level (EB02) and
period (EB06: 29/33 remaining, 24 year to date, any other the period's total) they apply to.
`for_service` picks the figures a front desk wants for one service type.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Mapping

from chalicelib.core.money import Money
from chalicelib.edi.eligibility.codes import ACTIVE_CODES, REMAINING_PERIODS, YEAR_TO_DATE_PERIODS

Kind = Literal["co_payment", "co_insurance", "deductible", "out_of_pocket"]
Period = Literal["total", "remaining", "year_to_date"]
_COST_SHARE_KINDS: dict[str, Kind] = {"B": "co_payment", "A": "co_insurance", "C": "deductible",
                                      "G": "out_of_pocket"}


@dataclass(frozen=True, slots=True)
class DateRange:
    start: date
    end: date  # equal to start for a single date (DTP02 D8)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An AAA segment: the payer could not answer (part of) the request, and why, in plain words."""

    loop: str  # 2000A, 2100A, 2100B, 2100C, 2110C, 2100D, 2110D
    level: str  # information source, information receiver, subscriber, dependent
    code: str  # AAA03 reject reason code
    reason: str
    valid_request: bool  # AAA01: Y = the request was valid but could not be answered
    follow_up_code: str  # AAA04
    follow_up: str


@dataclass(frozen=True, slots=True)
class Benefit:
    """One EB segment (loop 2110C/2110D) with the dates and messages that follow it."""

    code: str  # EB01
    info: str  # EB01 in words
    coverage_level: str  # EB02: IND, FAM ... ("" when not given)
    service_types: tuple[str, ...]  # EB03 repetitions
    insurance_type: str  # EB04
    plan_description: str  # EB05
    time_period: str  # EB06
    amount: Money | None  # EB07
    percent: Decimal | None  # EB08, a fraction: 0.20 is 20%
    quantity_qualifier: str  # EB09
    quantity: Decimal | None  # EB10
    authorization_required: str  # EB11: Y, N, U or ""
    network: str  # EB12 as in, out, both (W) or unknown (U or not given)
    dates: Mapping[str, DateRange] = field(default_factory=dict)
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CostShare:
    """A co-pay, co-insurance, deductible or out-of-pocket figure, one per service type it applies to."""

    kind: Kind
    service_type: str  # "" when the EB gave none
    network: str
    coverage_level: str
    period: Period  # EB06 29/33 = remaining, 24 = year to date, anything else = the period's total
    amount: Money | None
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class Limit:
    total: Money | None = None
    remaining: Money | None = None
    year_to_date: Money | None = None


@dataclass(frozen=True, slots=True)
class NetworkBenefits:
    co_payment: Money | None = None
    co_insurance: Decimal | None = None
    deductible: Limit = Limit()
    out_of_pocket: Limit = Limit()


@dataclass(frozen=True, slots=True)
class ServiceBenefits:
    service_type: str
    coverage_level: str
    in_network: NetworkBenefits
    out_of_network: NetworkBenefits


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    trace_number: str | None  # TRN02 echoed from our 270 (TRN01=2)
    active: bool | None  # EB01 1-5 active, 6-8 inactive; None when no coverage status was given
    plan_name: str  # EB05 of the coverage status
    member_id: str  # 2100C NM109 as the payer has it
    dates: Mapping[str, DateRange]  # the patient's 2100C/2100D DTPs by name (plan_begin, eligibility ...)
    benefits: tuple[Benefit, ...]
    rejections: tuple[Rejection, ...]
    envelope_issues: tuple[str, ...] = ()

    @property
    def coverage_start(self) -> date | None:
        return _first_date(self.dates, ("plan_begin", "eligibility_begin", "plan", "eligibility"), end=False)

    @property
    def coverage_end(self) -> date | None:
        return _first_date(self.dates, ("plan_end", "eligibility_end", "plan", "eligibility"), end=True)

    @property
    def covered_service_types(self) -> tuple[str, ...]:
        found = [t for b in self.benefits if b.code in ACTIVE_CODES for t in b.service_types]
        return tuple(dict.fromkeys(found))

    def cost_shares(self) -> list[CostShare]:
        return [share for b in self.benefits for share in _shares(b)]

    def for_service(self, service_type: str = "30", coverage_level: str = "IND") -> ServiceBenefits:
        """The figures a front desk wants for one service type, in and out of network.

        Each figure comes from rows for the service type itself; failing that, rows for 30 (the health
        benefit plan as a whole); failing that, rows without a service type. Among those: the coverage
        level asked for, else rows without one (a FAM deductible is never shown as the individual's);
        rows for the network asked for before W (both) before rows that do not say (EB12 absent)."""
        pick = _Picker(self.cost_shares(), service_type, coverage_level)
        return ServiceBenefits(service_type, coverage_level, pick.network("in"), pick.network("out"))


def _shares(benefit: Benefit) -> list[CostShare]:
    kind = _COST_SHARE_KINDS.get(benefit.code)
    if kind is None:
        return []
    if benefit.time_period in REMAINING_PERIODS:
        period: Period = "remaining"
    elif benefit.time_period in YEAR_TO_DATE_PERIODS:
        period = "year_to_date"
    else:
        period = "total"
    return [CostShare(kind, service_type, benefit.network, benefit.coverage_level, period,
                      benefit.amount, benefit.percent) for service_type in benefit.service_types or ("",)]


class _Picker:
    """Chooses, per figure, the rows of the first service-type tier that has that figure."""

    def __init__(self, shares: list[CostShare], service_type: str, coverage_level: str) -> None:
        tiers = [[s for s in shares if s.service_type == t] for t in dict.fromkeys((service_type, "30", ""))]
        self.tiers = [[s for s in rows if s.coverage_level == coverage_level]
                      or [s for s in rows if not s.coverage_level] for rows in tiers]

    def network(self, network: str) -> NetworkBenefits:
        order = {network: 0, "both": 1, "unknown": 2}

        def first(kind: str, period: str = "total") -> CostShare | None:
            for rows in self.tiers:
                hits = [s for s in rows if s.kind == kind and s.period == period and s.network in order]
                if hits:
                    return min(hits, key=lambda s: order[s.network])  # min keeps the earliest on ties
            return None

        def limit(kind: str) -> Limit:
            found = [first(kind, p) for p in ("total", "remaining", "year_to_date")]
            return Limit(*(s.amount if s else None for s in found))

        copay, coins = first("co_payment"), first("co_insurance")
        return NetworkBenefits(copay.amount if copay else None, coins.percent if coins else None,
                               limit("deductible"), limit("out_of_pocket"))


def _first_date(dates: Mapping[str, DateRange], names: tuple[str, ...], *, end: bool) -> date | None:
    for name in names:
        if name in dates:
            return dates[name].end if end else dates[name].start
    return None
