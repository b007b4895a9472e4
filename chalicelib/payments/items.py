"""Stored items of payments (pk=PRACTICE#p). Keys are built in chalicelib/db/keys.py."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item


class StripeAccount(Item, discriminator="stripe_account"):
    """sk=STRIPE_ACCOUNT, one per practice; gsi1 (STRIPE_ACCOUNT#<acct id>) finds it from `account.updated`."""

    practice_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # null only while a created account is on its way
    state = UnicodeAttribute()  # creating | onboarding (created by us) | linked (an existing account)
    idempotency_key = UnicodeAttribute(null=True)  # of the account creation, saved before the call
    charges_enabled = BooleanAttribute(null=True)  # null: not heard from Stripe yet
    payouts_enabled = BooleanAttribute(null=True)
    details_submitted = BooleanAttribute(null=True)
    requirements_due = ListAttribute(of=UnicodeAttribute, null=True)
    status_at = NumberAttribute(null=True)  # `created` of the Stripe event or object the status came from


class Copay(Item, discriminator="copay"):
    """sk=COPAY#<visit>#<copay>; a card co-pay also sits in gsi1 under its PaymentIntent (refund webhooks)."""

    practice_id = UnicodeAttribute()
    visit_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    method = UnicodeAttribute()  # card | cash | check
    amount_cents = NumberAttribute()
    check_number = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # creating | awaiting_payment | paid | failed
    stripe_account_id = UnicodeAttribute(null=True)
    idempotency_key = UnicodeAttribute(null=True)  # of the PaymentIntent creation, saved before the call
    payment_intent_id = UnicodeAttribute(null=True)
    failure_code = UnicodeAttribute(null=True)
    refunded_cents = NumberAttribute(default=0)  # the refunds posted so far (Stripe's cumulative amount_refunded)


class StripeEventSeen(Item, discriminator="stripe_event"):
    """sk=STRIPE_EVENT#<event id>: written in the same transaction as what the event changed, so a
    redelivered event changes nothing. Kept past Stripe's retry window (3 days), then expires."""

    event_type = UnicodeAttribute()
