"""Eligibility checks: a 270 for a patient's coverage goes to the clearinghouse, its 271 is kept and read.

Both documents are archived in the EDI bucket (they are patient data: never logged) and the answer is stored
as an EligibilityCheck. A clearinghouse that cannot be reached is a check with status `error`, not a 500: the
front desk sees that the payer did not answer and can try again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

from chalicelib.clearinghouse import ClearinghouseError, EligibilityGateway, get_eligibility_gateway
from chalicelib.clearinghouse import mailbox
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings
from chalicelib.db import counters, keys, store
from chalicelib.db.models import Payer, Practice
from chalicelib.db.pages import query_page
from chalicelib.edi.eligibility import inquiry as x12
from chalicelib.edi.x12.charset import x12_text
from chalicelib.edi.eligibility.result import EligibilityResult, NetworkBenefits
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from chalicelib.patients import coverages, names
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, EligibilityCheck, Patient
from chalicelib.patients.models import EligibilityCheckCreate, EligibilityCheckOut
from chalicelib.tenants.service import practice_key
from chalicelib.tenants.setup import payer_key

Page = tuple[list[Any], str | None]
RECENT_CHECKS = 100  # how far back the claim scrubber looks for a date's latest answer
CLEARINGHOUSE_ID = "REVCYCLE"  # ISA08 locally; a real clearinghouse assigns its own receiver id


@dataclass(frozen=True)
class Asked:
    """Who and what a 270 is about: the practice asking, the patient, the coverage and its payer."""

    practice: Practice
    patient: Patient
    coverage: Coverage
    payer: Payer


def _asked(scope: PracticeScope, patient_id: str, coverage_id: str | None) -> Asked:
    """Two round trips: the patient, the practice and the coverage (named, or the patient's coverages to find
    the active primary) together, then the coverage's payer."""
    practice = practice_key(scope.principal.firm_id, scope.practice_id)
    wanted = [patients.key(scope, patient_id), practice]
    if coverage_id:
        found = store.read(*wanted, coverages.key(scope, patient_id, coverage_id))
        coverage: Coverage | None = found.get(coverages.key(scope, patient_id, coverage_id))
    else:
        found, held = together(lambda: store.read(*wanted), lambda: coverages.of_patient(scope, patient_id))
        coverage = coverages.active_primary(held)
    patient = found.get(patients.key(scope, patient_id))
    if coverage is None:
        raise ValidationFailed("The patient has no active primary coverage to check.",
                               [field_error("coverage_id", "give a coverage")])
    require_active(coverage)
    payer = store.load(payer_key(scope, coverage.payer_id))
    return Asked(found.get(practice), patient, coverage, payer)


def require_active(coverage: Coverage) -> None:
    if not coverage.active:
        raise ValidationFailed("The coverage has ended.", [field_error("coverage_id", "not active")])


def _person(holder: Any, field: str) -> x12.Dependent:
    """The holder as the 270 names them; 422 for a name stored before X12's letters were asked for."""
    name = names.require_writable(holder, f"{field}.", f"The {field}'s name", f"in the {field}'s name_on_card")
    born = date.fromisoformat(holder.birth_date) if holder.birth_date else None
    return x12.Dependent(first_name=name.first, last_name=name.last, birth_date=born, sex=holder.sex or "U")


def _inquiry(check_id: str, practice: Practice, payer: Payer, patient: Patient, coverage: Coverage,
             data: EligibilityCheckCreate) -> x12.EligibilityInquiry:
    """Loop 2100C names the policy holder with the member id; 2100D the patient when someone else holds it."""
    is_self = coverage.relationship == "self"
    person = _person(patient, "patient") if is_self else _person(coverage.subscriber, "subscriber")
    subscriber = x12.Subscriber(member_id=coverage.member_id, first_name=person.first_name,
                                last_name=person.last_name, birth_date=person.birth_date, sex=person.sex)
    dependent = None if is_self else _person(patient, "patient")
    return x12.EligibilityInquiry(
        payer=x12.Payer(name=x12_text(payer.name) or "PAYER", payer_id=payer.payer_id),
        provider=x12.Provider(npi=practice.npi, organization_name=x12_text(practice.name)),
        subscriber=subscriber, dependent=dependent, trace_number=check_id,
        originator_id="1" + practice.tax_id, service_types=(data.service_type,), service_date=data.service_date)


