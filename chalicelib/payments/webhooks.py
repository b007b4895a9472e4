"""Stripe's webhook: verify, deduplicate, act. `POST /webhooks/stripe` (no API key; Stripe signs instead).

1. The signature is checked on the raw body with `stripe.Webhook.construct_event` and the endpoint's secret;
   a bad, missing or stale (over 5 minutes) signature answers 400. There is no unverified path.
2. The practice comes from our own records, never from the event alone: a PaymentIntent's metadata names the
   practice, visit and co-pay, and the co-pay found there must hold that PaymentIntent (and, when the event
   says, that connected account); a refunded charge finds its co-pay through its PaymentIntent; an account
   finds its practice through the index on the practice's Stripe account item.
3. What an event changes is written in one transaction with STRIPE_EVENT#<event id> (conditional on not
   existing), so a redelivered event changes nothing and answers 200. A payment is posted under the cause
   `pi:<PaymentIntent id>`: a PaymentIntent succeeds once, so even two different events about that success
   (a resend under a new id, say) cannot post it twice. A refund is posted as the growth of the charge's
   cumulative `amount_refunded`, so partial refunds add up and an older snapshot arriving late posts nothing.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Callable

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.clock import now_iso, utcnow
from chalicelib.core.errors import BadRequest
from chalicelib.core.ids import is_id
from chalicelib.core.logs import get_logger
from chalicelib.core.money import Money
from chalicelib.core.secrets import get_app_secret
from chalicelib.db import keys, store
from chalicelib.db.models import Item
from chalicelib.ledger import service as ledger
from chalicelib.payments import accounts
from chalicelib.payments.items import Copay, StripeEventSeen
from chalicelib.payments.models import WebhookAck

Event = dict[str, Any]
# The tenant of a webhook is proven by the records above, not by a key: this principal may do nothing itself.
WEBHOOK = Principal(key_id="stripe-webhook", firm_id="", role="system", practice_ids=frozenset())
SEEN_FOR = timedelta(days=90)  # Stripe retries for up to 3 days
STRIPE_ID = re.compile(r"^[A-Za-z0-9_]{1,255}$")


class BadSignature(BadRequest):
    slug, title = "bad-signature", "Signature not verified"


def receive(raw_body: bytes, signature: str | None) -> WebhookAck:
    event = _verify(raw_body, signature)
    handler = HANDLERS.get(event.get("type", ""))
    outcome = handler(event) if handler and _well_formed(event) and _our_mode(event) else "ignored"
    get_logger().info("stripe webhook", extra={"event_id": event.get("id"), "event_type": event.get("type"),
                                               "outcome": outcome})
    return WebhookAck(event_id=str(event.get("id", "")), outcome=outcome)


def _verify(raw_body: bytes, signature: str | None) -> Event:
    import stripe  # loaded with the first webhook, not at cold start

    secret = get_app_secret().stripe_webhook_secret
    if not secret:
        get_logger().error("the app secret has no stripe_webhook_secret: every webhook is refused")
    try:
        event = stripe.Webhook.construct_event(raw_body, signature, secret)
    except stripe.SignatureVerificationError:
        raise BadSignature("The Stripe-Signature header does not sign this body, or is too old.") from None
    except ValueError:  # signed, yet not UTF-8 JSON of a Stripe event
        raise BadRequest("The body is not a Stripe event.") from None
    return event.to_dict()


def _well_formed(event: Event) -> bool:
    """Ids that will become key parts are checked, so even a surprising (signed) event cannot break a key."""
    obj = (event.get("data") or {}).get("object") or {}
    return all(isinstance(v, str) and STRIPE_ID.match(v) for v in (event.get("id"), obj.get("id")))


def _our_mode(event: Event) -> bool:
    """Stripe sends a live platform's Connect endpoint test-mode events too: act only on events of the mode our
    key is in (a test key locally and in tests, a live key in production)."""
    live_key = get_app_secret().stripe_secret_key.startswith(("sk_live_", "rk_live_"))
    return bool(event.get("livemode")) == live_key


def _scope(practice_id: str) -> PracticeScope:
    return PracticeScope(practice_id, WEBHOOK)


def _marker(practice_id: str, event: Event) -> StripeEventSeen:
    now = now_iso()
    return StripeEventSeen(keys.practice_pk(practice_id), keys.stripe_event_sk(event["id"]), id=event["id"],
                           event_type=event["type"], created_at=now, updated_at=now, expires_at=utcnow() + SEEN_FOR)


def _save_with_marker(marker: StripeEventSeen, *items: Item) -> str:
    """The marker and what the event changed, together; the marker already there means a redelivery. (The
    marker is not read first: its conditional put is the check, so a first delivery costs no read for it.)"""
    try:
        with store.transaction() as tx:
            for item in (marker, *items):
                tx.save(item)
    except TransactWriteError as error:
        first = (error.cancellation_reasons or [None])[0]
        if first is not None and first.code == "ConditionalCheckFailed":
            return "duplicate"
        raise store.translate_transaction(error, "Stripe event") from None
    return "processed"


def _posted_or_duplicate(post: Callable[[], ledger.Posting], marker: StripeEventSeen) -> str:
    try:
        posting = post()
    except ledger.WriteRefused as refused:
        if refused.item is marker:
            return "duplicate"
        raise  # the co-pay changed under us: 409, and Stripe delivers the event again later
    if posting.created:
        return "processed"
    _save_with_marker(marker)  # this money was posted under another event: this one is only marked as seen
    return "duplicate"


def _copay_of_intent(event: Event, intent: Event) -> Copay | None:
    meta = intent.get("metadata") or {}
    ids = [meta.get(name) for name in ("practice_id", "visit_id", "copay_id")]
    if not all(isinstance(value, str) and is_id(value) for value in ids):
        return None  # not a PaymentIntent this app made for a co-pay
    practice_id, visit_id, copay_id = ids
    try:
        copay = Copay.get(keys.practice_pk(practice_id), keys.copay_sk(visit_id, copay_id), consistent_read=True)
    except Copay.DoesNotExist:
        return None
    return copay if _belongs(event, copay, intent["id"]) else None


def _belongs(event: Event, copay: Copay, intent_id: str) -> bool:
    # Connect events name the connected account; a platform event (localstripe's) has none to compare.
    same_account = not event.get("account") or event["account"] == copay.stripe_account_id
    return isinstance(copay, Copay) and copay.payment_intent_id in (None, intent_id) and same_account


def _payment_succeeded(event: Event) -> str:
    intent = event["data"]["object"]
    copay = _copay_of_intent(event, intent)
    if copay is None or intent.get("currency") != "usd":
        return "ignored"
    received = int(intent.get("amount_received") or intent["amount"])  # Stripe's amount, as it is
    if received != int(copay.amount_cents):
        get_logger().warning("card co-pay received another amount", extra={"copay_id": copay.id,
                                                                          "expected": int(copay.amount_cents),
                                                                          "received": received})
    copay.status, copay.payment_intent_id, copay.failure_code = "paid", intent["id"], None
    copay.updated_at = now_iso()
    marker = _marker(copay.practice_id, event)
    return _posted_or_duplicate(lambda: ledger.post(
        _scope(copay.practice_id), copay.patient_id, "payment", Money(-received), f"pi:{intent['id']}",
        memo="co-pay by card", with_items=[marker, copay]), marker)


def _payment_failed(event: Event) -> str:
    intent = event["data"]["object"]
    copay = _copay_of_intent(event, intent)
    if copay is None:
        return "ignored"
    marker = _marker(copay.practice_id, event)
    if copay.status == "paid":
        return _save_with_marker(marker)  # a failed attempt reported after the one that succeeded
    error = intent.get("last_payment_error") or {}
    copay.status, copay.payment_intent_id = "failed", intent["id"]
    copay.failure_code = str(error.get("code") or error.get("decline_code") or "payment_failed")[:64]
    copay.updated_at = now_iso()
    return _save_with_marker(marker, copay)


def _copay_of_charge(event: Event, charge: Event) -> Copay | None:
    intent_id = charge.get("payment_intent")
    if not isinstance(intent_id, str) or not STRIPE_ID.match(intent_id):
        return None
    for found in Copay.gsi1.query(keys.payment_intent_index_pk(intent_id)):
        copay = Copay.get(found.pk, found.sk, consistent_read=True)
        if _belongs(event, copay, intent_id):
            return copay
    return None


def _charge_refunded(event: Event) -> str:
    charge = event["data"]["object"]
    copay = _copay_of_charge(event, charge)
    if copay is None:
        return "ignored"
    marker = _marker(copay.practice_id, event)
    refunded = int(charge.get("amount_refunded") or 0)  # cumulative over every refund of the charge
    growth = refunded - int(copay.refunded_cents)
    if growth <= 0:
        return _save_with_marker(marker)  # nothing new, or an older snapshot arriving after a newer one
    copay.refunded_cents, copay.updated_at = refunded, now_iso()
    return _posted_or_duplicate(lambda: ledger.post(
        _scope(copay.practice_id), copay.patient_id, "refund", Money(growth), f"refund:{charge['id']}:{refunded}",
        memo="card co-pay refunded", with_items=[marker, copay]), marker)


def _account_updated(event: Event) -> str:
    account = event["data"]["object"]
    outcomes = []
    for item in accounts.accounts_linked_to(account["id"]):
        marker = _marker(item.practice_id, event)
        changed = accounts.apply_status(item, account, int(event.get("created") or 0))
        outcomes.append(_save_with_marker(marker, item) if changed else _save_with_marker(marker))
    if not outcomes:
        return "ignored"
    return "processed" if "processed" in outcomes else "duplicate"


HANDLERS: dict[str, Callable[[Event], str]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
    "account.updated": _account_updated,
}
