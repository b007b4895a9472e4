"""The local event runner (`python -m local.events`, started by the local stack): AWS's event plumbing, locally.

It hands the app's own handlers the events AWS would deliver, shaped as AWS shapes them:
- `@app.schedule`: fired on its rate/cron schedule with an EventBridge "Scheduled Event";
- `@app.on_sqs_message`: the queue is long-polled and each batch handed over as a Lambda SQS event. A batch is
  deleted only when the handler returns; if it raises, the messages become visible again after the queue's
  visibility timeout and the queue's redrive policy moves them to the DLQ, as with Lambda;
- `@app.on_cw_event`: a new object under `inbox/` in the EDI bucket becomes the EventBridge "Object Created"
  event the bucket notification sends in AWS, given to each handler whose pattern matches it, once; with
  `--delivered FILE` (as `make run` starts it) once across restarts too, as the stack keeps the bucket.

With the sandbox clearinghouse (REVCYCLE_CLEARINGHOUSE=sandbox), it also plays the clearinghouse at the
mailbox: each new 837 in the outbox is answered in the inbox (local/clearinghouse.py), and the claims accepted
are paid in 835s REVCYCLE_SANDBOX_PAYMENT_DELAY_SECONDS later (local/sandbox_payer.py).
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from chalice import Chalice
from chalice.app import CloudWatchEventConfig, ScheduledEventConfig, SQSEventConfig
from chalice.local import LambdaContext

from chalicelib.core.logs import WithheldMessagesText
from chalicelib.core.settings import Settings
from local import patterns, shapes
from local.config import write_whole
from local.schedules import NextTime, expression_text, next_time_function

log = logging.getLogger("local.events")

INBOX_PREFIX = "inbox/"
LONG_POLL_SECONDS = 20  # SQS's maximum, as Lambda's poller uses
IDLE_SECONDS = 1.0  # how often schedules and the EDI inbox are checked
RETRY_SECONDS = 5.0  # after a missing queue or an unreachable endpoint
Handler = Callable[[dict[str, Any], Any], Any]
Identity = tuple[str, str, str]  # an inbox object's key, ETag and LastModified


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Schedule:
    name: str
    expression: str
    handler: Handler
    next_time: NextTime
    due: datetime


@dataclass
class QueueConsumer:
    name: str
    queue_name: str
    batch_size: int
    handler: Handler
    url: str | None = None
    arn: str = ""


@dataclass
class InboxConsumer:
    name: str
    pattern: dict[str, Any]
    handler: Handler


class EventRunner:
    """Reads the app's event sources once; `run` drives them until stopped, the step methods once each."""

    def __init__(self, app: Chalice, settings: Settings, *, stage: str = "local", sqs: Any = None, s3: Any = None,
                 clock: Callable[[], datetime] = utcnow, delivered: Path | None = None) -> None:
        """`delivered` keeps which inbox objects were handed over across restarts (the stack's state dir)."""
        import boto3  # clients only when a runner is made, never at import

        self.app, self.settings, self.stage, self.clock = app, settings, stage, clock
        self.region = boto3.session.Session().region_name or "us-east-1"
        self.sqs = sqs or boto3.client("sqs")
        self.s3 = s3 or boto3.client("s3")
        self.schedules: list[Schedule] = []
        self.queues: list[QueueConsumer] = []
        self.inbox: list[InboxConsumer] = []
        self.delivered = delivered
        self._seen = read_delivered(delivered)
        self._warned: set[str] = set()
        self.clearinghouse = None
        if settings.clearinghouse == "sandbox":
            from local.clearinghouse import SandboxClearinghouse

            self.clearinghouse = SandboxClearinghouse(
                self.s3, settings.edi_bucket, clock=clock,
                payment_delay=timedelta(seconds=settings.sandbox_payment_delay_seconds))
        for source in app.event_sources:
            self._add(source)

    def _add(self, source: Any) -> None:
        handler = self.app.handler_map[source.name]
        try:
            if isinstance(source, ScheduledEventConfig):
                now = self.clock()
                next_time = next_time_function(source.schedule_expression, start=now)
                self.schedules.append(Schedule(source.name, expression_text(source.schedule_expression), handler,
                                               next_time, next_time(now)))
            elif isinstance(source, SQSEventConfig):
                queue = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
                self.queues.append(QueueConsumer(source.name, queue, min(source.batch_size, 10), handler))
            elif isinstance(source, CloudWatchEventConfig):
                patterns.check(source.event_pattern)
                self.inbox.append(InboxConsumer(source.name, source.event_pattern, handler))
            else:
                log.warning("not running %s locally: %s triggers have no local stand-in",
                            source.name, type(source).__name__)
        except ValueError as error:  # one unsupported trigger must not keep the others from running
            log.warning("not running %s locally: %s", source.name, error)

    def describe(self) -> str:
        return (f"{len(self.schedules)} schedule(s), {len(self.queues)} queue consumer(s), "
                f"{len(self.inbox)} EventBridge handler(s) for s3://{self.settings.edi_bucket}/{INBOX_PREFIX}")

    def _invoke(self, name: str, handler: Handler, event: dict[str, Any]) -> bool:
        """Call a handler as Lambda would; False when it raised (logged with its traceback, as Lambda logs it)."""
        context = LambdaContext(f"{self.app.app_name}-{self.stage}-{name}", memory_size=128, max_runtime_ms=60_000)
        try:
            handler(event, context)
        except Exception:
            log.exception("%s failed", name)
            return False
        return True

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)

    # --- schedules -------------------------------------------------------------------------------------------

    def fire_due(self, now: datetime | None = None) -> list[str]:
        """Fire every schedule due at `now`; a schedule that missed several times (a sleeping laptop) fires once."""
        now = now or self.clock()
        fired = []
        for schedule in self.schedules:
            if schedule.due > now:
                continue
            rule = f"{self.app.app_name}-{self.stage}-{schedule.name}"
            self._invoke(schedule.name, schedule.handler, shapes.scheduled_event(rule, schedule.due, self.region))
            fired.append(schedule.name)
            schedule.due = schedule.next_time(now)
        return fired

    # --- queues ----------------------------------------------------------------------------------------------

    def _resolve(self, consumer: QueueConsumer) -> bool:
        if consumer.url:
            return True
        try:
            consumer.url = self.sqs.get_queue_url(QueueName=consumer.queue_name)["QueueUrl"]
        except self.sqs.exceptions.QueueDoesNotExist:
            self._warn_once(consumer.queue_name, "queue %s does not exist (yet): %s waits for it",
                            consumer.queue_name, consumer.name)
            return False
        attributes = self.sqs.get_queue_attributes(QueueUrl=consumer.url, AttributeNames=["QueueArn"])
        consumer.arn = attributes["Attributes"]["QueueArn"]
        return True

    def poll_queue(self, consumer: QueueConsumer, wait_seconds: int = LONG_POLL_SECONDS) -> int:
        """Receive one batch and hand it over; returns how many messages were deleted (handled successfully)."""
        if not self._resolve(consumer):
            return 0
        received = self.sqs.receive_message(
            QueueUrl=consumer.url, MaxNumberOfMessages=consumer.batch_size, WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
        if not received:
            return 0
        event = {"Records": [shapes.sqs_record(message, consumer.arn, self.region) for message in received]}
        if not self._invoke(consumer.name, consumer.handler, event):
            return 0  # left in flight: visible again after the visibility timeout, then retried or dead-lettered
        entries = [{"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                   for index, message in enumerate(received)]
        failed = self.sqs.delete_message_batch(QueueUrl=consumer.url, Entries=entries).get("Failed", [])
        for failure in failed:
            log.warning("could not delete a message from %s: %s", consumer.queue_name, failure)
        return len(entries) - len(failed)

    # --- EDI inbox -------------------------------------------------------------------------------------------

    def scan_inbox(self) -> int:
        """Hand every object not seen before to the matching handlers; returns how many objects were new."""
        if not self.inbox:
            return 0  # nothing listens: don't poll a bucket that may not exist yet
        try:
            listed = self._list_inbox()
        except self.s3.exceptions.NoSuchBucket:
            self._warn_once("bucket", "bucket %s does not exist (yet): the inbox is not watched",
                            self.settings.edi_bucket)
            return 0
        current = {(item["Key"], item["ETag"], shapes.iso(item["LastModified"])): item for item in listed}
        new = [(identity, item) for identity, item in current.items() if identity not in self._seen]
        listed_now = set(current)
        if not self._seen <= listed_now:
            # Only what is still listed is remembered: a deleted key can come back as a new object.
            self._seen &= listed_now
            self._remember()
        for identity, item in new:
            event = shapes.object_created_event(self.settings.edi_bucket, item, self.region)
            for consumer in self.inbox:
                if patterns.matches(consumer.pattern, event):
                    self._invoke(consumer.name, consumer.handler, event)
            # Remembered once handed over: a runner killed in between hands it over again at its next start (at
            # least once, as EventBridge delivers), and never skips it.
            self._seen.add(identity)
            self._remember()
        return len(new)

    def _remember(self) -> None:
        if self.delivered is not None:
            text = json.dumps(sorted(self._seen))
            write_whole(self.delivered, lambda handle: handle.write(text.encode()))

    def answer_outbox(self) -> int:
        """The sandbox clearinghouse answers new 837s and its payer pays the claims due (nothing when a real
        clearinghouse is configured); returns how many 837s were answered and 835s written."""
        if self.clearinghouse is None or not self.inbox:
            return 0
        try:
            return self.clearinghouse.answer_new() + self.clearinghouse.pay_due()
        except self.s3.exceptions.NoSuchBucket:
            return 0  # scan_inbox says so once

    def _list_inbox(self) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.settings.edi_bucket,
                                                                  Prefix=INBOX_PREFIX)
        return [item for page in pages for item in page.get("Contents", [])]

    # --- driving ---------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event, wait_seconds: int = LONG_POLL_SECONDS, join: bool = True) -> None:
        """Until `stop` is set: one thread long-polls each queue, this one fires schedules and scans the inbox.

        join=False returns without waiting for a long poll in flight; its daemon thread ends with the process,
        and a batch it received unhandled becomes visible again, as when a Lambda poller stops.
        """
        threads = [threading.Thread(target=self._consume, args=(consumer, stop, wait_seconds),
                                    name=f"queue-{consumer.queue_name}", daemon=True) for consumer in self.queues]
        for thread in threads:
            thread.start()
        while not stop.is_set():
            self._guarded("schedules", self.fire_due)
            self._guarded("outbox", self.answer_outbox)
            self._guarded("inbox", self.scan_inbox)
            stop.wait(IDLE_SECONDS)
        for thread in threads if join else []:
            thread.join()

    def _consume(self, consumer: QueueConsumer, stop: threading.Event, wait_seconds: int) -> None:
        while not stop.is_set():
            # A missing queue or an unreachable moto would otherwise be asked again at once, in a busy loop.
            if not self._guarded(consumer.queue_name, lambda: self._resolve(consumer)):
                stop.wait(RETRY_SECONDS)
            elif self._guarded(consumer.queue_name, lambda: self.poll_queue(consumer, wait_seconds)) is None:
                stop.wait(RETRY_SECONDS)

    def _guarded(self, what: str, step: Callable[[], Any]) -> Any:
        """The step's result, or None when it raised: the runner outlives a stand-in's hiccup and says so once."""
        try:
            return step()
        except Exception as error:  # the loop must keep running; the error is reported, not hidden
            self._warn_once(f"{what}:{type(error).__name__}", "%s: %s (retrying)", what, error)
            return None


def read_delivered(path: Path | None) -> set[Identity]:
    if path is None or not path.exists():
        return set()
    return {(key, etag, modified) for key, etag, modified in json.loads(path.read_text())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local.events", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delivered", type=Path,
                        help="file that keeps which EDI inbox objects were handed over, across restarts")
    options = parser.parse_args(argv)
    # The runner's own lines at INFO; boto's and PynamoDB's chatter only when something is wrong.
    # Tracebacks without their messages: a handler's error may quote a patient's name (chalicelib/core/logs.py).
    output = logging.StreamHandler()
    output.setFormatter(WithheldMessagesText("local events %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[output])
    log.setLevel(logging.INFO)
    from app import app  # the repository root is on sys.path: `python -m` runs from it
    from chalicelib.core.settings import get_settings

    runner = EventRunner(app, get_settings(), delivered=options.delivered)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())
    log.info("running %s", runner.describe())
    runner.run(stop, join=False)  # the stack allows a few seconds to stop: don't sit out a 20 s long poll


if __name__ == "__main__":
    main()