def _archive(raw_key: str, name: str, text: str) -> None:
    mailbox.archive(f"{raw_key}/{name}", text)


def _figures(network: NetworkBenefits) -> dict[str, Any]:
    def cents(money: Any) -> int | None:
        return None if money is None else money.cents

    return {"co_payment_cents": cents(network.co_payment),
            "co_insurance": None if network.co_insurance is None else str(network.co_insurance),
            "deductible_cents": cents(network.deductible.total),
            "deductible_remaining_cents": cents(network.deductible.remaining),
            "out_of_pocket_cents": cents(network.out_of_pocket.total),
            "out_of_pocket_remaining_cents": cents(network.out_of_pocket.remaining)}


def _answer(result: EligibilityResult, service_type: str) -> dict[str, Any]:
    """What the check keeps of a 271: status, plan, dates, the service type's figures, rejections."""
    if result.rejections:
        status = "rejected"
    else:
        status = {True: "active", False: "inactive", None: "unknown"}[result.active]
    figures = result.for_service(service_type)
    benefits = {"service_type": service_type, "in_network": _figures(figures.in_network),
                "out_of_network": _figures(figures.out_of_network)}
    rejections = [{"level": r.level, "code": r.code, "reason": r.reason, "follow_up": r.follow_up}
                  for r in result.rejections]
    return {"status": status, "plan_name": result.plan_name or None,
            "coverage_start": result.coverage_start.isoformat() if result.coverage_start else None,
            "coverage_end": result.coverage_end.isoformat() if result.coverage_end else None,
            "benefits": json.dumps(benefits) if status == "active" else None,
            "rejections": json.dumps(rejections) if rejections else None,
            "expected_copay_cents": benefits["in_network"]["co_payment_cents"] if status == "active" else None}


def _exchange(gateway: EligibilityGateway, text_270: str, raw_key: str, service_type: str) -> dict[str, Any]:
    try:
        text_271 = gateway.check(text_270)
    except ClearinghouseError as error:
        return {"status": "error", "error": str(error)}  # statuses and attempts only, never the documents
    _archive(raw_key, "271.x12", text_271)
    return _answer(x12.parse_271(text_271), service_type)


def run(scope: PracticeScope, patient_id: str, data: EligibilityCheckCreate, *, visit_id: str | None = None,
        gateway: EligibilityGateway | None = None, clock: Callable[[], datetime] = utcnow,
        audit: Audit | None = None) -> EligibilityCheckOut:
    """Send the 270, read the 271, and keep the check (with the route's audit record, in one transaction)."""
    asked = _asked(scope, patient_id, data.coverage_id)
    item = send(scope, asked, data, visit_id=visit_id, gateway=gateway, clock=clock)
    return out(store.create(item, "eligibility check", audit))


