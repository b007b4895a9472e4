"""The jobs queue: messages are small JSON documents of ids (never patient data)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.core.settings import get_settings


@lru_cache(maxsize=1)
def _queue_url() -> str:
    import boto3

    return boto3.client("sqs").get_queue_url(QueueName=get_settings().jobs_queue)["QueueUrl"]


def send(message: dict[str, Any]) -> None:
    import boto3

    boto3.client("sqs").send_message(QueueUrl=_queue_url(), MessageBody=json.dumps(message, sort_keys=True))
