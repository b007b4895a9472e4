"""The front desk's moves of a visit. Check-in is where eligibility is confirmed and the co-pay is shown."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable

from chalicelib.clearinghouse import EligibilityGateway
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import utcnow
from chalicelib.db import keys, store
from chalicelib.db.models import Practice
from chalicelib.patients import eligibility
from chalicelib.patients.models import EligibilityCheckCreate
from chalicelib.visits import service as visits
from chalicelib.visits import warnings
from chalicelib.visits.items import Visit
from chalicelib.visits.models import CheckIn, VisitOut


def _needs_check(scope: PracticeScope, visit: Visit, force: bool, now: datetime) -> bool:
    if visit.coverage_id is None:
        return False  # self-pay: nothing to verify
    if force:
        return True
    practice = store.get(Practice, keys.firm_pk(scope.principal.firm_id), keys.practice_sk(scope.practice_id),
                         "practice")
    last = eligibility.latest(scope, visit.patient_id, visit.coverage_id)
    if last is None:
        return True
    age = now - datetime.fromisoformat(last.created_at.replace("Z", "+00:00"))
    return age > timedelta(days=int(practice.eligibility_max_age_days))


def _eligibility_fields(scope: PracticeScope, visit: Visit, force: bool, gateway: EligibilityGateway | None,
                        clock: Callable[[], datetime]) -> dict[str, Any]:
    """The check the visit shows: a fresh one when the last is too old, else the last one answered."""
    if _needs_check(scope, visit, force, clock()):
        check = eligibility.run(scope, visit.patient_id,
                                EligibilityCheckCreate(coverage_id=visit.coverage_id,
                                                       service_date=date.fromisoformat(visit.visit_date)),
                                visit_id=visit.id, gateway=gateway, clock=clock)
        return {"eligibility_check_id": check.id, "expected_copay_cents": check.expected_copay_cents,
                "status": check.status}
    if visit.coverage_id is None:
        return {}
    last = eligibility.latest(scope, visit.patient_id, visit.coverage_id)
    return {"eligibility_check_id": last.id, "expected_copay_cents": last.expected_copay_cents,
            "status": last.status if eligibility.answered_on(last).isoformat() == visit.visit_date else None}


def check_in(scope: PracticeScope, visit_id: str, data: CheckIn, version: int, *,
             gateway: EligibilityGateway | None = None, clock: Callable[[], datetime] = utcnow) -> VisitOut:
    visit = visits.require(scope, visit_id)
    store.check_version(visit, version, "visit")  # refuse a stale check-in before sending anything to a payer
    visits.ensure_move(visit, "check_in")
    fields = _eligibility_fields(scope, visit, data.recheck_eligibility, gateway, clock)
    coverage = visits.coverage_of(scope, visit.patient_id, visit.coverage_id)
    told = warnings.encode(warnings.coverage_problem(coverage, date.fromisoformat(visit.visit_date)),
                           warnings.eligibility_problem(fields.pop("status", None)),
                           warnings.later_day_problem(visit.visit_date, visit.utc_offset_minutes, clock()))
    return VisitOut.model_validate(visits.move(scope, visit_id, "check_in", version, warnings=told, **fields))


def check_out(scope: PracticeScope, visit_id: str, version: int, *, clock: Callable[[], datetime] = utcnow
              ) -> VisitOut:
    visit = visits.require(scope, visit_id)
    told = warnings.encode(warnings.later_day_problem(visit.visit_date, visit.utc_offset_minutes, clock()))
    return VisitOut.model_validate(visits.move(scope, visit_id, "check_out", version, warnings=told))


def transition(scope: PracticeScope, visit_id: str, move: str, version: int, **changes: Any) -> VisitOut:
    return VisitOut.model_validate(visits.move(scope, visit_id, move, version, **changes))
