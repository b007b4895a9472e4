"""Routes of a patient's account ledger: its entries and its balance. Read-only: entries are posted by the
services whose events cause them (co-pays, Stripe webhooks, 835 postings), never typed in through the API."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.ledger.models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
ledger = lazy_module("chalicelib.ledger.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
BASE = "/practices/{practice_id}/patients/{patient_id}"
READ = "payments:read"


@endpoint(bp, "GET", BASE + "/ledger", tag="ledger", permission=READ, query=PageQuery,
          response=models.LedgerEntryOut, list_response=True, audit_entity="ledger")
def list_ledger_entries(call: Call) -> Page:
    """A patient's account entries, oldest first, each with what caused it and the balance after it."""
    return ledger.entries(call.scope, call.path["patient_id"], call.query.limit, call.query.cursor)


@endpoint(bp, "GET", BASE + "/balance", tag="ledger", permission=READ, response=models.BalanceOut,
          audit_entity="ledger")
def get_balance(call: Call) -> Any:
    """What a patient owes (negative: a credit), as moved by every entry."""
    return ledger.balance(call.scope, call.path["patient_id"])
