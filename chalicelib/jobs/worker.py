"""Entry points the app's triggers call: the schedules (dispatches, the recovery sweep) and the queue's messages."""
from __future__ import annotations

import json
from typing import Any, Callable

from chalicelib.core.logs import get_logger
from chalicelib.jobs import eligibility, follow_up, queue

Left = Callable[[], float] | None  # seconds the invocation has left
HANDLERS: dict[str, Callable[[dict[str, Any], str, Left], int]] = {
    eligibility.JOB: lambda message, message_id, left: eligibility.work(message, message_id),
    follow_up.JOB: lambda message, message_id, left: follow_up.work(message, message_id, seconds_left=left),
}


def dispatch_eligibility() -> None:
    sent = eligibility.dispatch(queue.send_all)
    get_logger().info("dispatched", extra={"job": eligibility.JOB, "messages": sent})


def dispatch_follow_up() -> int:
    sent = follow_up.dispatch(queue.send_all)
    get_logger().info("dispatched", extra={"job": follow_up.JOB, "messages": sent})
    return sent


def _seconds_left(event: Any) -> Left:
    remaining = getattr(getattr(event, "context", None), "get_remaining_time_in_millis", None)
    return (lambda: remaining() / 1000) if remaining else None


def handle(event: Any) -> None:
    """One SQS batch. An exception fails the batch: SQS redelivers it and, after 5 tries, moves it to the DLQ."""
    left = _seconds_left(event)
    for record in event:
        message = json.loads(record.body)
        done = HANDLERS[message["job"]](message, record.to_dict().get("messageId", ""), left)
        get_logger().info("job done", extra={"job": message["job"], "practice_id": message["practice_id"],
                                             "count": done})


def sweep_recovery(event: Any) -> None:
    """The scheduled recovery sweep (jobs/recovery.py), stopping in time for its Lambda's timeout."""
    from chalicelib.jobs import recovery  # its domain modules load with the sweep

    finished = recovery.sweep(seconds_left=_seconds_left(event))
    get_logger().info("recovery swept", extra={"finished": finished})
