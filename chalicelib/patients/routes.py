"""Routes of patients and their coverages. Thin: parse, authorize (in `endpoint`), call a service."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.patients.models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
patients = lazy_module("chalicelib.patients.service")
coverages = lazy_module("chalicelib.patients.coverages")
eligibility = lazy_module("chalicelib.patients.eligibility")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
BASE = "/practices/{practice_id}/patients"
READ, WRITE = "patients:read", "patients:write"


@endpoint(bp, "POST", BASE, tag="patients", permission=WRITE, body=models.PatientCreate,
          query=models.PatientCreateQuery, response=models.PatientOut, status=201, audit_entity="patient")
def register_patient(call: Call) -> Any:
    """Register a patient; a likely duplicate (same name and birth date) answers 409 unless allow_duplicate."""
    return patients.register(call.scope, call.body, call.query.allow_duplicate, call.audit)


@endpoint(bp, "GET", BASE, tag="patients", permission=READ, query=models.PatientListQuery,
          response=models.PatientOut, list_response=True, audit_entity="patient")
def list_patients(call: Call) -> Page:
    """All patients by name; to search by name, birth date or MRN, POST them to .../patients/search."""
    return patients.list_all(call.scope, call.query)


@endpoint(bp, "POST", BASE + "/search", tag="patients", permission=READ, body=models.PatientSearch,
          response=models.PatientOut, list_response=True, audit_entity="patient", audit_action="read")
def search_patients(call: Call) -> Page:
    """Patients by name prefix ("last, first"), birth date or MRN, sent in the body so no URL carries them."""
    return patients.search(call.scope, call.body)


@endpoint(bp, "GET", BASE + "/{patient_id}", tag="patients", permission=READ, response=models.PatientOut,
          audit_entity="patient")
def get_patient(call: Call) -> Any:
    """One patient."""
    return patients.get(call.scope, call.path["patient_id"])


@endpoint(bp, "PATCH", BASE + "/{patient_id}", tag="patients", permission=WRITE, body=models.PatientUpdate,
          response=models.PatientOut, audit_entity="patient")
def update_patient(call: Call) -> Any:
    """Correct a patient's demographics, contact details, MRN or guarantor."""
    return patients.update(call.scope, call.path["patient_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{patient_id}/coverages", tag="coverages", permission=WRITE,
          body=models.CoverageCreate, response=models.CoverageOut, status=201, audit_entity="coverage")
def add_coverage(call: Call) -> Any:
    """Add an insurance policy; at most one active primary, secondary and tertiary."""
    return coverages.add(call.scope, call.path["patient_id"], call.body, call.audit)


@endpoint(bp, "GET", BASE + "/{patient_id}/coverages", tag="coverages", permission=READ, query=PageQuery,
          response=models.CoverageOut, list_response=True, audit_entity="coverage")
def list_coverages(call: Call) -> Page:
    """A patient's coverages, active and ended."""
    return coverages.list_for(call.scope, call.path["patient_id"], call.query.limit, call.query.cursor)


@endpoint(bp, "GET", BASE + "/{patient_id}/coverages/{coverage_id}", tag="coverages", permission=READ,
          response=models.CoverageOut, audit_entity="coverage")
def get_coverage(call: Call) -> Any:
    """One coverage."""
    return coverages.get(call.scope, call.path["patient_id"], call.path["coverage_id"])


@endpoint(bp, "PATCH", BASE + "/{patient_id}/coverages/{coverage_id}", tag="coverages", permission=WRITE,
          body=models.CoverageUpdate, response=models.CoverageOut, audit_entity="coverage")
def update_coverage(call: Call) -> Any:
    """Correct a coverage, set its end date, or end it (`active: false`) to free its order."""
    return coverages.update(call.scope, call.path["patient_id"], call.path["coverage_id"], call.body,
                            expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{patient_id}/eligibility-checks", tag="eligibility", permission=WRITE,
          body=models.EligibilityCheckCreate, response=models.EligibilityCheckOut, status=201,
          audit_entity="eligibility_check")
def check_eligibility(call: Call) -> Any:
    """Send a 270 for a coverage and service type; the 271's status, plan, co-pay and limits come back."""
    return eligibility.run(call.scope, call.path["patient_id"], call.body, audit=call.audit)


@endpoint(bp, "GET", BASE + "/{patient_id}/eligibility-checks", tag="eligibility", permission=READ,
          query=PageQuery, response=models.EligibilityCheckOut, list_response=True,
          audit_entity="eligibility_check")
def list_eligibility_checks(call: Call) -> Page:
    """A patient's eligibility checks, newest first."""
    return eligibility.history(call.scope, call.path["patient_id"], call.query.limit, call.query.cursor)


@endpoint(bp, "GET", BASE + "/{patient_id}/eligibility-checks/{check_id}", tag="eligibility", permission=READ,
          response=models.EligibilityCheckOut, audit_entity="eligibility_check")
def get_eligibility_check(call: Call) -> Any:
    """One eligibility check."""
    return eligibility.get(call.scope, call.path["patient_id"], call.path["check_id"])
