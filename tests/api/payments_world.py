"""Fixtures of the payment tests: a practice's front desk with a checked-in visit, Stripe behind a recorder."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from chalicelib.payments import stripe_client
from tests.api.conftest import STRIPE_WEBHOOK_SECRET, Api, World
from tests.stripe_fakes import RecordingStripe, signed

PATIENT = {"first_name": "Paula", "last_name": "Payer", "birth_date": "1979-09-09", "sex": "F",
           "address": {"line1": "9 Oak St", "city": "Springfield", "state": "IL", "zip": "62704"}}
PROVIDER = {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam", "last_name": "Lee",
            "taxonomy_code": "207Q00000X", "roles": ["rendering", "billing"]}
VISIT = {"scheduled_at": "2026-12-01T15:00:00Z", "visit_type": "established", "place_of_service": "11"}


@pytest.fixture
def stripe_http() -> Iterator[RecordingStripe]:
    recorder = RecordingStripe()
    stripe_client.use_http_client(recorder)
    yield recorder
    stripe_client.use_http_client(None)


class Desk:
    def __init__(self, api: Api, world: World) -> None:
        self.api = api
        _, self.admin = world.firm()
        self.practice = world.practice(self.admin)
        self.base = f"/practices/{self.practice}"
        self.key = world.key(self.admin, "front_desk", [self.practice])
        self.patient = api.post(f"{self.base}/patients", PATIENT, key=self.admin)[1]["id"]
        self.provider = api.post(f"{self.base}/providers", PROVIDER, key=self.admin)[1]["id"]
        self.account = f"acct_{self.practice}"  # unique: every test shares one table, and an account one practice

    def visit(self, checked_in: bool = True) -> str:
        status, visit, _ = self.api.post(f"{self.base}/visits", {
            "patient_id": self.patient, "provider_id": self.provider, **VISIT}, key=self.key)
        assert status == 201, visit
        if checked_in:
            status, visit, _ = self.api.post(f"{self.base}/visits/{visit['id']}/check-in",
                                             {"version": visit["version"]}, key=self.key)
            assert status == 200, visit
        return visit["id"]

    def link(self, account_id: str | None = None) -> dict[str, Any]:
        status, body, _ = self.api.post(f"{self.base}/stripe/account", {"account_id": account_id or self.account},
                                        key=self.admin)
        assert status == 201, body
        return body

    def copay(self, visit_id: str, method: str = "card", amount: int = 2500, **extra: Any) -> tuple[int, Any]:
        status, body, _ = self.api.post(f"{self.base}/visits/{visit_id}/copays",
                                        {"method": method, "amount_cents": amount, **extra}, key=self.key)
        return status, body

    def ledger(self) -> list[dict[str, Any]]:
        status, body, _ = self.api.get(f"{self.base}/patients/{self.patient}/ledger", key=self.key)
        assert status == 200, body
        return body["data"]

    def balance(self) -> int:
        return self.api.get(f"{self.base}/patients/{self.patient}/balance", key=self.key)[1]["balance_cents"]

    def copays(self, visit_id: str) -> list[dict[str, Any]]:
        return self.api.get(f"{self.base}/visits/{visit_id}/copays", key=self.key)[1]["data"]


@pytest.fixture
def desk(api: Api, world: World, stripe_http: RecordingStripe) -> Desk:
    return Desk(api, world)


def deliver(api: Api, body: dict[str, Any], secret: str = STRIPE_WEBHOOK_SECRET,
            timestamp: int | None = None) -> tuple[int, Any]:
    """POST an event to the webhook, signed as Stripe signs it."""
    payload, signature = signed(body, secret, timestamp)
    status, answer, _ = api.call("POST", "/webhooks/stripe", raw=payload, headers={"Stripe-Signature": signature})
    return status, answer
