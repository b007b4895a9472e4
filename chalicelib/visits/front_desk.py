"""The front desk's moves of a visit. Check-in is where eligibility is confirmed and the co-pay is shown.

Check-in reads in two round trips: the visit with the practice (its eligibility age limit), then, by the visit's
patient and coverage, the coverage, the patient, the payer and the latest eligibility check at once (the patient
and the payer are only used when a new 270 goes out, and cost a BatchGetItem key each). The visit's move, its
audit record and a new check are one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

from chalicelib.clearinghouse import EligibilityGateway
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.fanout import together
from chalicelib.db import store
from chalicelib.db.models import Payer, Practice
from chalicelib.patients import coverages, eligibility
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, EligibilityCheck, Patient
from chalicelib.patients.models import EligibilityCheckCreate
from chalicelib.tenants.service import practice_key
from chalicelib.tenants.setup import payer_key
from chalicelib.visits import service as visits
from chalicelib.visits import warnings
from chalicelib.visits.items import Visit
from chalicelib.visits.models import CheckIn, VisitOut


@dataclass(frozen=True)
class Insured:
    """What check-in knows of the visit's coverage; all None for a self-pay visit."""

    coverage: Coverage | None = None
    patient: Patient | None = None
    payer: Payer | None = None
    last: EligibilityCheck | None = None  # the newest check of the coverage that got an answer


def _insured(scope: PracticeScope, visit: Visit) -> Insured:
    if visit.coverage_id is None:
        return Insured()
    coverage_key = coverages.key(scope, visit.patient_id, visit.coverage_id)
    wanted = [coverage_key, patients.key(scope, visit.patient_id),
              payer_key(scope, visit.payer_id) if visit.payer_id else None]
    found, last = together(lambda: store.read(*wanted),
                           lambda: eligibility.latest(scope, visit.patient_id, visit.coverage_id))
    return Insured(found.find(coverage_key), found.find(patients.key(scope, visit.patient_id)),
                   found.find(payer_key(scope, visit.payer_id)) if visit.payer_id else None, last)


def _needs_check(practice: Practice, insured: Insured, force: bool, now: datetime) -> bool:
    if insured.coverage is None:
        return False  # self-pay: nothing to verify
    if force or insured.last is None:
        return True
    age = now - datetime.fromisoformat(insured.last.created_at.replace("Z", "+00:00"))
    return age > timedelta(days=int(practice.eligibility_max_age_days))


def _new_check(scope: PracticeScope, visit: Visit, practice: Practice, insured: Insured,
               gateway: EligibilityGateway | None, clock: Callable[[], datetime]) -> EligibilityCheck:
    """A fresh 270 for the visit's day, sent now; the check is saved with the visit's move."""
    assert insured.coverage is not None
    eligibility.require_active(insured.coverage)
    patient = insured.patient or store.load(patients.key(scope, visit.patient_id))
    payer = insured.payer or store.load(payer_key(scope, insured.coverage.payer_id))  # visits booked before payer_id
    asked = eligibility.Asked(practice, patient, insured.coverage, payer)
    data = EligibilityCheckCreate(coverage_id=visit.coverage_id, service_date=date.fromisoformat(visit.visit_date))
    return eligibility.send(scope, asked, data, visit_id=visit.id, gateway=gateway, clock=clock)


def _shown(visit: Visit, insured: Insured, check: EligibilityCheck | None) -> dict[str, Any]:
    """The check the visit shows: the new one, else the last one answered; `status` only when it was asked
    about the visit's day."""
    if check is not None:
        return {"eligibility_check_id": check.id, "expected_copay_cents": check.expected_copay_cents,
                "status": check.status}
    last = insured.last
    if last is None:
        return {}
    return {"eligibility_check_id": last.id, "expected_copay_cents": last.expected_copay_cents,
            "status": last.status if eligibility.answered_on(last).isoformat() == visit.visit_date else None}


def check_in(scope: PracticeScope, visit_id: str, data: CheckIn, version: int, audit: Audit | None = None, *,
             gateway: EligibilityGateway | None = None, clock: Callable[[], datetime] = utcnow) -> VisitOut:
    practice = practice_key(scope.principal.firm_id, scope.practice_id)
    found = store.read(visits.key(scope, visit_id), practice)
    visit = found.get(visits.key(scope, visit_id))
    store.check_version(visit, version, "visit")  # refuse a stale check-in before sending anything to a payer
    visits.ensure_move(visit, "check_in")
    insured = _insured(scope, visit)
    check = None
    if _needs_check(found.get(practice), insured, data.recheck_eligibility, clock()):
        check = _new_check(scope, visit, found.get(practice), insured, gateway, clock)
    fields = _shown(visit, insured, check)
    told = warnings.encode(warnings.coverage_problem(insured.coverage, date.fromisoformat(visit.visit_date)),
                           warnings.eligibility_problem(fields.pop("status", None)),
                           warnings.later_day_problem(visit.visit_date, visit.utc_offset_minutes, clock()))
    try:
        moved = visits.move(visit, "check_in", version, audit, (check,) if check else (), warnings=told, **fields)
    except Conflict:
        if check is not None:
            store.create(check, "eligibility check")  # the 270 went out: the check stays on the patient's record
        raise
    return VisitOut.model_validate(moved)


def check_out(scope: PracticeScope, visit_id: str, version: int, audit: Audit | None = None, *,
              clock: Callable[[], datetime] = utcnow) -> VisitOut:
    visit = visits.require(scope, visit_id)
    told = warnings.encode(warnings.later_day_problem(visit.visit_date, visit.utc_offset_minutes, clock()))
    return VisitOut.model_validate(visits.move(visit, "check_out", version, audit, warnings=told))


def transition(scope: PracticeScope, visit_id: str, move: str, version: int, audit: Audit | None = None,
               **changes: Any) -> VisitOut:
    return VisitOut.model_validate(visits.move(visits.require(scope, visit_id), move, version, audit, **changes))
