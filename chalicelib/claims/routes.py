"""Routes of claims: build from a coded visit, read, edit, history, replace or void."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.claims.models")
types = Schemas("chalicelib.core.types")
claims = lazy_module("chalicelib.claims.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
BASE = "/practices/{practice_id}/claims"
READ, WRITE = "claims:read", "claims:write"


@endpoint(bp, "POST", "/practices/{practice_id}/visits/{visit_id}/claim", tag="claims", permission=WRITE,
          body=models.ClaimCreate, response=models.ClaimOut, status=201, audit_entity="claim")
def build_claim(call: Call) -> Any:
    """Build the claim of a coded, checked-out visit for its coverage, and scrub it: professional (837P)
    unless the payer or the body says institutional (837I)."""
    return claims.build(call.scope, call.path["visit_id"], call.body, call.audit)


@endpoint(bp, "GET", BASE, tag="claims", permission=READ, query=models.ClaimQuery, response=models.ClaimOut,
          list_response=True, audit_entity="claim")
def list_claims(call: Call) -> Page:
    """A work list: the practice's claims of one status, oldest change first (default `needs_fix`)."""
    return claims.list_by_status(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/{claim_id}", tag="claims", permission=READ, response=models.ClaimOut,
          audit_entity="claim")
def get_claim(call: Call) -> Any:
    """A claim with its scrubber findings."""
    return claims.get(call.scope, call.path["claim_id"])


@endpoint(bp, "PATCH", BASE + "/{claim_id}", tag="claims", permission=WRITE, body=models.ClaimUpdate,
          response=models.ClaimOut, audit_entity="claim")
def edit_claim(call: Call) -> Any:
    """Fix a claim that has not gone to the payer (diagnoses, lines, references); it is scrubbed again."""
    return claims.edit(call.scope, call.path["claim_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{claim_id}/refresh", tag="claims", permission=WRITE, body=models.ClaimRefresh,
          response=models.ClaimOut, audit_entity="claim")
def refresh_claim(call: Call) -> Any:
    """Read the practice, payer, patient and coverage into a claim not yet at the payer again, and re-scrub;
    `coverage_id` bills another of the patient's coverages."""
    return claims.refresh(call.scope, call.path["claim_id"], expected_version(call), call.body.coverage_id,
                          call.audit)


@endpoint(bp, "GET", BASE + "/{claim_id}/events", tag="claims", permission=READ, query=types.PageQuery,
          response=models.ClaimEventOut, list_response=True, audit_entity="claim")
def claim_history(call: Call) -> Page:
    """The claim's history, oldest first: built, edited, submitted, ..."""
    return claims.history(call.scope, call.path["claim_id"], call.query)


@endpoint(bp, "POST", BASE + "/{claim_id}/replacement", tag="claims", permission=WRITE, body=models.PriorClaimIn,
          response=models.ClaimOut, status=201, audit_entity="claim")
def replace_claim(call: Call) -> Any:
    """A replacement claim (frequency 7) for a claim at the payer, referring to the payer's claim number."""
    return claims.follow_up_claim(call.scope, call.path["claim_id"], call.body, "7", call.audit)


@endpoint(bp, "POST", BASE + "/{claim_id}/void", tag="claims", permission=WRITE, body=models.PriorClaimIn,
          response=models.ClaimOut, status=201, audit_entity="claim")
def void_claim(call: Call) -> Any:
    """A void claim (frequency 8) cancelling a claim at the payer."""
    return claims.follow_up_claim(call.scope, call.path["claim_id"], call.body, "8", call.audit)
