"""The local stack as a developer uses it: the API over HTTP, DynamoDB Local's data on disk, Ctrl-C."""
from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import boto3
import pytest
import requests

from local import dynamodb
from local.config import REPO
from local.procs import Child, http_answers, spawn, stop_all, wait_ready
from tests.integration.running_stack import (RunningStack, descendants, free_ports, require_stack_tools, start_stack,
                                             stop_stack, wait_gone)

pytestmark = pytest.mark.integration

PRACTICE = {"name": "Riverside Family Medicine", "npi": "1245319599", "tax_id": "12-3456789",
            "address": {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_firm_creates_a_practice_and_lists_it_through_chalice_local(stack: RunningStack) -> None:
    created = requests.post(f"{stack.api}/admin/firms", json={"name": "Acme Billing"},
                            headers=bearer(stack.root_key), timeout=30)
    assert created.status_code == 201, created.text
    firm_key = created.json()["api_key"]

    practice = requests.post(f"{stack.api}/practices", json=PRACTICE, headers=bearer(firm_key), timeout=30)
    assert practice.status_code == 201, practice.text

    listed = requests.get(f"{stack.api}/practices", headers=bearer(firm_key), timeout=30)
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["data"]] == [practice.json()["id"]]


def start_dynamodb(db_path: Path, port: int) -> Child:
    """Started exactly as the stack starts it, with its data in db_path."""
    java = dynamodb.require_java()
    child = spawn("dynamodb", dynamodb.argv(java, dynamodb.find_jar(), port, db_path), dict(os.environ),
                  db_path.parent / "dynamodb.log", cwd=REPO)
    wait_ready(child, lambda: http_answers(f"http://127.0.0.1:{port}"), threading.Event())
    return child


def test_dynamodb_local_keeps_its_data_across_a_hard_restart(tmp_path: Path) -> None:
    require_stack_tools()
    db_path, [port] = tmp_path / "dynamodb", free_ports(1)
    db_path.mkdir()
    client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}")
    first = start_dynamodb(db_path, port)
    try:
        client.create_table(TableName="kept", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        client.put_item(TableName="kept", Item={"pk": {"S": "FIRM#1"}, "name": {"S": "Acme"}})
        # The write reached DynamoDB Local's file, not an in-process moto mock another test left active.
        assert (db_path / "shared-local-instance.db").stat().st_size > 0
        os.killpg(first.process.pid, signal.SIGKILL)  # no orderly shutdown: the write must already be on disk
        first.process.wait()
    finally:
        stop_all([first])

    second = start_dynamodb(db_path, port)
    try:
        item = client.get_item(TableName="kept", Key={"pk": {"S": "FIRM#1"}}, ConsistentRead=True)
        assert item.get("Item", {}).get("name") == {"S": "Acme"}
    finally:
        stop_all([second])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
def test_ctrl_c_stops_every_process_the_stack_started(tmp_path: Path) -> None:
    running = start_stack(tmp_path)
    started = descendants(running.process.pid)
    assert len(started) >= 5, running.printed()  # DynamoDB Local, moto, localstripe, chalice local, events

    assert stop_stack(running) == 0, running.printed()

    assert wait_gone(started) == []
    assert not any(http_answers(f"http://127.0.0.1:{port}", timeout=0.5) for port in running.ports.values())
