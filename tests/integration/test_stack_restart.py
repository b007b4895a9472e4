"""`make run` after a hard stop: the stack keeps its files and its queued messages, not only its table.

A stack with its data on disk (as `make run` keeps it in `.revcycle/`) takes a claim batch (its 837 in the
outbox), a file from the clearinghouse that fails to read (kept in the inbox, listed as failed) and a job message
that is not due yet. Then every process of the stack gets SIGKILL at once, and a new stack starts on the same
state dir and ports. What the table points at must still be there.
"""
from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from typing import Any, Iterator

import pytest
import requests

from tests.integration.running_stack import RunningStack, boto3_in_child, kill_stack, start_stack, stop_stack, waited

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")]

JOB_DELAY_SECONDS = 10  # the job message is not due before the kill, which follows within a second or two
GARBLED = "inbox/{firm}/garbled.999"


def call(stack: RunningStack, method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
    answer = requests.request(method, stack.api + path, json=body, headers={"Authorization": f"Bearer {key}"},
                              timeout=30)
    return answer.status_code, answer.json() if answer.content else None


def made(stack: RunningStack, method: str, path: str, key: str, body: Any = None) -> Any:
    status, answer = call(stack, method, path, key, body)
    assert status in (200, 201), answer
    return answer


def aws(stack: RunningStack, code: str, **values: Any) -> Any:
    return boto3_in_child(f"http://127.0.0.1:{stack.ports['MOTO_PORT']}", code, **values)


def practice_with_a_visit_tomorrow_and_a_batch(stack: RunningStack) -> dict[str, Any]:
    today = date.today()
    firm = made(stack, "POST", "/admin/firms", stack.root_key, {"name": "Restart Billing"})
    key = firm["api_key"]
    pid = made(stack, "POST", "/practices", key, {
        "name": "Restart Clinic", "npi": "1245319599", "tax_id": "12-3456789",
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "627011234"}})["id"]
    base = f"/practices/{pid}"
    payer = made(stack, "POST", f"{base}/payers", key, {"name": "Aetna", "payer_id": "60054"})["id"]
    patient = made(stack, "POST", f"{base}/patients", key, {
        "first_name": "Ada", "last_name": "Restart", "birth_date": "1970-10-10", "sex": "F",
        "address": {"line1": "2 Oak St", "city": "Springfield", "state": "IL", "zip": "62704"}})["id"]
    made(stack, "POST", f"{base}/patients/{patient}/coverages", key, {
        "payer_id": payer, "member_id": "ACT5150", "effective_from": (today - timedelta(days=400)).isoformat()})
    provider = made(stack, "POST", f"{base}/providers", key, {
        "entity_type": "individual", "npi": "1679576722", "first_name": "Sam", "last_name": "Lee",
        "taxonomy_code": "207Q00000X", "roles": ["rendering"]})["id"]

    def visit(day: date) -> str:
        return made(stack, "POST", f"{base}/visits", key, {
            "patient_id": patient, "provider_id": provider, "scheduled_at": f"{day.isoformat()}T10:00:00-06:00"})["id"]

    seen = f"{base}/visits/{visit(today - timedelta(days=3))}"
    made(stack, "POST", f"{seen}/check-in", key, {"version": 1})
    made(stack, "POST", f"{seen}/check-out", key, {"version": 2})
    made(stack, "PUT", f"{seen}/coding", key, {"diagnoses": ["I10"], "lines": [
        {"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 12500}]})
    claim = made(stack, "POST", f"{seen}/claim", key, {})
    batch = made(stack, "POST", f"{base}/claim-batches", key, {"claim_ids": [claim["id"]]})["batches"][0]["id"]
    tomorrow = today + timedelta(days=1)
    return {"key": key, "firm": firm["firm"]["id"], "pid": pid, "base": base, "visit": visit(tomorrow),
            "day": tomorrow.isoformat(), "outbox": f"outbox/{firm['firm']['id']}/{pid}/{batch}.837"}


READ_OBJECT = 'print(json.dumps(boto3.client("s3").get_object(Bucket="revcycle-edi", Key=values["key"])' \
              '["Body"].read().decode()))'
PUT_OBJECT = 'boto3.client("s3").put_object(Bucket="revcycle-edi", Key=values["key"], Body=values["body"].encode())'
SEND_LATER = """
sqs = boto3.client("sqs")
sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="revcycle-jobs")["QueueUrl"], MessageBody=values["body"],
                 DelaySeconds=values["delay"])
"""


def tomorrows_visit(stack: RunningStack, kept: dict[str, Any]) -> dict[str, Any]:
    return dict(made(stack, "GET", f"{kept['base']}/visits/{kept['visit']}", kept["key"]))


def failed_files(stack: RunningStack, key: str) -> list[dict[str, Any]]:
    return list(made(stack, "GET", "/edi-files?status=failed", key)["data"])


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningStack, dict[str, Any]]]:
    workdir = tmp_path_factory.mktemp("restart")
    before = start_stack(workdir, in_memory=False)
    try:
        kept = practice_with_a_visit_tomorrow_and_a_batch(before)
        kept["outbox_text"] = aws(before, READ_OBJECT, key=kept["outbox"])
        aws(before, PUT_OBJECT, key=GARBLED.format(firm=kept["firm"]), body="this is not an X12 file")
        kept["failed"] = waited("the garbled inbox file failing", lambda: failed_files(before, kept["key"]))
        job = {"job": "eligibility", "practice_id": kept["pid"], "firm_id": kept["firm"], "day": kept["day"]}
        aws(before, SEND_LATER, body=json.dumps(job), delay=JOB_DELAY_SECONDS)
        kept["checked_before_kill"] = tomorrows_visit(before, kept)["eligibility_check_id"]
    finally:
        kill_stack(before)
    after = start_stack(workdir, in_memory=False, ports=before.ports)
    try:
        yield after, kept
    finally:
        stop_stack(after)


def test_the_outbox_837_of_a_batch_is_read_back_after_a_hard_kill(restarted: tuple[RunningStack, Any]) -> None:
    stack, kept = restarted

    assert kept["outbox_text"].startswith("ISA*")
    assert aws(stack, READ_OBJECT, key=kept["outbox"]) == kept["outbox_text"]


def test_a_failed_inbox_file_is_reprocessed_from_the_bucket_after_a_hard_kill(
        restarted: tuple[RunningStack, Any]) -> None:
    stack, kept = restarted
    [failed] = kept["failed"]

    status, answer = call(stack, "POST", f"/edi-files/{failed['id']}/reprocess", kept["key"], {})

    # Read again from its bytes: the same file, so the same reason. Without them the reprocess could not run.
    assert status == 200, answer
    assert (answer["status"], answer["reason"], answer["size"]) == ("failed", failed["reason"], failed["size"])


def test_a_job_message_not_due_before_a_hard_kill_is_delivered_after_it(restarted: tuple[RunningStack, Any]) -> None:
    stack, kept = restarted
    assert kept["checked_before_kill"] is None

    def checked() -> dict[str, Any] | None:
        visit = tomorrows_visit(stack, kept)
        return visit if visit["eligibility_check_id"] else None

    visit = waited("the eligibility job's check of tomorrow's visit", checked)

    assert visit["expected_copay_cents"] == 2500
