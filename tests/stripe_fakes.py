"""Stripe stand-ins for tests: an HTTP client for stripe-python that records what it is asked to send and
answers like Stripe for the few calls the app makes, and signed webhook bodies.

The recording client goes where stripe-python's own HTTP client would (`StripeClient(http_client=...)`), so
the requests it sees are exactly what would go over the wire: headers included, which localstripe ignores.
"""
from __future__ import annotations

import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe


@dataclass
class Sent:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class RecordingStripe(stripe.HTTPClient):
    """Answers POST /v1/payment_intents, /v1/accounts, /v1/account_links like Stripe, including idempotency:
    a key sent again gets the first answer. `refuse_next`/`drop_next` make the next call fail."""

    name = "recording"
    sent: list[Sent] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status, code); status 0: no answer

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)

    def refuse_next(self, status: int = 400, code: str = "account_invalid") -> None:
        self.failures.append((status, code))

    def drop_next(self) -> None:
        """The next call gets no answer, as when the network fails after Stripe has done the work."""
        self.failures.append((0, ""))

    def calls(self, path: str) -> list[Sent]:
        return [s for s in self.sent if s.path == path]

    def request(self, method: str, url: str, headers: Any, post_data: Any = None) -> tuple[str, int, dict]:
        sent = Sent(method.upper(), urlsplit(url).path, dict(headers or {}), dict(parse_qsl(post_data or "")))
        self.sent.append(sent)
        key = sent.header("Idempotency-Key") or f"auto-{len(self.sent)}"
        answer = self.answers.get(key) or self._answer(sent)
        self.answers[key] = answer  # stored before a failure: Stripe did the work, the caller never heard
        if self.failures:
            status, code = self.failures.pop(0)
            if status == 0:
                raise stripe.APIConnectionError("no answer (test)")
            return json.dumps({"error": {"type": "invalid_request_error", "code": code}}), status, {}
        return json.dumps(answer), 200, {"request-id": f"req_{len(self.sent)}"}

    def _answer(self, sent: Sent) -> dict[str, Any]:
        n, now = f"{next(self._ids)}x{secrets.token_hex(4)}", int(time.time())  # unique, as Stripe's ids are
        if sent.path == "/v1/payment_intents":
            metadata = {k[9:-1]: v for k, v in sent.form.items() if k.startswith("metadata[")}
            return {"id": f"pi_test{n}", "object": "payment_intent", "amount": int(sent.form["amount"]),
                    "currency": sent.form["currency"], "status": "requires_payment_method", "metadata": metadata,
                    "client_secret": f"pi_test{n}_secret_{n}", "created": now}
        if sent.path == "/v1/accounts":
            return {"id": f"acct_test{n}", "object": "account", "type": "standard", "charges_enabled": False,
                    "payouts_enabled": False, "details_submitted": False, "created": now,
                    "requirements": {"currently_due": ["business_profile.url", "external_account"]}}
        if sent.path == "/v1/account_links":
            return {"object": "account_link", "url": f"https://connect.stripe.com/setup/s/test{n}",
                    "created": now, "expires_at": now + 300}
        raise AssertionError(f"the app made an unexpected Stripe call: {sent.method} {sent.path}")

    def close(self) -> None:
        pass


def event(event_type: str, obj: dict[str, Any], *, event_id: str = "evt_test1", account: str | None = None,
          created: int | None = None) -> dict[str, Any]:
    body = {"id": event_id, "object": "event", "type": event_type, "api_version": "2025-01-27.acacia",
            "created": created or int(time.time()), "livemode": False, "data": {"object": obj}}
    if account:
        body["account"] = account
    return body


def signed(body: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """The body as Stripe sends it, and its Stripe-Signature header (Stripe's v1 scheme, by stripe-python)."""
    payload = json.dumps(body)
    return payload.encode(), stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
