"""A practice's Stripe account and co-pays, with stripe-python sending through a recording HTTP client."""
from __future__ import annotations

import pytest

from tests.api.payments_world import PATIENT, desk, stripe_http  # noqa: F401 (fixtures)


def test_linking_an_existing_account_shows_it_with_a_status_not_yet_known(desk):
    linked = desk.link()
    assert linked["account_id"] == desk.account and linked["state"] == "linked"
    status, shown, _ = desk.api.get(f"{desk.base}/stripe/account", key=desk.key)
    assert status == 200 and shown["charges_enabled"] is None and shown["requirements_due"] == []


def test_a_practice_without_an_account_has_none_to_show(desk):
    status, body, _ = desk.api.get(f"{desk.base}/stripe/account", key=desk.key)
    assert status == 404 and body["status"] == 404


def test_linking_the_same_account_again_changes_nothing_and_another_account_is_refused(desk):
    first = desk.link()
    assert desk.link()["version"] == first["version"]
    status, body, _ = desk.api.post(f"{desk.base}/stripe/account", {"account_id": desk.account + "b"},
                                    key=desk.admin)
    assert status == 409 and body["type"] == "/problems/conflict"


def test_an_account_linked_to_one_practice_cannot_be_linked_to_another(api, world, desk):
    desk.link()
    other = world.practice(desk.admin, name="Lakeside Clinic")
    status, body, _ = api.post(f"/practices/{other}/stripe/account", {"account_id": desk.account}, key=desk.admin)
    assert status == 409 and other not in str(body) and desk.practice not in str(body)


def test_only_firm_admins_link_a_practice_to_an_account(desk):
    status, _, _ = desk.api.post(f"{desk.base}/stripe/account", {"account_id": desk.account}, key=desk.key)
    assert status == 403


def test_creating_an_account_returns_an_onboarding_link_and_uses_a_saved_key(desk, stripe_http):
    urls = {"refresh_url": "https://app.example/stripe/refresh", "return_url": "https://app.example/stripe/done"}
    status, body, _ = desk.api.post(f"{desk.base}/stripe/account", urls, key=desk.admin)
    assert status == 201, body
    assert body["state"] == "onboarding" and body["onboarding_url"].startswith("https://connect.stripe.com/")
    assert body["charges_enabled"] is False and "external_account" in body["requirements_due"]
    [create] = stripe_http.calls("/v1/accounts")
    assert create.header("Idempotency-Key") == f"stripe-account-{desk.practice}"
    assert create.form["type"] == "standard" and create.form["metadata[practice_id]"] == desk.practice
    [link] = stripe_http.calls("/v1/account_links")
    assert link.form["account"] == body["account_id"] and link.form["type"] == "account_onboarding"


def test_asking_again_gives_a_new_onboarding_link_for_the_same_account(desk, stripe_http):
    urls = {"refresh_url": "https://app.example/r", "return_url": "https://app.example/d"}
    first = desk.api.post(f"{desk.base}/stripe/account", urls, key=desk.admin)[1]
    again = desk.api.post(f"{desk.base}/stripe/account", urls, key=desk.admin)[1]
    assert again["account_id"] == first["account_id"] and again["onboarding_url"] != first["onboarding_url"]
    assert len(stripe_http.calls("/v1/accounts")) == 1 and len(stripe_http.calls("/v1/account_links")) == 2


def test_creating_an_account_needs_both_onboarding_urls(desk, stripe_http):
    status, body, _ = desk.api.post(f"{desk.base}/stripe/account", {"return_url": "https://a.example/d"},
                                    key=desk.admin)
    assert status == 422 and stripe_http.sent == []


def test_a_card_copay_is_a_direct_charge_on_the_practice_account(desk, stripe_http):
    desk.link()
    visit = desk.visit()
    status, copay = desk.copay(visit, "card", 2500)
    assert status == 201, copay
    assert copay["status"] == "awaiting_payment" and copay["client_secret"].startswith(copay["payment_intent_id"])
    [sent] = stripe_http.calls("/v1/payment_intents")
    assert sent.header("Stripe-Account") == desk.account  # the practice's money, never the firm's
    assert sent.header("Idempotency-Key") == f"copay-{copay['id']}"
    assert sent.form["amount"] == "2500" and sent.form["currency"] == "usd"
    metadata = {k: v for k, v in sent.form.items() if k.startswith("metadata[")}
    assert metadata == {"metadata[practice_id]": desk.practice, "metadata[visit_id]": visit,
                        "metadata[patient_id]": desk.patient, "metadata[copay_id]": copay["id"]}
    assert desk.ledger() == []  # a card co-pay is posted when Stripe says it succeeded


