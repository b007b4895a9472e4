"""Co-pays taken at the front desk, at check-in or check-out.

Cash and check: the co-pay and its ledger posting are one transaction (cause `copay:<copay id>`).
Card: a PaymentIntent on the practice's connected account (a direct charge: the `Stripe-Account` header), its
client secret handed to Stripe.js; the ledger posting waits for `payment_intent.succeeded` (chalicelib/payments/
webhooks.py). The PaymentIntent's idempotency key, `copay-<copay id>`, is saved with the co-pay before Stripe is
called, so a call that crashed or timed out is resumed by the next request for the same co-pay and can never
make a second PaymentIntent (rocket-rides-atomic). Stripe sees ids only: no names, no diagnoses.
"""
from __future__ import annotations

from typing import Any

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.db import keys, store
from chalicelib.db.pages import query_page
from chalicelib.ledger import service as ledger
from chalicelib.payments import accounts
from chalicelib.payments.items import Copay, StripeAccount
from chalicelib.payments.models import CopayCreate, CopayOut
from chalicelib.payments.stripe_client import get_stripe, stripe_errors
from chalicelib.visits import service as visits
from chalicelib.visits.items import Visit

Page = tuple[list[Any], str | None]
AT_THE_DESK = {"checked_in", "checked_out"}  # a co-pay is taken when the patient is there


def take(scope: PracticeScope, visit_id: str, data: CopayCreate, audit: Audit | None = None) -> CopayOut:
    """A card co-pay reads the visit, the practice's account and the visit's unfinished co-pays at once."""
    if data.method != "card":
        return _in_hand(scope, _at_the_desk(visits.require(scope, visit_id)), data, audit)
    visit, account, unfinished = together(lambda: visits.require(scope, visit_id),
                                          lambda: accounts.find(scope),
                                          lambda: _unfinished(scope, visit_id, data))
    return _by_card(scope, _at_the_desk(visit), accounts.ready(account), unfinished, data, audit)


def _at_the_desk(visit: Visit) -> Visit:
    if visit.status not in AT_THE_DESK:
        raise Conflict(f"A co-pay is taken at check-in or check-out; this visit is {visit.status}.")
    return visit


def _new(scope: PracticeScope, visit: Visit, data: CopayCreate, **fields: Any) -> Copay:
    copay_id, now = new_id(), now_iso()
    return Copay(keys.practice_pk(scope.practice_id), keys.copay_sk(visit.id, copay_id), id=copay_id,
                 practice_id=scope.practice_id, visit_id=visit.id, patient_id=visit.patient_id, method=data.method,
                 amount_cents=data.amount_cents, check_number=data.check_number, refunded_cents=0,
                 created_at=now, updated_at=now, **fields)


def _in_hand(scope: PracticeScope, visit: Visit, data: CopayCreate, audit: Audit | None) -> CopayOut:
    copay = _new(scope, visit, data, status="paid")
    ledger.post(scope, visit.patient_id, "payment", Money(-data.amount_cents), f"copay:{copay.id}",
                memo=f"co-pay by {data.method}", with_items=[copay], audit=audit, made_id=copay.id)
    return CopayOut.model_validate(copay)


def _by_card(scope: PracticeScope, visit: Visit, account: StripeAccount, unfinished: Copay | None,
             data: CopayCreate, audit: Audit | None) -> CopayOut:
    """Two writes, by design: the co-pay with its idempotency key before Stripe is called, then the intent
    Stripe made, with the route's audit record."""
    copay = unfinished
    if copay is None:
        copay = _new(scope, visit, data, status="creating", stripe_account_id=account.account_id)
        copay.idempotency_key = f"copay-{copay.id}"
        store.create(copay, "co-pay")  # the key is stored before Stripe is called
    intent = _create_intent(copay)
    changes = {"status": "awaiting_payment", "payment_intent_id": intent.id,
               "gsi1pk": keys.payment_intent_index_pk(intent.id), "gsi1sk": copay.sk}
    if audit is not None:
        audit.made(copay.id)
    copay = store.update(copay, changes, copay.version, "co-pay", audit)
    return CopayOut.model_validate(copay).model_copy(update={"client_secret": intent.client_secret})


def _unfinished(scope: PracticeScope, visit_id: str, data: CopayCreate) -> Copay | None:
    """A card co-pay of this amount left `creating` by a request that died while calling Stripe: resumed with
    its saved key, Stripe returns the PaymentIntent it may already have made instead of making another."""
    for copay in Copay.query(keys.practice_pk(scope.practice_id),
                             Copay.sk.startswith(keys.copays_prefix(visit_id)), consistent_read=True):
        if copay.status == "creating" and copay.method == "card" and int(copay.amount_cents) == data.amount_cents:
            return copay
    return None


def _create_intent(copay: Copay) -> Any:
    params = {"amount": int(copay.amount_cents), "currency": "usd", "payment_method_types": ["card"],
              # Ids only. practice_id lets the webhook find the practice; the rest find the co-pay.
              "metadata": {"practice_id": copay.practice_id, "visit_id": copay.visit_id,
                           "patient_id": copay.patient_id, "copay_id": copay.id}}
    options = {"stripe_account": copay.stripe_account_id, "idempotency_key": copay.idempotency_key}
    try:
        with stripe_errors("create the card payment"):
            return get_stripe().v1.payment_intents.create(params, options)
    except Conflict as refused:
        # Stripe refused the request itself (not a network failure): this co-pay will not be resumed.
        store.update(copay, {"status": "failed", "failure_code": "stripe_refused"}, copay.version, "co-pay")
        raise refused


def list_for(scope: PracticeScope, visit_id: str, limit: int, cursor: str | None) -> Page:
    _, page = together(lambda: visits.require(scope, visit_id),
                       lambda: query_page(Copay, keys.practice_pk(scope.practice_id), keys.copays_prefix(visit_id),
                                          limit=limit, cursor=cursor))
    return [CopayOut.model_validate(copay) for copay in page.items], page.next_cursor
