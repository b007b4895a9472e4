"""The jobs queue: messages are small JSON documents of ids (never patient data)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.core import aws
from chalicelib.core.settings import get_settings


@lru_cache(maxsize=1)
def _queue_url() -> str:
    return aws.client("sqs").get_queue_url(QueueName=get_settings().jobs_queue)["QueueUrl"]


BATCH = 10  # SendMessageBatch's limit


def send_all(messages: list[dict[str, Any]]) -> None:
    """Ten messages a call; a message the queue refused fails the dispatch, so the schedule's retry resends."""
    client = aws.client("sqs")
    for start in range(0, len(messages), BATCH):
        chunk = messages[start:start + BATCH]
        answer = client.send_message_batch(QueueUrl=_queue_url(), Entries=[
            {"Id": str(i), "MessageBody": json.dumps(m, sort_keys=True)} for i, m in enumerate(chunk)])
        if answer.get("Failed"):
            raise RuntimeError(f"the jobs queue refused {len(answer['Failed'])} of {len(chunk)} messages")
