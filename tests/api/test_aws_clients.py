"""The container's AWS clients (chalicelib/core/aws.py): one botocore session, one client per service, the
DynamoDB client shared by every kind of item, none made again once made."""
from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from chalicelib.core import aws
from chalicelib.db.counters import Counter
from chalicelib.db.models import ApiKey, Firm, Practice
from chalicelib.patients.items import MrnClaim, Patient
from tests.api.test_eligibility import PATIENT


@pytest.fixture
def clients_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The service of every botocore client made from now on, by any session (botocore's, not ours, is wrapped)."""
    made: list[str] = []
    create = botocore.session.Session.create_client

    def counted(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        made.append(service_name)
        return create(self, service_name, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counted)
    return made


def test_every_kind_of_item_is_stored_through_the_one_dynamodb_client(world) -> None:
    world.firm()
    for kind in (Firm, ApiKey, Practice, Patient, MrnClaim, Counter):
        assert kind._get_connection().connection.client is aws.client("dynamodb"), kind.__name__


def test_a_front_desk_morning_makes_each_aws_client_at_most_once(api, world, clients_made) -> None:
    _, admin = world.firm()
    pid = world.practice(admin)
    base = f"/practices/{pid}"
    payer = api.post(f"{base}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]["id"]
    for first_name, member_id in (("Ana", "ACT0101"), ("Luis", "ACT0102")):  # each check keeps its 270 and 271
        patient = api.post(f"{base}/patients", {**PATIENT, "first_name": first_name}, key=admin)[1]["id"]
        url = f"{base}/patients/{patient}"
        status, _, _ = api.post(f"{url}/coverages", {"payer_id": payer, "member_id": member_id,
                                                     "effective_from": "2020-01-01"}, key=admin)
        assert status == 201
        status, result, _ = api.post(f"{url}/eligibility-checks", {}, key=admin)
        assert status == 201 and result["status"] == "active"
        assert api.get(url, key=admin)[0] == 200
    assert sorted(clients_made) == sorted(set(clients_made))
