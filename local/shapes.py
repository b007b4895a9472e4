"""The events AWS delivers to Lambda, built locally: the same fields, so a handler cannot tell the difference.

Shapes follow what EventBridge and the Lambda SQS poller send: a "Scheduled Event", an SQS batch record, and
the "Object Created" event of an S3 bucket with EventBridge notifications on (its key is not URL-encoded,
unlike the older S3 notification records).
"""
from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone
from typing import Any

ACCOUNT = "123456789012"  # moto's account id: ARNs in events name the same account as the resources


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(rule: str, at: datetime, region: str) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": ACCOUNT, "time": iso(at), "region": region,
            "resources": [f"arn:aws:events:{region}:{ACCOUNT}:rule/{rule}"], "detail": {}}


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One message from ReceiveMessage as a record of Lambda's SQS event."""
    return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {name: _lambda_attribute(value)
                                  for name, value in message.get("MessageAttributes", {}).items()},
            "md5OfBody": message["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
            "awsRegion": region}


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS API attribute (StringValue, BinaryValue as bytes) -> Lambda's (stringValue, base64 binaryValue)."""
    shaped: dict[str, Any] = {"dataType": value["DataType"], "stringListValues": [], "binaryListValues": []}
    if "StringValue" in value:
        shaped["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shaped["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return shaped


def object_created_event(bucket: str, item: dict[str, Any], region: str) -> dict[str, Any]:
    """`item` is one entry of ListObjectsV2's Contents."""
    created: datetime = item["LastModified"]
    detail = {"version": "0", "bucket": {"name": bucket},
              "object": {"key": item["Key"], "size": item["Size"], "etag": item["ETag"].strip('"'),
                         # S3's sequencer orders events of one key; the write time in hex does that here.
                         "sequencer": f"{int(created.timestamp() * 1000):018X}"},
              "request-id": uuid.uuid4().hex[:16].upper(), "requester": ACCOUNT,
              "source-ip-address": "127.0.0.1", "reason": "PutObject"}
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Object Created", "source": "aws.s3",
            "account": ACCOUNT, "time": iso(created), "region": region,
            "resources": [f"arn:aws:s3:::{bucket}"], "detail": detail}
