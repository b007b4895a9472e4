"""Visits: schedule, check in, check out, cancel, no-show; the front desk's day list."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, now_iso
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Provider
from chalicelib.db.pages import query_index_page
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, CoverageOrderClaim
from chalicelib.visits import warnings
from chalicelib.visits.items import Visit
from chalicelib.visits.models import DayQuery, VisitCreate, VisitOut

Page = tuple[list[Any], str | None]

# Which status each move starts from: the lifecycle of a visit.
MOVES = {
    "check_in": ({"scheduled"}, "checked_in"),
    "check_out": ({"checked_in"}, "checked_out"),
    "cancel": ({"scheduled"}, "cancelled"),
    "no_show": ({"scheduled"}, "no_show"),
}


def require_provider(scope: PracticeScope, provider_id: str) -> None:
    try:
        provider = Provider.get(keys.practice_pk(scope.practice_id), keys.provider_sk(provider_id))
    except Provider.DoesNotExist:
        provider = None
    if not isinstance(provider, Provider) or not provider.active or "rendering" not in provider.roles:
        raise ValidationFailed("The provider is not an active rendering provider of this practice.",
                               [field_error("provider_id", "no such active rendering provider")])


def primary_coverage_id(scope: PracticeScope, patient_id: str) -> str | None:
    try:
        claim = CoverageOrderClaim.get(keys.practice_pk(scope.practice_id),
                                       keys.coverage_order_sk(patient_id, "primary"))
    except CoverageOrderClaim.DoesNotExist:
        return None
    return claim.coverage_id


def coverage_of(scope: PracticeScope, patient_id: str, coverage_id: str | None) -> Coverage | None:
    if coverage_id is None:
        return None
    try:
        return Coverage.get(keys.practice_pk(scope.practice_id), keys.coverage_sk(patient_id, coverage_id))
    except Coverage.DoesNotExist:
        return None


def _billed_coverage(scope: PracticeScope, data: VisitCreate) -> Coverage | None:
    """The coverage named, which must be an active one of the patient's, else the active primary if any."""
    coverage = coverage_of(scope, data.patient_id, data.coverage_id or primary_coverage_id(scope, data.patient_id))
    if data.coverage_id and (not isinstance(coverage, Coverage) or not coverage.active):
        raise ValidationFailed("The coverage is not an active coverage of this patient.",
                               [field_error("coverage_id", "no such active coverage")])
    return coverage


def schedule(scope: PracticeScope, data: VisitCreate) -> VisitOut:
    patients.require(scope, data.patient_id)
    require_provider(scope, data.provider_id)
    coverage = _billed_coverage(scope, data)
    visit_id, at = new_id(), iso(data.scheduled_at)
    local = data.scheduled_at.date()  # the local date, by the offset the front desk sent
    day, offset = local.isoformat(), data.scheduled_at.utcoffset() or timedelta(0)
    item = Visit(keys.practice_pk(scope.practice_id), keys.visit_sk(visit_id), id=visit_id,
                 practice_id=scope.practice_id, patient_id=data.patient_id, provider_id=data.provider_id,
                 coverage_id=coverage.id if coverage else None, scheduled_at=at, visit_date=day,
                 utc_offset_minutes=int(offset.total_seconds()) // 60,
                 warnings=warnings.encode(warnings.coverage_problem(coverage, local)),
                 duration_minutes=data.duration_minutes, visit_type=data.visit_type,
                 place_of_service=data.place_of_service, reason=data.reason, status="scheduled",
                 gsi1pk=keys.visits_on_pk(scope.practice_id, day), gsi1sk=f"{at}#{visit_id}")
    return VisitOut.model_validate(store.create(item, "visit"))


def require(scope: PracticeScope, visit_id: str) -> Visit:
    """The visit, for other services (co-pays, charges): 404 when it is not this practice's."""
    return store.get(Visit, keys.practice_pk(scope.practice_id), keys.visit_sk(visit_id), "visit")


def get(scope: PracticeScope, visit_id: str) -> VisitOut:
    return VisitOut.model_validate(require(scope, visit_id))


def ensure_move(item: Visit, move_name: str) -> None:
    allowed_from, to = MOVES[move_name]
    if item.status not in allowed_from:
        raise Conflict(f"A {item.status} visit cannot be moved to {to}.")


def move(scope: PracticeScope, visit_id: str, move_name: str, version: int, **changes: Any) -> Visit:
    """Apply a lifecycle move, conditional on the version read (409 if the visit changed meanwhile)."""
    item = require(scope, visit_id)
    ensure_move(item, move_name)
    to = MOVES[move_name][1]
    stamps = {"checked_in": "checked_in_at", "checked_out": "checked_out_at"}
    if to in stamps:
        changes[stamps[to]] = now_iso()
    return store.update(item, {"status": to, **changes}, version, "visit")


def day_list(scope: PracticeScope, query: DayQuery) -> Page:
    page = query_index_page(Visit, "gsi1", keys.visits_on_pk(scope.practice_id, query.date.isoformat()), "",
                            limit=query.limit, cursor=query.cursor)
    visits = [v for v in page.items if query.status is None or v.status == query.status]
    return [VisitOut.model_validate(v) for v in visits], page.next_cursor
