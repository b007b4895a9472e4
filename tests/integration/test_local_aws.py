"""The local stack's AWS stand-in (`python -m local.aws`, moto's server) keeps S3, SQS and Secrets Manager across
a `kill -9`, as `make run` starts it with `--state .revcycle/aws`.

One server writes everything first, is killed with SIGKILL and started again on the same state; each test then
reads its part back. Clients run in child processes (boto3_in_child).
"""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from local.config import REPO
from local.procs import Child, http_answers, spawn, stop_all, wait_ready
from tests.integration.running_stack import boto3_in_child, free_ports

pytestmark = pytest.mark.integration

OUTBOX_BODIES = ("ISA*00*first~", "ISA*00*second~")  # one key put twice in a versioned bucket
BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}

WRITE_ALL = """
s3, sqs, sm = boto3.client("s3"), boto3.client("sqs"), boto3.client("secretsmanager")
s3.create_bucket(Bucket="edi")
s3.put_bucket_versioning(Bucket="edi", VersioningConfiguration={"Status": "Enabled"})
s3.put_public_access_block(Bucket="edi", PublicAccessBlockConfiguration=values["blocked"])
for body in values["bodies"]:
    s3.put_object(Bucket="edi", Key="outbox/F1/P1/B1.837", Body=body.encode())
s3.put_object(Bucket="edi", Key="documents/statement.pdf", Body=bytes(range(256)) * 256)
s3.create_bucket(Bucket="scratch")  # not versioned: a deleted object is gone
s3.put_object(Bucket="scratch", Key="gone.pdf", Body=b"g" * 10000)
s3.delete_object(Bucket="scratch", Key="gone.pdf")

dlq = sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "300", "RedrivePolicy": json.dumps(
    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})})["QueueUrl"]
for body in ("handled", "in flight", "waiting"):
    sqs.send_message(QueueUrl=url, MessageBody=body)
handled = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
sqs.delete_message(QueueUrl=url, ReceiptHandle=handled["ReceiptHandle"])
in_flight = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]

sm.create_secret(Name="revcycle/local/app", SecretString='{"root_key": "old"}')
sm.put_secret_value(SecretId="revcycle/local/app", SecretString='{"root_key": "kept"}')
print(json.dumps({"handled": handled["Body"], "in_flight": in_flight["Body"], "receipt": in_flight["ReceiptHandle"]}))
"""


@dataclass
class Aws:
    """`python -m local.aws` on a fixed port and state dir: started, killed hard, started again."""

    state: Path
    port: int = field(default_factory=lambda: free_ports(1)[0])
    child: Child | None = None
    written: dict[str, Any] = field(default_factory=dict)
    blobs_before_kill: int = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.child = spawn("aws", [sys.executable, "-m", "local.aws", "--port", str(self.port),
                                   "--state", str(self.state)], dict(os.environ), self.state.parent / "aws.log",
                           cwd=REPO)
        wait_ready(self.child, lambda: http_answers(self.endpoint + "/moto-api/"), threading.Event())

    def kill_hard(self) -> None:
        assert self.child is not None
        os.killpg(self.child.process.pid, signal.SIGKILL)  # nothing gets to save on its way out
        self.child.process.wait()

    def run(self, code: str, **values: Any) -> Any:
        return boto3_in_child(self.endpoint, code, **values)

    def blobs(self) -> int:
        return len(list((self.state / "blobs").iterdir()))


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aws]:
    running = Aws(tmp_path_factory.mktemp("local-aws") / "aws")
    running.start()
    try:
        running.written = running.run(WRITE_ALL, bodies=list(OUTBOX_BODIES), blocked=BLOCKED)
        running.blobs_before_kill = running.blobs()
        running.kill_hard()
        running.start()
        yield running
    finally:
        if running.child is not None:
            stop_all([running.child])


READ_BUCKET = """
s3 = boto3.client("s3")
versions = s3.list_object_versions(Bucket="edi", Prefix="outbox/")["Versions"]
print(json.dumps({
    "latest": s3.get_object(Bucket="edi", Key="outbox/F1/P1/B1.837")["Body"].read().decode(),
    "versions": sorted(s3.get_object(Bucket="edi", Key=v["Key"], VersionId=v["VersionId"])["Body"].read().decode()
                       for v in versions),
    "large_kept": s3.get_object(Bucket="edi", Key="documents/statement.pdf")["Body"].read()
                  == bytes(range(256)) * 256,
    "public_access_block": s3.get_public_access_block(Bucket="edi")["PublicAccessBlockConfiguration"],
}))
"""


