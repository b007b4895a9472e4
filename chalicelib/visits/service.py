"""Visits: schedule, check in, check out, cancel, no-show; the front desk's day list."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, now_iso
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Item, Provider
from chalicelib.db.pages import query_index_page
from chalicelib.patients import coverages
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage
from chalicelib.tenants.setup import provider_key
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


def key(scope: PracticeScope, visit_id: str) -> store.Key[Visit]:
    """A visit's key, for reading it together with other items (store.read)."""
    return store.Key(Visit, keys.practice_pk(scope.practice_id), keys.visit_sk(visit_id), "visit")


def require_rendering(provider: Provider | None, field: str = "provider_id") -> None:
    if provider is None or not provider.active or "rendering" not in provider.roles:
        raise ValidationFailed("The provider is not an active rendering provider of this practice.",
                               [field_error(field, "no such active rendering provider")])


def _booked(scope: PracticeScope, data: VisitCreate) -> Coverage | None:
    """One round trip: the patient and the provider, with the coverage named (which must be an active one of
    the patient's) or else the patient's coverages, whose active primary is billed if there is one."""
    wanted = [patients.key(scope, data.patient_id), provider_key(scope, data.provider_id)]
    if data.coverage_id:
        named = coverages.key(scope, data.patient_id, data.coverage_id)
        found = store.read(*wanted, named)
        coverage = found.find(named)
    else:
        found, held = together(lambda: store.read(*wanted), lambda: coverages.of_patient(scope, data.patient_id))
        coverage = coverages.active_primary(held)
    found.get(patients.key(scope, data.patient_id))
    require_rendering(found.find(provider_key(scope, data.provider_id)))
    if data.coverage_id and (coverage is None or not coverage.active):
        raise ValidationFailed("The coverage is not an active coverage of this patient.",
                               [field_error("coverage_id", "no such active coverage")])
    return coverage


def schedule(scope: PracticeScope, data: VisitCreate, audit: Audit | None = None) -> VisitOut:
    coverage = _booked(scope, data)
    visit_id, at = new_id(), iso(data.scheduled_at)
    local = data.scheduled_at.date()  # the local date, by the offset the front desk sent
    day, offset = local.isoformat(), data.scheduled_at.utcoffset() or timedelta(0)
    item = Visit(keys.practice_pk(scope.practice_id), keys.visit_sk(visit_id), id=visit_id,
                 practice_id=scope.practice_id, patient_id=data.patient_id, provider_id=data.provider_id,
                 coverage_id=coverage.id if coverage else None, payer_id=coverage.payer_id if coverage else None,
                 scheduled_at=at, visit_date=day,
                 utc_offset_minutes=int(offset.total_seconds()) // 60,
                 warnings=warnings.encode(warnings.coverage_problem(coverage, local)),
                 duration_minutes=data.duration_minutes, visit_type=data.visit_type,
                 place_of_service=data.place_of_service, reason=data.reason, status="scheduled",
                 gsi1pk=keys.visits_on_pk(scope.practice_id, day), gsi1sk=f"{at}#{visit_id}")
    return VisitOut.model_validate(store.create(item, "visit", audit))


def require(scope: PracticeScope, visit_id: str) -> Visit:
    """The visit, for other services (co-pays, charges): 404 when it is not this practice's."""
    return store.load(key(scope, visit_id))


def get(scope: PracticeScope, visit_id: str) -> VisitOut:
    return VisitOut.model_validate(require(scope, visit_id))


def ensure_move(item: Visit, move_name: str) -> None:
    allowed_from, to = MOVES[move_name]
    if item.status not in allowed_from:
        raise Conflict(f"A {item.status} visit cannot be moved to {to}.")


def move(item: Visit, move_name: str, version: int, audit: Audit | None, also: tuple[Item, ...] = (),
         **changes: Any) -> Visit:
    """Apply a lifecycle move to the visit read, conditional on its version (409 if it changed meanwhile), in
    one transaction with the route's audit record and `also` (a check-in's new eligibility check)."""
    ensure_move(item, move_name)
    to = MOVES[move_name][1]
    stamps = {"checked_in": "checked_in_at", "checked_out": "checked_out_at"}
    if to in stamps:
        changes[stamps[to]] = now_iso()
    return store.update(item, {"status": to, **changes}, version, "visit", audit, also)


def day_list(scope: PracticeScope, query: DayQuery) -> Page:
    page = query_index_page(Visit, "gsi1", keys.visits_on_pk(scope.practice_id, query.date.isoformat()), "",
                            limit=query.limit, cursor=query.cursor)
    visits = [v for v in page.items if query.status is None or v.status == query.status]
    return [VisitOut.model_validate(v) for v in visits], page.next_cursor
