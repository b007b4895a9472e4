"""Routes of a practice's setup: providers, payers, fee schedule. Thin: parse, authorize, call, return."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.tenants.setup_models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
setup = lazy_module("chalicelib.tenants.setup")
Page = tuple[list[Any], "str | None"]

bp = Blueprint(__name__)
BASE = "/practices/{practice_id}"
READ, WRITE = "setup:read", "setup:write"


@endpoint(bp, "POST", BASE + "/providers", tag="providers", permission=WRITE, body=models.ProviderCreate,
          response=models.ProviderOut, status=201, audit_entity="provider")
def create_provider(call: Call) -> ProviderOut:
    """Add a provider (a person or an organization) with NPI, taxonomy and roles."""
    return setup.create_provider(call.scope, call.body, call.audit)


@endpoint(bp, "GET", BASE + "/providers", tag="providers", permission=READ, query=PageQuery,
          response=models.ProviderOut, list_response=True, audit_entity="provider")
def list_providers(call: Call) -> Page:
    """The practice's providers."""
    return setup.list_providers(call.scope, call.query.limit, call.query.cursor)


@endpoint(bp, "GET", BASE + "/providers/{provider_id}", tag="providers", permission=READ,
          response=models.ProviderOut, audit_entity="provider")
def get_provider(call: Call) -> ProviderOut:
    """One provider."""
    return setup.get_provider(call.scope, call.path["provider_id"])


@endpoint(bp, "PATCH", BASE + "/providers/{provider_id}", tag="providers", permission=WRITE,
          body=models.ProviderUpdate, response=models.ProviderOut, audit_entity="provider")
def update_provider(call: Call) -> ProviderOut:
    """Change a provider; `active: false` retires one while keeping its history."""
    return setup.update_provider(call.scope, call.path["provider_id"], call.body, expected_version(call),
                                 call.audit)


@endpoint(bp, "POST", BASE + "/payers", tag="payers", permission=WRITE, body=models.PayerCreate, response=models.PayerOut,
          status=201, audit_entity="payer")
def create_payer(call: Call) -> PayerOut:
    """Add a payer with its clearinghouse payer id, claim type and timely-filing limit."""
    return setup.create_payer(call.scope, call.body, call.audit)


@endpoint(bp, "GET", BASE + "/payers", tag="payers", permission=READ, query=PageQuery, response=models.PayerOut,
          list_response=True, audit_entity="payer")
def list_payers(call: Call) -> Page:
    """The practice's payers."""
    return setup.list_payers(call.scope, call.query.limit, call.query.cursor)


@endpoint(bp, "GET", BASE + "/payers/{payer_id}", tag="payers", permission=READ, response=models.PayerOut,
          audit_entity="payer")
def get_payer(call: Call) -> PayerOut:
    """One payer."""
    return setup.get_payer(call.scope, call.path["payer_id"])


@endpoint(bp, "PATCH", BASE + "/payers/{payer_id}", tag="payers", permission=WRITE, body=models.PayerUpdate,
          response=models.PayerOut, audit_entity="payer")
def update_payer(call: Call) -> PayerOut:
    """Change a payer; `active: false` retires one while keeping its history."""
    return setup.update_payer(call.scope, call.path["payer_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/fee-schedule", tag="fee schedule", permission=WRITE, body=models.FeeCreate,
          response=models.FeeOut, status=201, audit_entity="fee")
def create_fee(call: Call) -> FeeOut:
    """Add a charge for a CPT/HCPCS code from a date (optionally to a date); periods of a code never overlap."""
    return setup.create_fee(call.scope, call.body, call.audit)


@endpoint(bp, "GET", BASE + "/fee-schedule", tag="fee schedule", permission=READ, query=models.FeeQuery,
          response=models.FeeOut, list_response=True, audit_entity="fee")
def list_fees(call: Call) -> Page:
    """The fee schedule; `code` narrows it to one code, `on` to the entry in effect on a date."""
    return setup.list_fees(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/fee-schedule/{entry_id}", tag="fee schedule", permission=READ, response=models.FeeOut,
          audit_entity="fee")
def get_fee(call: Call) -> FeeOut:
    """One fee schedule entry."""
    return setup.get_fee(call.scope, call.path["entry_id"])


@endpoint(bp, "PATCH", BASE + "/fee-schedule/{entry_id}", tag="fee schedule", permission=WRITE, body=models.FeeUpdate,
          response=models.FeeOut, audit_entity="fee")
def update_fee(call: Call) -> FeeOut:
    """Change an entry's charge or close it with an end date."""
    return setup.update_fee(call.scope, call.path["entry_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "DELETE", BASE + "/fee-schedule/{entry_id}", tag="fee schedule", permission=WRITE, status=204,
          audit_entity="fee")
def delete_fee(call: Call) -> None:
    """Remove an entry entered by mistake (send its version in If-Match)."""
    setup.delete_fee(call.scope, call.path["entry_id"], expected_version(call), call.audit)
