"""Routes of remittances: the 835s the firm's inbox recorded and posted, per practice and across the firm, the
work list of what cannot be posted as sent, a claim's postings and a practice's provider adjustments. Read
only: the inbox records and posts them (tracking/inbox.py, remits/service.py)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.remits.models")
views = lazy_module("chalicelib.remits.views")
types = Schemas("chalicelib.core.types")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
READ = "claims:read"
PRACTICE = "/practices/{practice_id}"


@endpoint(bp, "GET", PRACTICE + "/remittances", tag="remittances", permission=READ, query=types.PageQuery,
          response=models.RemittanceOut, list_response=True, audit_entity="remittance")
def list_remittances(call: Call) -> Page:
    """The practice's remittances (835s), newest first: payer, trace, amount and what each recorded."""
    return views.list_remittances(call.scope, call.query)


@endpoint(bp, "GET", PRACTICE + "/remittances/{remittance_id}", tag="remittances", permission=READ,
          response=models.RemittanceOut, audit_entity="remittance")
def get_remittance(call: Call) -> Any:
    """One remittance with its claim payments, each line matched to the claim's line or said why not."""
    return views.get_remittance(call.scope, call.path["remittance_id"])


@endpoint(bp, "GET", PRACTICE + "/unmatched-remittances", tag="remittances", permission=READ,
          query=types.PageQuery, response=models.RemittanceWorkOut, list_response=True, audit_entity="remittance")
def list_unmatched_remittances(call: Call) -> Page:
    """The practice's claim payments that cannot be posted as sent (unbalanced, lines unmatched), newest first."""
    return views.list_work(call.scope, call.query)


@endpoint(bp, "GET", "/remittances", tag="remittances", permission=READ, query=types.PageQuery,
          response=models.RemittanceOut, list_response=True)
def list_firm_remittances(call: Call) -> Page:
    """Every practice's remittances, newest first (keys that see all the firm's practices)."""
    return views.list_firm_remittances(call.principal, call.query)


@endpoint(bp, "GET", "/unmatched-remittances", tag="remittances", permission=READ, query=types.PageQuery,
          response=models.RemittanceWorkOut, list_response=True)
def list_firm_unmatched_remittances(call: Call) -> Page:
    """The firm's remittance work list: claim numbers that are none of ours, and every practice's items."""
    return views.list_firm_work(call.principal, call.query)


@endpoint(bp, "GET", PRACTICE + "/claims/{claim_id}/entries", tag="remittances", permission=READ,
          query=types.PageQuery, response=models.ClaimPostingOut, list_response=True, audit_entity="claim")
def list_claim_entries(call: Call) -> Page:
    """What 835s posted to a claim, oldest first: per claim payment its entries (payments, adjustments with
    CARC and RARCs, patient responsibility, reversals) and the cause (trace, CLP01, CLP07, line)."""
    return views.claim_postings(call.scope, call.path["claim_id"], call.query)


@endpoint(bp, "GET", PRACTICE + "/provider-adjustments", tag="remittances", permission=READ,
          query=types.PageQuery, response=models.PracticeEntryOut, list_response=True, audit_entity="remittance")
def list_provider_adjustments(call: Call) -> Page:
    """Provider-level adjustments (PLB: interest, recoupments, forward balances) posted to the practice."""
    return views.provider_adjustments(call.scope, call.query)
