"""Routes of secondary claims: bill the patient's next coverage with the adjudication of a claim's payer."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
claim_models = Schemas("chalicelib.claims.models")
secondary = lazy_module("chalicelib.remits.secondary_claims")

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/practices/{practice_id}/claims/{claim_id}/secondary", tag="claims",
          permission="claims:write", response=claim_models.ClaimOut, status=201, audit_entity="claim")
def build_secondary_claim(call: Call) -> Any:
    """Build the claim for the patient's next coverage (secondary after a primary, tertiary after a secondary),
    carrying the payer's adjudication from the claim's latest 835; 409 says why when there is nothing to bill."""
    return secondary.build_on_request(call.scope, call.path["claim_id"], call.audit)