def send(scope: PracticeScope, asked: Asked, data: EligibilityCheckCreate, *, visit_id: str | None = None,
         gateway: EligibilityGateway | None = None, clock: Callable[[], datetime] = utcnow) -> EligibilityCheck:
    """Send the 270 and read the 271: the check to keep, not yet saved, so the caller writes it in its own
    transaction. The control number is taken before the 270 goes out: sent once, it must never be sent again."""
    practice, patient, coverage, payer = asked.practice, asked.patient, asked.coverage, asked.payer
    check_id, now = new_id(), clock()
    inquiry = _inquiry(check_id, practice, payer, patient, coverage, data)  # a name X12 cannot carry: 422 here
    number = counters.next_control_number(scope.practice_id)
    parties = Parties(sender_qualifier="30", sender_id=practice.tax_id, receiver_qualifier="ZZ",
                      receiver_id=CLEARINGHOUSE_ID)
    try:
        text_270 = x12.build_270(inquiry, parties, ControlNumbers(number, number, 1),
                                 usage=get_settings().usage_indicator, created=now)
    except X12Error as error:  # names the element, never its value
        raise ValidationFailed(f"The eligibility check cannot be sent: {error}.",
                               [field_error("coverage_id", str(error))]) from None
    raw_key = f"eligibility/{scope.practice_id}/{check_id}"
    _archive(raw_key, "270.x12", text_270)
    answer = _exchange(gateway or get_eligibility_gateway(), text_270, raw_key, data.service_type)
    return EligibilityCheck(keys.practice_pk(scope.practice_id), keys.eligibility_sk(patient.id, check_id),
                            id=check_id, created_at=iso(now), updated_at=iso(now), practice_id=scope.practice_id,
                            patient_id=patient.id, coverage_id=coverage.id, visit_id=visit_id,
                            service_type=data.service_type, control_number=number, raw_key=raw_key,
                            service_date=data.service_date.isoformat() if data.service_date else None, **answer)


def out(item: EligibilityCheck) -> EligibilityCheckOut:
    data = {name: getattr(item, name) for name in EligibilityCheckOut.model_fields if hasattr(item, name)}
    data["benefits"] = json.loads(item.benefits) if item.benefits else None
    data["rejections"] = json.loads(item.rejections) if item.rejections else []
    return EligibilityCheckOut.model_validate(data)


def get(scope: PracticeScope, patient_id: str, check_id: str) -> EligibilityCheckOut:
    return out(store.get(EligibilityCheck, keys.practice_pk(scope.practice_id),
                         keys.eligibility_sk(patient_id, check_id), "eligibility check"))


def history(scope: PracticeScope, patient_id: str, limit: int, cursor: str | None) -> Page:
    _, page = together(lambda: patients.require(scope, patient_id),
                       lambda: query_page(EligibilityCheck, keys.practice_pk(scope.practice_id),
                                          keys.eligibility_prefix(patient_id), limit=limit, cursor=cursor,
                                          newest_first=True))
    return [out(c) for c in page.items], page.next_cursor


def latest(scope: PracticeScope, patient_id: str, coverage_id: str) -> EligibilityCheck | None:
    """The newest check of this coverage that got an answer (errors do not count as checked)."""
    for item in EligibilityCheck.query(keys.practice_pk(scope.practice_id),
                                       EligibilityCheck.sk.startswith(keys.eligibility_prefix(patient_id)),
                                       scan_index_forward=False, limit=20):
        if item.coverage_id == coverage_id and item.status != "error":
            return item
    return None


def answered_on(item: EligibilityCheck) -> date:
    """The date a check asked about: its service date, else the day it was made (a 270 without DTP asks
    about today, X279A1 2100C DTP)."""
    return date.fromisoformat(item.service_date or item.created_at[:10])


def recent_checks(scope: PracticeScope, patient_id: str) -> list[EligibilityCheck]:
    """The patient's newest checks, newest first: one Query (a patient has far fewer than `RECENT_CHECKS`)."""
    return list(EligibilityCheck.query(keys.practice_pk(scope.practice_id),
                                       EligibilityCheck.sk.startswith(keys.eligibility_prefix(patient_id)),
                                       scan_index_forward=False, limit=RECENT_CHECKS, page_size=RECENT_CHECKS))


def inactive_days(checks: list[EligibilityCheck], coverage_id: str, days: set[date]) -> set[date]:
    """Which of `days` the payer's latest answer for this coverage and that day called inactive, among the
    patient's checks newest first (`recent_checks`)."""
    latest: dict[date, str] = {}
    for item in checks:
        day = answered_on(item)
        if item.coverage_id == coverage_id and item.status != "error" and day in days:
            latest.setdefault(day, item.status)
    return {day for day, status in latest.items() if status == "inactive"}