def test_objects_and_their_older_versions_are_read_back_after_a_hard_kill(aws: Aws) -> None:
    kept = aws.run(READ_BUCKET)

    assert kept == {"latest": OUTBOX_BODIES[1], "versions": sorted(OUTBOX_BODIES), "large_kept": True,
                    "public_access_block": BLOCKED}


CREATE_AGAIN = """
s3 = boto3.client("s3")
try:
    s3.create_bucket(Bucket="edi")  # us-east-1 answers 200 to its owner; other regions BucketAlreadyOwnedByYou
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
print(json.dumps(s3.get_object(Bucket="edi", Key="outbox/F1/P1/B1.837")["Body"].read().decode()))
"""


def test_a_kept_bucket_created_again_at_start_keeps_its_objects(aws: Aws) -> None:
    # What infra.provision does at every start of the stack: moto must find the kept bucket, not make a new one.
    assert aws.run(CREATE_AGAIN) == OUTBOX_BODIES[1]


READ_QUEUE = """
sqs = boto3.client("sqs")
url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
visible = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]
# The consumer that held the in-flight message still has its receipt handle, and it still works.
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=values["receipt"], VisibilityTimeout=0)
again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
print(json.dumps({"not_visible": counts["ApproximateNumberOfMessagesNotVisible"], "visible": visible,
                  "again": [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in again],
                  "redrive": json.loads(counts["RedrivePolicy"])["maxReceiveCount"]}))
"""


def test_queued_messages_outlive_a_hard_kill_and_a_deleted_one_does_not_come_back(aws: Aws) -> None:
    assert (aws.written["handled"], aws.written["in_flight"]) == ("handled", "in flight")

    after = aws.run(READ_QUEUE, receipt=aws.written["receipt"])

    assert after["visible"] == ["waiting"]  # the in-flight one stays hidden for its visibility timeout
    assert after["not_visible"] == "1"
    assert after["again"] == [["in flight", "2"]]  # received once before the kill, once now
    assert after["redrive"] == 3


def test_a_secret_is_read_back_after_a_hard_kill(aws: Aws) -> None:
    code = 'print(json.dumps(boto3.client("secretsmanager").get_secret_value(SecretId="revcycle/local/app")' \
           '["SecretString"]))'

    assert aws.run(code) == '{"root_key": "kept"}'


def test_the_body_of_a_deleted_object_leaves_the_disk_at_the_next_start(aws: Aws) -> None:
    # Bodies of 4 KiB or more are kept apart, each once: the 837s are smaller, the statement and gone.pdf not.
    assert aws.blobs_before_kill == 2

    assert aws.blobs() == 1


LONG_POLL_BESIDE_A_PUT = """
import threading, time
sqs, s3 = boto3.client("sqs"), boto3.client("s3")
url = sqs.create_queue(QueueName="idle")["QueueUrl"]
polled = {}
def poll():
    polled["messages"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=15).get("Messages", [])
    polled["seconds"] = time.monotonic() - start
start = time.monotonic()
poller = threading.Thread(target=poll)
poller.start()
time.sleep(1)
s3.put_object(Bucket="scratch", Key="during-the-poll.txt", Body=b"x")
put_done = time.monotonic() - start
sqs.send_message(QueueUrl=url, MessageBody="wake up")
poller.join()
print(json.dumps({"put_done": put_done, "polled": [m["Body"] for m in polled["messages"]],
                  "poll_seconds": polled["seconds"]}))
"""


def test_a_long_poll_waiting_for_messages_does_not_hold_up_other_calls(aws: Aws) -> None:
    seen = aws.run(LONG_POLL_BESIDE_A_PUT)

    # One request at a time reaches moto, but a waiting long poll lets go: the put is not kept 15 s.
    assert seen["put_done"] < 8
    assert seen["polled"] == ["wake up"] and seen["poll_seconds"] < 10


def test_a_state_saved_by_another_moto_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    state = tmp_path / "aws"
    state.mkdir()
    with (state / "sqs.pickle").open("wb") as handle:
        pickle.dump({"moto": "4.0.0"}, handle)
    [port] = free_ports(1)

    done = subprocess.run([sys.executable, "-m", "local.aws", "--port", str(port), "--state", str(state)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert "written by moto 4.0.0" in done.stderr and f"remove {state}" in done.stderr
