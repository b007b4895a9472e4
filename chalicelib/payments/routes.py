"""Routes of payments: a practice's Stripe account, co-pays of a visit, and Stripe's webhook. Thin."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.auth import Auth
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services (and stripe with them) load with the first request that needs them, not at cold start.
models = Schemas("chalicelib.payments.models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
accounts = lazy_module("chalicelib.payments.accounts")
copays = lazy_module("chalicelib.payments.copays")
webhooks = lazy_module("chalicelib.payments.webhooks")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
PRACTICE = "/practices/{practice_id}"
READ, WRITE = "payments:read", "payments:write"
SIGNATURE = "Stripe's signature of the raw body: `t=<unix time>,v1=<HMAC-SHA256 hex>`"


@endpoint(bp, "POST", PRACTICE + "/stripe/account", tag="payments", permission="practices:write",
          body=models.StripeAccountLink, response=models.StripeAccountOut, status=201,
          audit_entity="stripe_account")
def link_stripe_account(call: Call) -> Any:
    """Link the practice's existing Stripe account, or create one and get its onboarding link (firm admins)."""
    return accounts.link_or_create(call.scope, call.body, call.audit)


@endpoint(bp, "GET", PRACTICE + "/stripe/account", tag="payments", permission=READ,
          response=models.StripeAccountOut, audit_entity="stripe_account")
def get_stripe_account(call: Call) -> Any:
    """The practice's Stripe account and whether it can take card payments yet."""
    return accounts.get(call.scope)


@endpoint(bp, "POST", PRACTICE + "/visits/{visit_id}/copays", tag="payments", permission=WRITE,
          body=models.CopayCreate, response=models.CopayOut, status=201, audit_entity="copay")
def take_copay(call: Call) -> Any:
    """Take a co-pay at check-in or check-out: cash and check are posted at once; a card returns the
    PaymentIntent's client secret for Stripe.js, and is posted when Stripe says it succeeded."""
    return copays.take(call.scope, call.path["visit_id"], call.body, call.audit)


@endpoint(bp, "GET", PRACTICE + "/visits/{visit_id}/copays", tag="payments", permission=READ, query=PageQuery,
          response=models.CopayOut, list_response=True, audit_entity="copay")
def list_copays(call: Call) -> Page:
    """The co-pays of a visit and their status."""
    return copays.list_for(call.scope, call.path["visit_id"], call.query.limit, call.query.cursor)


@endpoint(bp, "POST", "/webhooks/stripe", tag="webhooks", auth=Auth.NONE, raw_body=True,
          headers={"Stripe-Signature": SIGNATURE}, response=models.WebhookAck)
def stripe_webhook(call: Call) -> Any:
    """Stripe's signed events: card co-pays paid, failed or refunded, and connected-account status."""
    return webhooks.receive(call.raw_body, call.headers.get("stripe-signature"))
