"""API tests: chalice's test client against moto's in-process AWS, resources made by infra/provision.py."""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.core.settings import get_settings
from infra.provision import provision
from tests.moto_query import partition_queries
from tests.moto_rollback import item_level_rollback, one_request_at_a_time

ROOT_KEY = "rcroot-test-root-key-0123456789abcdef"
STRIPE_SECRET_KEY = "sk_test_local_api_tests"
STRIPE_WEBHOOK_SECRET = "whsec_test_api_tests_0123456789abcdef"
VALID_NPIS = ["1234567893", "1245319599", "1679576722", "1003000126", "1497758544", "1841293990"]


@pytest.fixture(scope="session")
def aws() -> Iterator[None]:
    item_level_rollback()  # tests/moto_rollback.py: moto otherwise copies the whole table per transaction
    one_request_at_a_time()  # the app's calls made at once (core/fanout.py) reach moto's dicts in turn
    partition_queries()  # tests/moto_query.py: moto otherwise sorts the whole table for every Query
    with mock_aws():
        provision(get_settings(), {"root_key": ROOT_KEY, "signing_key": "test-signing-key",
                                   "stripe_secret_key": STRIPE_SECRET_KEY,
                                   "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET})
        yield


@pytest.fixture(scope="session")
def app(aws: None) -> Any:
    from app import app as chalice_app

    return chalice_app


class Api:
    """A thin JSON client: `api.post(path, body, key=...)` returns (status, parsed body, headers)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, body: Any = None, key: str | None = None,
             headers: dict[str, str] | None = None, raw: bytes | None = None) -> tuple[int, Any, dict[str, str]]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if key:
            sent["Authorization"] = f"Bearer {key}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=sent, body=payload)
        parsed = json.loads(response.body) if response.body else None
        return response.status_code, parsed, dict(response.headers)

    def get(self, path: str, key: str | None = None, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.call("GET", path, key=key, **kw)

    def post(self, path: str, body: Any, key: str | None = None, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.call("POST", path, body, key=key, **kw)

    def patch(self, path: str, body: Any, key: str | None = None, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.call("PATCH", path, body, key=key, **kw)

    def delete(self, path: str, key: str | None = None, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        return self.call("DELETE", path, key=key, **kw)


@pytest.fixture(scope="session")
def api(app: Any) -> Iterator[Api]:
    with Client(app) as client:
        yield Api(client)


def practice_body(**overrides: Any) -> dict[str, Any]:
    body = {"name": "Riverside Family Medicine", "npi": "1245319599", "tax_id": "12-3456789",
            "address": {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "627011234"}}
    return {**body, **overrides}


class World:
    """Factories for the objects most tests need: a firm with its admin key, practices, scoped keys."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def firm(self, name: str = "Acme Billing") -> tuple[str, str]:
        status, body, _ = self.api.post("/admin/firms", {"name": name}, key=ROOT_KEY)
        assert status == 201, body
        return body["firm"]["id"], body["api_key"]

    def practice(self, firm_key: str, **overrides: Any) -> str:
        status, body, _ = self.api.post("/practices", practice_body(**overrides), key=firm_key)
        assert status == 201, body
        return body["id"]

    def key(self, firm_key: str, role: str, practice_ids: list[str] | str) -> str:
        status, body, _ = self.api.post("/api-keys", {"role": role, "practice_ids": practice_ids}, key=firm_key)
        assert status == 201, body
        return body["api_key"]

    def clinic(self) -> dict[str, str]:
        """A firm's practice ready for the front desk: its admin key, a payer (the sandbox answers for it) and a
        rendering provider. Keys: key, firm, pid, base, payer, provider."""
        firm_id, admin = self.firm()
        pid = self.practice(admin)
        base = f"/practices/{pid}"
        made = {}
        for name, path, body in [("payer", "/payers", {"name": "Aetna", "payer_id": "60054"}),
                                 ("provider", "/providers", {"entity_type": "individual", "npi": "1679576722",
                                                             "first_name": "Sam", "last_name": "Lee",
                                                             "taxonomy_code": "207Q00000X", "roles": ["rendering"]})]:
            status, answer, _ = self.api.post(base + path, body, key=admin)
            assert status == 201, answer
            made[name] = answer["id"]
        return {"key": admin, "firm": firm_id, "pid": pid, "base": base, **made}


@pytest.fixture
def world(api: Api) -> World:
    return World(api)
