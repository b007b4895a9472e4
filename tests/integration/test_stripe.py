"""Card co-pays end to end on the local stack: the app makes a PaymentIntent in localstripe, confirming it
there makes localstripe send a signed `payment_intent.succeeded` to the app (registered by `make run`), and the
patient's ledger shows the payment once. Also: ledger postings racing on DynamoDB Local."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
import stripe

from local.config import REPO
from local.stripe import LOCAL_SECRET_KEY
from tests.integration.running_stack import RunningStack
from tests.stripe_fakes import signed

pytestmark = pytest.mark.integration

PRACTICE = {"name": "Riverside Family Medicine", "npi": "1245319599", "tax_id": "12-3456789",
            "address": {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}
PATIENT = {"first_name": "Carla", "last_name": "Card", "birth_date": "1990-04-04", "sex": "F",
           "address": {"line1": "4 Pine St", "city": "Springfield", "state": "IL", "zip": "62704"}}
PROVIDER = {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam", "last_name": "Lee",
            "taxonomy_code": "207Q00000X", "roles": ["rendering"]}


def call(stack: RunningStack, method: str, path: str, key: str, body: Any = None) -> requests.Response:
    return requests.request(method, stack.api + path, json=body, headers={"Authorization": f"Bearer {key}"},
                            timeout=30)


def made(stack: RunningStack, path: str, key: str, body: Any) -> dict[str, Any]:
    answer = call(stack, "POST", path, key, body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


@pytest.fixture(scope="module")
def desk(stack: RunningStack) -> dict[str, str]:
    admin = made(stack, "/admin/firms", stack.root_key, {"name": "Card Billing"})["api_key"]
    base = "/practices/" + made(stack, "/practices", admin, PRACTICE)["id"]
    patient = made(stack, base + "/patients", admin, PATIENT)["id"]
    provider = made(stack, base + "/providers", admin, PROVIDER)["id"]
    visit = made(stack, base + "/visits", admin, {"patient_id": patient, "provider_id": provider,
                                                   "scheduled_at": "2026-12-01T15:00:00Z", "visit_type": "established",
                                                   "place_of_service": "11"})
    made(stack, f"{base}/visits/{visit['id']}/check-in", admin, {"version": visit["version"]})
    made(stack, base + "/stripe/account", admin, {"account_id": "acct_riverside"})  # localstripe has no Connect
    return {"key": admin, "base": base, "patient": patient, "visit": visit["id"]}


@pytest.fixture(scope="module")
def localstripe(stack: RunningStack) -> stripe.StripeClient:
    return stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": f"http://127.0.0.1:{stack.ports['STRIPE_PORT']}"})


def ledger(stack: RunningStack, desk: dict[str, str]) -> list[dict[str, Any]]:
    answer = call(stack, "GET", f"{desk['base']}/patients/{desk['patient']}/ledger", desk["key"])
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def wait_for_entries(stack: RunningStack, desk: dict[str, str], count: int, seconds: float = 20) -> list[dict]:
    deadline = time.monotonic() + seconds
    while len(entries := ledger(stack, desk)) < count and time.monotonic() < deadline:
        time.sleep(0.3)  # localstripe sends its webhooks a second after the fact
    return entries


def webhook(stack: RunningStack, payload: bytes, signature: str) -> requests.Response:
    return requests.post(stack.api + "/webhooks/stripe", data=payload, timeout=30,
                         headers={"Content-Type": "application/json", "Stripe-Signature": signature})


def test_a_card_copay_confirmed_in_localstripe_posts_one_payment_and_a_replay_changes_nothing(
        stack, desk, localstripe):
    copay = made(stack, f"{desk['base']}/visits/{desk['visit']}/copays", desk["key"],
                 {"method": "card", "amount_cents": 2500})
    intent = localstripe.v1.payment_intents.retrieve(copay["payment_intent_id"])
    assert intent.amount == 2500 and intent.metadata.to_dict()["copay_id"] == copay["id"]
    # What Stripe.js does in the browser. localstripe's confirm takes no payment_method, so it is set first.
    localstripe.v1.payment_intents.update(intent.id, {"payment_method": "pm_card_visa"})
    assert localstripe.v1.payment_intents.confirm(intent.id).status == "succeeded"

    [entry] = wait_for_entries(stack, desk, 1)
    assert (entry["kind"], entry["amount_cents"], entry["cause"]) == ("payment", -2500, f"pi:{intent.id}")
    copays = call(stack, "GET", f"{desk['base']}/visits/{desk['visit']}/copays", desk["key"]).json()["data"]
    assert [c["status"] for c in copays if c["id"] == copay["id"]] == ["paid"]

    [sent] = [e for e in localstripe.v1.events.list({"type": "payment_intent.succeeded"}).data
              if e.data.object.id == intent.id]
    secret = (stack.state_dir / "stripe-webhook-secret").read_text().strip()
    replay = webhook(stack, *signed(sent.to_dict(), secret))
    assert replay.status_code == 200 and replay.json()["outcome"] == "duplicate"
    time.sleep(1.5)  # room for any second delivery to land, had there been one
    assert len(ledger(stack, desk)) == 1


def test_a_webhook_with_a_bad_signature_is_400(stack):
    payload, signature = signed({"id": "evt_x", "object": "event", "type": "payment_intent.succeeded",
                                 "data": {"object": {"id": "pi_x"}}}, "whsec_not_the_apps")
    answer = webhook(stack, payload, signature)
    assert answer.status_code == 400 and answer.headers["Content-Type"] == "application/problem+json"


RACE = """
import json
from concurrent.futures import ThreadPoolExecutor
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.money import Money
from chalicelib.ledger import service as ledger
scope = PracticeScope("01M840610B9DZ0GRXFN6GWBSXG", Principal("race", "f", "biller", None))
from chalicelib.core.errors import Conflict
def post(n):
    # A posting that loses the race too often answers 409 and its client sends it again, as this one does.
    for _ in range(100):
        try:
            return ledger.post(scope, "01M840610B9DZ0GRXFN6GWBSXH", "charge", Money(100), f"test:race-{n % 40}").created
        except Conflict:
            continue
    raise RuntimeError("still busy after 100 client retries")
with ThreadPoolExecutor(max_workers=8) as pool:
    created = sum(pool.map(post, range(80)))  # every cause twice: half of the postings must post nothing
check = ledger.check(scope, "01M840610B9DZ0GRXFN6GWBSXH")
print(json.dumps({"created": created, "ok": check.ok, "balance": check.balance_cents, "count": check.entry_count}))
"""


def test_postings_racing_for_one_patient_all_land_once_on_the_balance(stack):
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{stack.ports['DYNAMODB_PORT']}",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", RACE], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=180, check=True).stdout
    assert json.loads(out) == {"created": 40, "ok": True, "balance": 4000, "count": 40}
