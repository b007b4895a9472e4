"""Create the resources of infra/template.json in whatever AWS endpoint boto3 is pointed at.

The local stack (`make run`), the integration tests and the API tests under moto all call this, so the
table, buckets and queues they use are the ones CloudFormation deploys, down to the indexes. Names come
from settings (in AWS they come from the stack). Every step is idempotent: existing resources are kept.

What is left out on purpose: KMS (the stand-ins have no key to encrypt with; AWS-side encryption is the
template's job), the TLS-only bucket policies and the EDI bucket's EventBridge notification (the local event
runner plays that part).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from chalicelib.core.settings import Settings

TEMPLATE = Path(__file__).with_name("template.json")

# SQS attributes whose CloudFormation property name is also the SQS API attribute name.
QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds")


def load_template() -> dict[str, Any]:
    return json.loads(TEMPLATE.read_text())


def resource_properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    return template["Resources"][logical_id]["Properties"]


def table_create_args(settings: Settings, template: dict[str, Any] | None = None) -> dict[str, Any]:
    props = resource_properties(template or load_template(), "Table")
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
        add_missing_indexes(client, settings, template)
        return
    client.create_table(**table_create_args(settings, template))
    client.get_waiter("table_exists").wait(TableName=settings.table_name)
    ttl = resource_properties(template, "Table")["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=settings.table_name, TimeToLiveSpecification=ttl)


def add_missing_indexes(client: Any, settings: Settings, template: dict[str, Any]) -> None:
    """A table kept from an older template (DynamoDB Local's data survives restarts) gets the indexes the
    template has added since, one at a time, as DynamoDB allows only one index creation per update."""
    wanted = table_create_args(settings, template)
    existing = client.describe_table(TableName=settings.table_name)["Table"].get("GlobalSecondaryIndexes", [])
    have = {index["IndexName"] for index in existing}
    for index in wanted["GlobalSecondaryIndexes"]:
        if index["IndexName"] in have:
            continue
        client.update_table(TableName=settings.table_name, AttributeDefinitions=wanted["AttributeDefinitions"],
                            GlobalSecondaryIndexUpdates=[{"Create": index}])
        client.get_waiter("table_exists").wait(TableName=settings.table_name)


def create_bucket(name: str, props: dict[str, Any]) -> None:
    """Create the bucket if it is missing, then apply versioning and the public access block.

    Both settings are re-applied on an existing bucket: they are idempotent and cheap, and a bucket made by an
    older version of this module then converges on what the template says."""
    client = boto3.client("s3")
    region = client.meta.region_name
    args: dict[str, Any] = {"Bucket": name}
    if region and region != "us-east-1":  # us-east-1 refuses an explicit LocationConstraint of itself
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(**args)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    client.put_public_access_block(Bucket=name,
                                   PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])


def queue_attributes(props: dict[str, Any]) -> dict[str, str]:
    # The SQS API takes every attribute as a string; the template holds numbers.
    return {name: str(props[name]) for name in QUEUE_ATTRIBUTES if name in props}


def ensure_queue(name: str, attributes: dict[str, str]) -> str:
    """The queue's URL; the queue is created only when missing, an existing one is kept as it is."""
    client = boto3.client("sqs")
    try:
        return client.get_queue_url(QueueName=name)["QueueUrl"]
    except client.exceptions.QueueDoesNotExist:
        return client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def create_queues(settings: Settings, template: dict[str, Any] | None = None) -> None:
    """The jobs queue and its dead-letter queue, named `<jobs_queue>-dlq` as the template names it.

    The DLQ comes first: the jobs queue's redrive policy needs its ARN at creation."""
    template = template or load_template()
    dlq_url = ensure_queue(settings.jobs_queue + "-dlq",
                           queue_attributes(resource_properties(template, "JobsDeadLetterQueue")))
    dlq_arn = boto3.client("sqs").get_queue_attributes(
        QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    props = resource_properties(template, "JobsQueue")
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": props["RedrivePolicy"]["maxReceiveCount"]}
    ensure_queue(settings.jobs_queue, {**queue_attributes(props), "RedrivePolicy": json.dumps(redrive)})


def put_app_secret(settings: Settings, values: dict[str, str]) -> None:
    """The app secret holds the platform root key and the signing key (cursors, portal tokens)."""
    client = boto3.client("secretsmanager")
    body = json.dumps(values)
    try:
        client.create_secret(Name=settings.secret_id, SecretString=body)
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=settings.secret_id, SecretString=body)


def provision(settings: Settings, secret_values: dict[str, str]) -> None:
    template = load_template()
    create_table(settings, template)
    create_bucket(settings.edi_bucket, resource_properties(template, "EdiBucket"))
    create_bucket(settings.documents_bucket, resource_properties(template, "DocumentsBucket"))
    create_queues(settings, template)
    put_app_secret(settings, secret_values)