def test_nothing_about_the_patient_but_ids_goes_to_stripe(desk, stripe_http):
    desk.link()
    desk.copay(desk.visit(), "card", 2500)
    sent = " ".join(f"{k}={v}" for s in stripe_http.sent for k, v in s.form.items())
    for value in (PATIENT["first_name"], PATIENT["last_name"], PATIENT["birth_date"], PATIENT["address"]["line1"]):
        assert value not in sent


def test_a_card_copay_without_a_stripe_account_is_refused_clearly(desk, stripe_http):
    status, body = desk.copay(desk.visit(), "card", 2500)
    assert status == 409 and body["type"] == "/problems/no-stripe-account" and stripe_http.sent == []


@pytest.mark.parametrize("method, extra", [("cash", {}), ("check", {"check_number": "1042"})])
def test_a_cash_or_check_copay_is_posted_to_the_ledger_at_once(desk, method, extra):
    visit = desk.visit()
    status, copay = desk.copay(visit, method, 3000, **extra)
    assert status == 201 and copay["status"] == "paid" and copay["client_secret"] is None
    [entry] = desk.ledger()
    assert (entry["kind"], entry["amount_cents"], entry["cause"]) == ("payment", -3000, f"copay:{copay['id']}")
    assert desk.balance() == -3000 and desk.copays(visit)[0]["id"] == copay["id"]


def test_a_check_needs_its_number_and_only_a_check_has_one(desk):
    visit = desk.visit()
    assert desk.copay(visit, "check", 3000)[0] == 422
    assert desk.copay(visit, "cash", 3000, check_number="1042")[0] == 422
    assert desk.copay(visit, "cash", 0)[0] == 422
    assert desk.ledger() == []


def test_a_copay_before_check_in_is_refused(desk):
    status, body = desk.copay(desk.visit(checked_in=False), "cash", 2500)
    assert status == 409 and "scheduled" in body["detail"] and desk.ledger() == []


def test_an_idempotency_key_replays_the_copay_answer_and_calls_stripe_once(desk, stripe_http):
    desk.link()
    visit = desk.visit()
    body, headers = {"method": "card", "amount_cents": 2500}, {"Idempotency-Key": "desk-click-1"}
    first = desk.api.post(f"{desk.base}/visits/{visit}/copays", body, key=desk.key, headers=headers)
    again = desk.api.post(f"{desk.base}/visits/{visit}/copays", body, key=desk.key, headers=headers)
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert len(stripe_http.calls("/v1/payment_intents")) == 1 and len(desk.copays(visit)) == 1


def test_a_card_copay_whose_stripe_call_got_no_answer_is_resumed_with_its_saved_key(desk, stripe_http):
    desk.link()
    visit = desk.visit()
    stripe_http.drop_next()  # Stripe made the PaymentIntent, but the answer never came back
    status, body = desk.copay(visit, "card", 2500)
    assert status == 502 and body["type"] == "/problems/upstream-unavailable"
    [waiting] = desk.copays(visit)
    assert waiting["status"] == "creating"
    status, copay = desk.copay(visit, "card", 2500)  # the front desk tries again
    assert status == 201 and copay["id"] == waiting["id"]
    first, second = stripe_http.calls("/v1/payment_intents")
    assert first.header("Idempotency-Key") == second.header("Idempotency-Key") == f"copay-{waiting['id']}"
    assert len(desk.copays(visit)) == 1 and copay["payment_intent_id"] == stripe_http.answers[
        f"copay-{waiting['id']}"]["id"]  # the PaymentIntent Stripe made the first time


def test_a_card_copay_stripe_refuses_is_409_and_not_resumed(desk, stripe_http):
    desk.link()
    visit = desk.visit()
    stripe_http.refuse_next(400, "account_invalid")
    status, body = desk.copay(visit, "card", 2500)
    assert status == 409 and "account_invalid" in body["detail"]
    assert [c["status"] for c in desk.copays(visit)] == ["failed"]
    assert desk.copay(visit, "card", 2500)[0] == 201 and len(desk.copays(visit)) == 2


def test_a_refused_api_key_is_the_deployment_s_fault_and_leaves_the_copay_to_resume(desk, stripe_http):
    desk.link()
    visit = desk.visit()
    stripe_http.refuse_next(401, "")
    status, body = desk.copay(visit, "card", 2500)
    assert status == 502 and [c["status"] for c in desk.copays(visit)] == ["creating"]
