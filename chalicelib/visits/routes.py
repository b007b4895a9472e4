"""Routes of visits: schedule, the day list, and the moves of a visit's day. Thin: parse, authorize, call."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version, given_version
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.visits.models")
visits = lazy_module("chalicelib.visits.service")
front_desk = lazy_module("chalicelib.visits.front_desk")
coding = lazy_module("chalicelib.visits.coding")
coding_models = Schemas("chalicelib.visits.coding_models")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
BASE = "/practices/{practice_id}/visits"
READ, WRITE = "visits:read", "visits:write"


@endpoint(bp, "POST", BASE, tag="visits", permission=WRITE, body=models.VisitCreate, response=models.VisitOut,
          status=201, audit_entity="visit")
def schedule_visit(call: Call) -> Any:
    """Book a visit with a rendering provider; the patient's active primary coverage unless one is named."""
    return visits.schedule(call.scope, call.body, call.audit)


@endpoint(bp, "GET", BASE, tag="visits", permission=READ, query=models.DayQuery, response=models.VisitOut,
          list_response=True, audit_entity="visit")
def list_visits(call: Call) -> Page:
    """The visits of one day, in time order (optionally one status): the front desk's schedule."""
    return visits.day_list(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/{visit_id}", tag="visits", permission=READ, response=models.VisitOut,
          audit_entity="visit")
def get_visit(call: Call) -> Any:
    """One visit."""
    return visits.get(call.scope, call.path["visit_id"])


@endpoint(bp, "POST", BASE + "/{visit_id}/check-in", tag="visits", permission=WRITE, body=models.CheckIn,
          response=models.VisitOut, audit_entity="visit")
def check_in(call: Call) -> Any:
    """Check the patient in; eligibility is checked again when the last check is older than the practice allows."""
    return front_desk.check_in(call.scope, call.path["visit_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{visit_id}/check-out", tag="visits", permission=WRITE, body=models.Transition,
          response=models.VisitOut, audit_entity="visit")
def check_out(call: Call) -> Any:
    """Check the patient out (a visit booked for a later day is checked out with a warning)."""
    return front_desk.check_out(call.scope, call.path["visit_id"], expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{visit_id}/cancel", tag="visits", permission=WRITE, body=models.Cancel,
          response=models.VisitOut, audit_entity="visit")
def cancel_visit(call: Call) -> Any:
    """Cancel a scheduled visit."""
    return front_desk.transition(call.scope, call.path["visit_id"], "cancel", expected_version(call), call.audit,
                                 cancelled_reason=call.body.reason)


@endpoint(bp, "POST", BASE + "/{visit_id}/no-show", tag="visits", permission=WRITE, body=models.Transition,
          response=models.VisitOut, audit_entity="visit")
def no_show(call: Call) -> Any:
    """Mark a scheduled visit as a no-show."""
    return front_desk.transition(call.scope, call.path["visit_id"], "no_show", expected_version(call), call.audit)


@endpoint(bp, "PUT", BASE + "/{visit_id}/coding", tag="coding", permission="coding:write", body=coding_models.CodingIn,
          response=coding_models.CodingOut, audit_entity="visit_coding")
def code_visit(call: Call) -> Any:
    """Code a checked-out visit: ICD-10-CM diagnoses in order and priced CPT/HCPCS lines (fee schedule unless
    overridden). Replacing a coding needs the version read (If-Match or the body's version)."""
    return coding.code(call.scope, call.path["visit_id"], call.body, given_version(call), call.audit)


@endpoint(bp, "GET", BASE + "/{visit_id}/coding", tag="coding", permission=READ, response=coding_models.CodingOut,
          audit_entity="visit_coding")
def get_visit_coding(call: Call) -> Any:
    """A visit's coding: diagnoses, priced lines, total and warnings."""
    return coding.get(call.scope, call.path["visit_id"])
