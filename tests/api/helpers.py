"""Reading the table directly, for tests that prove a refused request wrote nothing.

The API tests' table is one for the whole session and grows with every test, so these helpers never read all of
it: `changed_since(mark)` reads the table's stream (the template gives it one, NEW_AND_OLD_IMAGES, and moto
records every put, update and delete in it, those of transactions and batches included) for the items written
since the mark, and compares each with what it was before its first write then. Every change to the table is a
write, so the table is as it was at the mark exactly when this finds no difference: the proof a comparison of
the whole table before and after gave, at the cost of the writes made since.
"""
from __future__ import annotations

import os
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType

from chalicelib.core.settings import get_settings


def _table() -> Any:
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
    return backend.get_table(get_settings().table_name)


def _stream() -> list[Any]:
    table = _table()
    shard, spec = table.stream_shard, table.stream_specification or {}
    if shard is None or spec.get("StreamViewType") != "NEW_AND_OLD_IMAGES":
        raise AssertionError("the test table has no stream of old and new images: changed_since cannot see writes")
    return shard.items


def table_mark() -> int:
    """Where the table's stream stands now: pass it to `changed_since`."""
    return len(_stream())


def changed_since(mark: int) -> dict[tuple[str, ...], tuple[dict | None, dict | None]]:
    """{(pk, sk): (the item at the mark, the item now)} of every item that is not what it was at the mark; items
    as a Scan gives them, None for no item."""
    table = _table()
    at_mark: dict[tuple[str, ...], dict | None] = {}
    for record in _stream()[mark:]:
        change = record.to_json()["dynamodb"]
        key = tuple(change["Keys"][name]["S"] for name in (table.hash_key_attr, table.range_key_attr))
        at_mark.setdefault(key, change.get("OldImage"))
    changed = {}
    for key, before in at_mark.items():
        item = table.get_item(DynamoType({"S": key[0]}), DynamoType({"S": key[1]}))
        now = item.to_json()["Attributes"] if item is not None else None
        if now != before:
            changed[key] = (before, now)
    return changed


def partition_items(pk: str) -> list[dict]:
    """Every item of one partition, as a Query gives them."""
    pages = boto3.client("dynamodb").get_paginator("query").paginate(
        TableName=get_settings().table_name, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]
