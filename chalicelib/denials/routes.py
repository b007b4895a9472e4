"""Routes of denials: a practice's denial work items (newest or by priority, filtered), one of them, working
one, and the firm's across practices. Thin: parse, authorize (in `endpoint`), call the service, return."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.denials.models")
denials = lazy_module("chalicelib.denials.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
READ, WRITE = "claims:read", "claims:write"
BASE = "/practices/{practice_id}/denials"


@endpoint(bp, "GET", BASE, tag="denials", permission=READ, query=models.DenialQuery, response=models.DenialOut,
          list_response=True, audit_entity="denial")
def list_denials(call: Call) -> Page:
    """The practice's denials, newest first or (`order=priority`) unresolved ones urgent first; filters: status,
    category, payer_id, age."""
    return denials.list_for_practice(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/{denial_id}", tag="denials", permission=READ, response=models.DenialOut,
          audit_entity="denial")
def get_denial(call: Call) -> Any:
    """One denial: its codes in plain words, category, recommended action, priority and appeal due date."""
    return denials.get(call.scope, call.path["denial_id"])


@endpoint(bp, "PATCH", BASE + "/{denial_id}", tag="denials", permission=WRITE, body=models.DenialWork,
          response=models.DenialOut, audit_entity="denial")
def work_denial(call: Call) -> Any:
    """Work a denial: in_progress, resolved or written_off, with a note; closing it closes its task."""
    return denials.work(call.scope, call.path["denial_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "GET", "/denials", tag="denials", permission=READ, query=models.FirmDenialQuery,
          response=models.DenialOut, list_response=True)
def list_firm_denials(call: Call) -> Page:
    """Every practice's denials, newest first (keys that see all the firm's practices); the same filters."""
    return denials.list_for_firm(call.principal, call.query)
