"""The local event runner hands the app's handlers the events AWS would, against moto's in-process SQS and S3."""
from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from chalice import Chalice, Cron
from moto import mock_aws

from chalicelib.core.settings import Settings
from local.events import EventRunner
from local.schedules import next_time_function

T0 = datetime(2025, 1, 1, 10, 30, 15, tzinfo=timezone.utc)  # a Wednesday


class Recorder:
    """What the handlers of the test app saw; `failing` makes the queue handler raise.

    Queue and bucket names are new for each test: a session-wide `mock_aws` of other tests may be active
    around these, and moto does not reset its state for a nested mock.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.failing = False
        suffix = uuid.uuid4().hex[:12]
        self.queue = f"work-{suffix}"
        self.bucket = f"edi-{suffix}"

    def named(self, name: str) -> list[dict[str, Any]]:
        return [event for handler, event in self.events if handler == name]


def make_app(recorder: Recorder) -> Chalice:
    app = Chalice(app_name="runner-test")

    @app.schedule("rate(1 minute)")
    def tick(event: Any) -> None:
        recorder.events.append(("tick", event.to_dict()))

    @app.on_sqs_message(queue=recorder.queue, batch_size=5)
    def work(event: Any) -> None:
        recorder.events.append(("work", event.to_dict()))
        if recorder.failing:
            raise RuntimeError("the worker failed")

    @app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"],
                      "detail": {"bucket": {"name": [recorder.bucket]}, "object": {"key": [{"prefix": "inbox/"}]}}})
    def inbox(event: Any) -> None:
        recorder.events.append(("inbox", event.to_dict()))

    return app


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def runner(aws: None, recorder: Recorder) -> EventRunner:
    return EventRunner(make_app(recorder), Settings(stage="test", edi_bucket=recorder.bucket), clock=lambda: T0)


def make_queue(name: str, **attributes: str) -> str:
    return boto3.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def queue_counts(url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    found = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(found[names[0]]), int(found[names[1]])


def test_a_rate_schedule_fires_once_its_period_has_passed(runner: EventRunner, recorder: Recorder) -> None:
    assert runner.fire_due(T0 + timedelta(seconds=59)) == []
    assert runner.fire_due(T0 + timedelta(seconds=61)) == ["tick"]
    assert runner.fire_due(T0 + timedelta(seconds=90)) == []

    [event] = recorder.named("tick")
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["time"] == "2025-01-01T10:31:15Z"
    assert event["resources"][0].endswith(":rule/runner-test-local-tick")


def test_a_schedule_missed_many_times_fires_once_and_keeps_its_rhythm(runner: EventRunner,
                                                                      recorder: Recorder) -> None:
    assert runner.fire_due(T0 + timedelta(minutes=10, seconds=30)) == ["tick"]
    assert runner.fire_due(T0 + timedelta(minutes=10, seconds=59)) == []
    assert runner.fire_due(T0 + timedelta(minutes=11)) == ["tick"]
    assert len(recorder.named("tick")) == 2


def test_cron_schedules_follow_eventbridge_fields_in_utc() -> None:
    weekdays_at_eight = next_time_function("cron(0 8 ? * MON-FRI *)")
    assert weekdays_at_eight(T0) == datetime(2025, 1, 2, 8, 0, tzinfo=timezone.utc)
    # EventBridge counts days of the week from 1 = Sunday.
    sundays = next_time_function(Cron(0, 6, "?", "*", 1, "*"))
    assert sundays(T0) == datetime(2025, 1, 5, 6, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="not supported"):
        next_time_function("cron(0 8 L * ? *)")


def test_an_sqs_message_is_handed_over_as_a_lambda_event_and_deleted(runner: EventRunner,
                                                                     recorder: Recorder) -> None:
    url = make_queue(recorder.queue)
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"practice_id": "p1"}),
                                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "follow-up"}})

    assert runner.poll_queue(runner.queues[0], wait_seconds=0) == 1

    [event] = recorder.named("work")
    [record] = event["Records"]
    assert json.loads(record["body"]) == {"practice_id": "p1"}
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":" + recorder.queue)
    assert record["messageAttributes"]["kind"]["stringValue"] == "follow-up"
    assert queue_counts(url) == (0, 0)


def test_a_failing_handler_leaves_the_message_on_the_queue(runner: EventRunner, recorder: Recorder) -> None:
    url = make_queue(recorder.queue, VisibilityTimeout="30")
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody="job")
    recorder.failing = True

    assert runner.poll_queue(runner.queues[0], wait_seconds=0) == 0

    assert len(recorder.named("work")) == 1
    assert queue_counts(url) == (0, 1)  # in flight until the visibility timeout, then delivered again


def test_a_message_that_keeps_failing_moves_to_the_dead_letter_queue(runner: EventRunner,
                                                                     recorder: Recorder) -> None:
    sqs = boto3.client("sqs")
    dlq_url = make_queue(recorder.queue + "-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = make_queue(recorder.queue, VisibilityTimeout="0",
                     RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}))
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    recorder.failing = True

    for _ in range(3):
        runner.poll_queue(runner.queues[0], wait_seconds=0)

    assert len(recorder.named("work")) == 2
    assert queue_counts(url) == (0, 0)
    assert queue_counts(dlq_url) == (1, 0)


def test_a_consumer_waits_for_a_queue_that_does_not_exist_yet(runner: EventRunner, recorder: Recorder) -> None:
    assert runner.poll_queue(runner.queues[0], wait_seconds=0) == 0
    url = make_queue(recorder.queue)
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody="late")

    assert runner.poll_queue(runner.queues[0], wait_seconds=0) == 1


def test_a_new_inbox_object_becomes_one_object_created_event(runner: EventRunner, recorder: Recorder) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=recorder.bucket)
    s3.put_object(Bucket=recorder.bucket, Key="inbox/999-0001.x12", Body=b"ISA*00*")
    s3.put_object(Bucket=recorder.bucket, Key="outbox/837-0001.x12", Body=b"ISA*00*")

    assert runner.scan_inbox() == 1
    assert runner.scan_inbox() == 0

    [event] = recorder.named("inbox")
    assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
    assert event["detail"]["bucket"]["name"] == recorder.bucket
    assert event["detail"]["object"]["key"] == "inbox/999-0001.x12"
    assert event["detail"]["object"]["size"] == 7


def test_an_inbox_object_handed_over_before_a_restart_is_not_handed_over_again(aws: None, recorder: Recorder,
                                                                               tmp_path: Path) -> None:
    """The stack keeps the bucket across restarts (local/aws.py), so the runner keeps what it handed over."""
    app, settings, delivered = make_app(recorder), Settings(stage="test", edi_bucket=recorder.bucket), \
        tmp_path / "inbox-delivered.json"
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=recorder.bucket)
    s3.put_object(Bucket=recorder.bucket, Key="inbox/F1/before.999", Body=b"ISA*00*")
    assert EventRunner(app, settings, clock=lambda: T0, delivered=delivered).scan_inbox() == 1
    s3.put_object(Bucket=recorder.bucket, Key="inbox/F1/while-stopped.999", Body=b"ISA*01*")

    assert EventRunner(app, settings, clock=lambda: T0, delivered=delivered).scan_inbox() == 1

    keys = [event["detail"]["object"]["key"] for event in recorder.named("inbox")]
    assert keys == ["inbox/F1/before.999", "inbox/F1/while-stopped.999"]


def test_the_runner_loop_handles_messages_until_stopped(runner: EventRunner, recorder: Recorder) -> None:
    url = make_queue(recorder.queue)
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody="looped")
    stop = threading.Event()
    loop = threading.Thread(target=runner.run, args=(stop,), kwargs={"wait_seconds": 1})
    loop.start()
    deadline = time.monotonic() + 10
    while not recorder.named("work") and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    loop.join(timeout=10)

    assert not loop.is_alive()
    assert len(recorder.named("work")) == 1
    assert queue_counts(url) == (0, 0)


def test_the_sandbox_clearinghouse_answers_each_outbox_837_once(aws: None, recorder: Recorder) -> None:
    from tests.claims_factory import make_claims, write

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=recorder.bucket)
    s3.put_object(Bucket=recorder.bucket, Key="outbox/F1/P1/B1.837", Body=write(make_claims(2)).encode())
    settings = Settings(stage="test", edi_bucket=recorder.bucket, clearinghouse="sandbox")
    runner = EventRunner(make_app(recorder), settings, clock=lambda: T0)

    assert runner.answer_outbox() == 1
    assert runner.answer_outbox() == 0
    assert EventRunner(make_app(recorder), settings, clock=lambda: T0).answer_outbox() == 0  # a restart
    listed = s3.list_objects_v2(Bucket=recorder.bucket, Prefix="inbox/")["Contents"]
    assert [item["Key"] for item in listed] == ["inbox/F1/B1-1.999", "inbox/F1/B1-2.277ca"]


def test_the_sandbox_payer_pays_the_accepted_claims_once_the_payment_delay_has_passed(aws: None,
                                                                                       recorder: Recorder) -> None:
    from tests.claims_factory import make_claims, write

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=recorder.bucket)
    s3.put_object(Bucket=recorder.bucket, Key="outbox/F1/P1/B1.837", Body=write(make_claims(2)).encode())
    settings = Settings(stage="test", edi_bucket=recorder.bucket, sandbox_payment_delay_seconds=30)
    now = [T0]
    runner = EventRunner(make_app(recorder), settings, clock=lambda: now[0])

    assert runner.answer_outbox() == 1  # the 999 and 277CA
    now[0] = T0 + timedelta(seconds=29)
    assert runner.answer_outbox() == 0
    now[0] = T0 + timedelta(seconds=30)
    assert runner.answer_outbox() == 1  # one 835 for both claims
    assert runner.answer_outbox() == 0
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket=recorder.bucket, Prefix="inbox/")["Contents"]]
    [paid] = [key for key in listed if key.endswith(".835")]
    text = s3.get_object(Bucket=recorder.bucket, Key=paid)["Body"].read().decode()
    assert text.count("CLP*") == 2 and paid.startswith("inbox/F1/sandbox-")
