"""Routes of submission: ready claims sent as batches (one 837 file per payer and claim type), and the batches."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.submission.models")
types = Schemas("chalicelib.core.types")
batches = lazy_module("chalicelib.submission.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
READ, SUBMIT = "claims:read", "claims:submit"


@endpoint(bp, "POST", "/practices/{practice_id}/claim-batches", tag="claims", permission=SUBMIT,
          body=models.BatchCreate, response=models.SubmissionOut, status=201, audit_entity="claim_batch")
def submit_claims(call: Call) -> Any:
    """Submit ready claims (listed, or all ready): one 837 file per payer and claim type, to the outbox."""
    return batches.submit(call.scope, call.body)


@endpoint(bp, "GET", "/practices/{practice_id}/claim-batches", tag="claims", permission=READ, query=types.PageQuery,
          response=models.BatchOut, list_response=True, audit_entity="claim_batch")
def list_batches(call: Call) -> Page:
    """Submission batches, newest first."""
    return batches.list_batches(call.scope, call.query)


@endpoint(bp, "GET", "/practices/{practice_id}/claim-batches/{batch_id}", tag="claims", permission=READ,
          response=models.BatchOut, audit_entity="claim_batch")
def get_batch(call: Call) -> Any:
    """One submission batch: its claims, control number and outbox file."""
    return batches.get(call.scope, call.path["batch_id"])
