"""The Stripe events the app acts on. A plain constant (no stripe import): `make run` registers exactly these
with localstripe, and a production webhook endpoint should subscribe to them (see docs/payments.md)."""
from __future__ import annotations

HANDLED_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "account.updated")
