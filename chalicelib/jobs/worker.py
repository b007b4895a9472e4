"""Entry points the app's triggers call: the schedule's dispatch and the queue's messages."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.core.logs import get_logger
from chalicelib.jobs import eligibility, queue

HANDLERS = {eligibility.JOB: eligibility.work}


def dispatch_eligibility() -> None:
    sent = eligibility.dispatch(queue.send_all)
    get_logger().info("dispatched", extra={"job": eligibility.JOB, "messages": sent})


def handle(event: Any) -> None:
    """One SQS batch. An exception fails the batch: SQS redelivers it and, after 5 tries, moves it to the DLQ."""
    for record in event:
        message = json.loads(record.body)
        done = HANDLERS[message["job"]](message, record.to_dict().get("messageId", ""))
        get_logger().info("job done", extra={"job": message["job"], "practice_id": message["practice_id"],
                                             "count": done})
