"""Create the resources of infra/template.json in whatever AWS endpoint boto3 is pointed at.

The local stack (`make run`), the integration tests and the API tests under moto all call this, so the
table, buckets and queues they use are the ones CloudFormation deploys, down to the indexes. Names come
from settings (in AWS they come from the stack). Every step is idempotent: existing resources are kept.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from chalicelib.core.settings import Settings

TEMPLATE = Path(__file__).with_name("template.json")


def load_template() -> dict[str, Any]:
    return json.loads(TEMPLATE.read_text())


def table_create_args(settings: Settings, template: dict[str, Any] | None = None) -> dict[str, Any]:
    props = (template or load_template())["Resources"]["Table"]["Properties"]
    args: dict[str, Any] = {
        "TableName": settings.table_name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "GlobalSecondaryIndexes": props["GlobalSecondaryIndexes"],
    }
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return args


def create_table(settings: Settings, template: dict[str, Any] | None = None) -> None:
    template = template or load_template()
    client = boto3.client("dynamodb")
    if settings.table_name in client.list_tables()["TableNames"]:
        return
    client.create_table(**table_create_args(settings, template))
    client.get_waiter("table_exists").wait(TableName=settings.table_name)
    ttl = template["Resources"]["Table"]["Properties"]["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=settings.table_name, TimeToLiveSpecification=ttl)


def put_app_secret(settings: Settings, values: dict[str, str]) -> None:
    """The app secret holds the platform root key and the signing key (cursors, portal tokens)."""
    client = boto3.client("secretsmanager")
    body = json.dumps(values)
    try:
        client.create_secret(Name=settings.secret_id, SecretString=body)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=settings.secret_id, SecretString=body)


def provision(settings: Settings, secret_values: dict[str, str]) -> None:
    create_table(settings)
    put_app_secret(settings, secret_values)
