"""POST /webhooks/stripe: signed events from Stripe, verified, deduplicated, posted once."""
from __future__ import annotations

import time

from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.ledger import service as ledger
from chalicelib.payments.events import HANDLED_EVENTS
from chalicelib.payments.webhooks import HANDLERS
from tests.api.payments_world import deliver, desk, stripe_http  # noqa: F401 (fixtures)
from tests.stripe_fakes import event, signed


def card_copay(desk, amount=2500):
    desk.link()
    visit = desk.visit()
    status, copay = desk.copay(visit, "card", amount)
    assert status == 201, copay
    return visit, copay


def intent_of(desk, visit, copay, **changes):
    """The PaymentIntent as a webhook carries it: what the app sent to Stripe, and Stripe's state."""
    return {"id": copay["payment_intent_id"], "object": "payment_intent", "amount": copay["amount_cents"],
            "amount_received": copay["amount_cents"], "currency": "usd", "status": "succeeded",
            "metadata": {"practice_id": desk.practice, "visit_id": visit, "patient_id": desk.patient,
                         "copay_id": copay["id"]}, **changes}


def test_the_app_handles_exactly_the_events_make_run_subscribes_to():
    assert set(HANDLERS) == set(HANDLED_EVENTS)


def test_a_signed_payment_succeeded_posts_the_payment_and_marks_the_copay_paid(desk):
    visit, copay = card_copay(desk)
    status, ack = deliver(desk.api, event("payment_intent.succeeded", intent_of(desk, visit, copay),
                                          event_id="evt_paid1", account=desk.account))
    assert status == 200 and ack == {"received": True, "event_id": "evt_paid1", "outcome": "processed"}
    [entry] = desk.ledger()
    assert (entry["kind"], entry["amount_cents"], entry["cause"]) == (
        "payment", -2500, f"pi:{copay['payment_intent_id']}")
    assert desk.copays(visit)[0]["status"] == "paid" and desk.balance() == -2500


def test_a_replayed_webhook_posts_nothing(desk):
    visit, copay = card_copay(desk)
    body = event("payment_intent.succeeded", intent_of(desk, visit, copay), event_id="evt_replayed")
    assert deliver(desk.api, body)[1]["outcome"] == "processed"
    status, ack = deliver(desk.api, body)
    assert status == 200 and ack["outcome"] == "duplicate"
    assert len(desk.ledger()) == 1 and desk.balance() == -2500


def test_another_event_for_the_same_payment_intent_posts_nothing(desk):
    visit, copay = card_copay(desk)
    intent = intent_of(desk, visit, copay)
    assert deliver(desk.api, event("payment_intent.succeeded", intent, event_id="evt_first"))[1]["outcome"] == \
        "processed"
    status, ack = deliver(desk.api, event("payment_intent.succeeded", intent, event_id="evt_resent"))
    assert status == 200 and ack["outcome"] == "duplicate" and len(desk.ledger()) == 1


def test_a_bad_signature_is_400_and_changes_nothing(desk):
    visit, copay = card_copay(desk)
    status, body = deliver(desk.api, event("payment_intent.succeeded", intent_of(desk, visit, copay)),
                           secret="whsec_someone_else")
    assert status == 400 and body["type"] == "/problems/bad-signature"
    assert desk.ledger() == [] and desk.copays(visit)[0]["status"] == "awaiting_payment"


def test_a_stale_signature_is_400(desk):
    visit, copay = card_copay(desk)
    status, body = deliver(desk.api, event("payment_intent.succeeded", intent_of(desk, visit, copay)),
                           timestamp=int(time.time()) - 600)
    assert status == 400 and desk.ledger() == []


def test_a_body_changed_after_signing_is_400(desk):
    visit, copay = card_copay(desk)
    payload, signature = signed(event("payment_intent.succeeded", intent_of(desk, visit, copay)), "whsec_x")
    status, body, headers = desk.api.call("POST", "/webhooks/stripe", raw=payload.replace(b"2500", b"9999"),
                                          headers={"Stripe-Signature": signature})
    assert status == 400 and headers["Content-Type"] == "application/problem+json"


def test_an_unsigned_webhook_is_400(api):
    status, body, _ = api.call("POST", "/webhooks/stripe", raw=b'{"id": "evt_1", "type": "account.updated"}')
    assert status == 400 and body["status"] == 400


def test_an_oversized_webhook_body_is_refused_before_it_is_read(api):
    payload, signature = signed({"id": "evt_big", "pad": "x" * 300_000}, "whsec_any")
    status, body, _ = api.call("POST", "/webhooks/stripe", raw=payload, headers={"Stripe-Signature": signature})
    assert status == 413 and body["type"] == "/problems/payload-too-large"


