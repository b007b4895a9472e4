"""The front desk's day on the local stack `make run` starts: HTTP to chalice local, DynamoDB Local, moto's
S3/SQS, the sandbox payer, and the local event runner handing queue messages to the app's worker."""
import json
import os
import subprocess
import sys
import time

import pytest
import requests

from local.config import REPO
from tests.dates import at_desk, days_ago, days_ahead
from tests.integration.running_stack import waited

pytestmark = pytest.mark.integration
DAY = days_ahead(2).isoformat()  # the visit the eligibility job checks


def call(stack, method, path, body=None, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = requests.request(method, stack.api + path, json=body, headers=headers, timeout=30)
    return answer.status_code, answer.json() if answer.content else None


@pytest.fixture(scope="module")
def desk(stack):
    status, created = call(stack, "POST", "/admin/firms", {"name": "Desk Billing"}, stack.root_key)
    key, firm = created["api_key"], created["firm"]["id"]
    pid = call(stack, "POST", "/practices", {"name": "Desk Clinic", "npi": "1245319599", "tax_id": "12-3456789",
                                             "address": {"line1": "1 Main St", "city": "Springfield",
                                                         "state": "IL", "zip": "627011234"}}, key)[1]["id"]
    base = f"/practices/{pid}"
    payer = call(stack, "POST", f"{base}/payers", {"name": "Aetna", "payer_id": "60054"}, key)[1]["id"]
    patient = call(stack, "POST", f"{base}/patients", {
        "first_name": "Rosa", "last_name": "Díaz", "birth_date": "1970-10-10", "sex": "F",
        "address": {"line1": "2 Oak St", "city": "Springfield", "state": "IL", "zip": "62704"}}, key)[1]["id"]
    call(stack, "POST", f"{base}/patients/{patient}/coverages",
         {"payer_id": payer, "member_id": "ACT5150", "effective_from": "2026-01-01"}, key)
    provider = call(stack, "POST", f"{base}/providers", {
        "entity_type": "individual", "npi": "1679576722", "first_name": "Sam", "last_name": "Lee",
        "taxonomy_code": "207Q00000X", "roles": ["rendering"]}, key)[1]["id"]
    return {"key": key, "firm": firm, "pid": pid, "base": base, "patient": patient, "provider": provider}


def test_an_eligibility_check_goes_through_the_stack(stack, desk):
    status, check = call(stack, "POST", f"{desk['base']}/patients/{desk['patient']}/eligibility-checks", {},
                         desk["key"])
    assert status == 201 and check["status"] == "active" and check["expected_copay_cents"] == 2500


def send_job(stack, message):
    """Sent from a child process: in this test process, moto's in-process mock may be active (tests/api)."""
    env = {**os.environ, "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{stack.ports['MOTO_PORT']}",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    script = ("import sys, boto3; sqs = boto3.client('sqs'); "
              "url = sqs.get_queue_url(QueueName='revcycle-jobs')['QueueUrl']; "
              "sqs.send_message(QueueUrl=url, MessageBody=sys.argv[1])")
    subprocess.run([sys.executable, "-c", script, json.dumps(message)], cwd=REPO, env=env, check=True,
                   timeout=60, capture_output=True)


def test_the_event_runner_hands_a_job_message_to_the_worker(stack, desk):
    status, visit = call(stack, "POST", f"{desk['base']}/visits", {
        "patient_id": desk["patient"], "provider_id": desk["provider"], "scheduled_at": f"{DAY}T10:00:00-06:00"},
        desk["key"])
    assert status == 201
    send_job(stack, {"job": "eligibility", "practice_id": desk["pid"], "firm_id": desk["firm"], "day": DAY})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen = call(stack, "GET", f"{desk['base']}/visits/{visit['id']}", key=desk["key"])[1]
        if seen["eligibility_check_id"]:
            break
        time.sleep(0.5)
    assert seen["eligibility_check_id"] and seen["expected_copay_cents"] == 2500


def submitted_claim(stack, desk, day):
    """A visit on `day` checked in, out and coded, its claim built and sent in a batch of its own."""
    base, key = desk["base"], desk["key"]
    visit = call(stack, "POST", f"{base}/visits", {"patient_id": desk["patient"], "provider_id": desk["provider"],
                                                   "scheduled_at": at_desk(day, hour=10)}, key)[1]
    call(stack, "POST", f"{base}/visits/{visit['id']}/check-in", {"version": 1}, key)
    call(stack, "POST", f"{base}/visits/{visit['id']}/check-out", {"version": 2}, key)
    status, _ = call(stack, "PUT", f"{base}/visits/{visit['id']}/coding", {"diagnoses": ["I10"], "lines": [
        {"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 12500}]}, key)
    assert status == 200
    claim = call(stack, "POST", f"{base}/visits/{visit['id']}/claim", {}, key)[1]
    assert claim["status"] == "ready", claim["findings"]
    assert call(stack, "POST", f"{base}/claim-batches", {"claim_ids": [claim["id"]]}, key)[0] == 201
    return claim


def test_a_submitted_claim_comes_back_accepted_through_the_sandbox_clearinghouse(stack, desk):
    """837 to the outbox, the runner's sandbox clearinghouse answers in the inbox, the inbox handler applies."""
    base, key = desk["base"], desk["key"]
    claim = submitted_claim(stack, desk, days_ago(10))
    seen = waited("the claim to leave submitted", lambda: (
        found if (found := call(stack, "GET", f"{base}/claims/{claim['id']}", key=key)[1])["status"] != "submitted"
        else None))
    assert seen["status"] == "accepted" and seen["payer_claim_control_number"].startswith("SBX")
    files = call(stack, "GET", f"{base}/edi-files", key=key)[1]["data"]
    # The sandbox payer's 835 may have come already (REVCYCLE_SANDBOX_PAYMENT_DELAY_SECONDS, running_stack.py).
    assert sorted(f["kind"] for f in files if f["kind"] != "835") == ["277CA", "999"]


def test_an_accepted_claim_is_paid_by_the_sandbox_payer_and_recorded_as_a_remittance(stack, desk):
    """The runner's sandbox payer writes an 835 a while after the 277CA, which the inbox handler records."""
    base, key = desk["base"], desk["key"]
    claim = submitted_claim(stack, desk, days_ago(12))

    def remitted():
        for listed in call(stack, "GET", f"{base}/remittances", key=key)[1]["data"]:
            got = call(stack, "GET", f"{base}/remittances/{listed['id']}", key=key)[1]
            if any(c["claim_id"] == claim["id"] for c in got["claims"]):
                return got
        return None

    remittance = waited("the sandbox payer's 835 to be recorded", remitted)
    [paid] = [c for c in remittance["claims"] if c["claim_id"] == claim["id"]]
    assert (paid["status"], paid["paid_cents"], paid["payer_claim_number"]) == (
        "1", 6400, "SBX" + claim["patient_control_number"])
    assert [line["matched_by"] for line in paid["lines"]] == ["control_number"]