def test_an_event_about_a_payment_intent_the_copay_does_not_hold_is_ignored(desk):
    visit, copay = card_copay(desk)
    forged = intent_of(desk, visit, copay, id="pi_not_ours")  # made in the account outside the app
    status, ack = deliver(desk.api, event("payment_intent.succeeded", forged))
    assert status == 200 and ack["outcome"] == "ignored" and desk.ledger() == []


def test_an_event_from_another_connected_account_is_ignored(desk):
    visit, copay = card_copay(desk)
    body = event("payment_intent.succeeded", intent_of(desk, visit, copay), account="acct_elsewhere")
    assert deliver(desk.api, body)[1]["outcome"] == "ignored" and desk.ledger() == []


def test_an_event_of_the_other_mode_is_ignored(desk):
    visit, copay = card_copay(desk)
    live = {**event("payment_intent.succeeded", intent_of(desk, visit, copay)), "livemode": True}
    assert deliver(desk.api, live)[1]["outcome"] == "ignored" and desk.ledger() == []  # the key is sk_test_


def test_a_failed_payment_marks_the_copay_failed_and_posts_nothing(desk):
    visit, copay = card_copay(desk)
    failed = intent_of(desk, visit, copay, status="requires_payment_method", amount_received=0,
                       last_payment_error={"code": "card_declined"})
    assert deliver(desk.api, event("payment_intent.payment_failed", failed))[1]["outcome"] == "processed"
    [shown] = desk.copays(visit)
    assert shown["status"] == "failed" and shown["failure_code"] == "card_declined" and desk.ledger() == []


def test_a_late_failure_of_an_earlier_attempt_does_not_undo_a_payment(desk):
    visit, copay = card_copay(desk)
    deliver(desk.api, event("payment_intent.succeeded", intent_of(desk, visit, copay), event_id="evt_ok"))
    failed = intent_of(desk, visit, copay, last_payment_error={"code": "card_declined"})
    deliver(desk.api, event("payment_intent.payment_failed", failed, event_id="evt_late"))
    assert desk.copays(visit)[0]["status"] == "paid" and len(desk.ledger()) == 1


def charge_of(copay, refunded):
    return {"id": "ch_" + copay["payment_intent_id"][3:], "object": "charge", "amount": copay["amount_cents"],
            "amount_refunded": refunded, "currency": "usd", "payment_intent": copay["payment_intent_id"]}


def test_partial_refunds_post_what_was_refunded_each_time_and_a_late_snapshot_nothing(desk):
    visit, copay = card_copay(desk)
    deliver(desk.api, event("payment_intent.succeeded", intent_of(desk, visit, copay), event_id="evt_pay"))
    deliver(desk.api, event("charge.refunded", charge_of(copay, 1000), event_id="evt_ref1"))
    deliver(desk.api, event("charge.refunded", charge_of(copay, 2500), event_id="evt_ref2"))
    assert deliver(desk.api, event("charge.refunded", charge_of(copay, 1000), event_id="evt_ref1_late"))[1][
        "outcome"] == "processed"
    assert [(e["kind"], e["amount_cents"]) for e in desk.ledger()] == [
        ("payment", -2500), ("refund", 1000), ("refund", 1500)]
    assert desk.balance() == 0 and desk.copays(visit)[0]["refunded_cents"] == 2500
    scope = PracticeScope(desk.practice, Principal("test", "f", "firm_admin", None))
    assert ledger.check(scope, desk.patient).ok


def test_account_updated_keeps_the_practice_account_status_and_ignores_an_older_one(desk):
    desk.link()
    now = int(time.time())
    ready = {"id": desk.account, "object": "account", "charges_enabled": True, "payouts_enabled": True,
             "details_submitted": True, "requirements": {"currently_due": []}}
    assert deliver(desk.api, event("account.updated", ready, event_id="evt_acct_new", created=now,
                                   account=desk.account))[1]["outcome"] == "processed"
    older = {**ready, "charges_enabled": False, "requirements": {"currently_due": ["external_account"]}}
    deliver(desk.api, event("account.updated", older, event_id="evt_acct_old", created=now - 60))
    shown = desk.api.get(f"{desk.base}/stripe/account", key=desk.key)[1]
    assert shown["charges_enabled"] is True and shown["requirements_due"] == []


def test_an_account_the_app_does_not_know_and_other_event_types_are_acknowledged_and_ignored(api):
    unknown = event("account.updated", {"id": "acct_unknown0", "object": "account"})
    assert deliver(api, unknown) == (200, {"received": True, "event_id": "evt_test1", "outcome": "ignored"})
    other = event("customer.created", {"id": "cus_123", "object": "customer"}, event_id="evt_cus")
    assert deliver(api, other)[1]["outcome"] == "ignored"
