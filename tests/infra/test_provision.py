"""infra/provision.py under moto: what the local stack and the API tests stand on."""
from __future__ import annotations

import json
import uuid
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.core.settings import Settings
from infra.provision import provision

SECRET = {"root_key": "rcroot-infra-test", "signing_key": "infra-test-signing"}


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def settings() -> Settings:
    """Names no other test uses: when the API tests' moto session is still open, mock_aws() nests in it and
    keeps its resources, so fixed names would find buckets and queues made elsewhere."""
    run = f"infra-{uuid.uuid4().hex[:8]}"
    return Settings(stage="test", table_name=run, edi_bucket=f"{run}-edi", documents_bucket=f"{run}-documents",
                    jobs_queue=f"{run}-jobs", secret_id=f"{run}/app")


def queue_attributes(name: str) -> dict[str, Any]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_provision_creates_the_table_with_its_index_and_ttl(aws: None, settings: Settings) -> None:
    provision(settings, SECRET)
    dynamodb = boto3.client("dynamodb")
    table = dynamodb.describe_table(TableName=settings.table_name)["Table"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["gsi1", "gsi2", "gsi3"]
    ttl = dynamodb.describe_time_to_live(TableName=settings.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_provision_creates_versioned_private_buckets(aws: None, settings: Settings) -> None:
    provision(settings, SECRET)
    s3 = boto3.client("s3")
    for bucket in (settings.edi_bucket, settings.documents_bucket):
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4


def test_provision_creates_the_jobs_queue_redriving_to_its_dead_letter_queue(aws: None, settings: Settings) -> None:
    provision(settings, SECRET)
    dlq = queue_attributes(settings.jobs_queue + "-dlq")
    jobs = queue_attributes(settings.jobs_queue)
    redrive = json.loads(jobs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == 5
    assert jobs["VisibilityTimeout"] == "360"
    assert dlq["MessageRetentionPeriod"] == "1209600"


def test_provision_twice_keeps_what_exists(aws: None, settings: Settings) -> None:
    provision(settings, SECRET)
    boto3.client("s3").put_object(Bucket=settings.edi_bucket, Key="inbox/999.x12", Body=b"ISA*00")
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=settings.jobs_queue)["QueueUrl"], MessageBody="{}")

    provision(settings, {**SECRET, "root_key": "rcroot-rotated"})

    assert boto3.client("s3").get_object(Bucket=settings.edi_bucket, Key="inbox/999.x12")["Body"].read() == b"ISA*00"
    assert queue_attributes(settings.jobs_queue)["ApproximateNumberOfMessages"] == "1"
    urls = sqs.list_queues(QueueNamePrefix=settings.jobs_queue)["QueueUrls"]
    assert sorted(url.rsplit("/", 1)[1] for url in urls) == [settings.jobs_queue, settings.jobs_queue + "-dlq"]
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=settings.secret_id)["SecretString"]
    assert json.loads(secret)["root_key"] == "rcroot-rotated"


def test_provision_works_outside_us_east_1(aws: None, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every region but us-east-1 needs the bucket's LocationConstraint.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    provision(settings, SECRET)
    location = boto3.client("s3").get_bucket_location(Bucket=settings.documents_bucket)["LocationConstraint"]
    assert location == "eu-west-1"


def test_a_table_from_an_older_template_gets_the_new_indexes():
    import boto3
    from moto import mock_aws

    from chalicelib.core.settings import Settings
    from infra.provision import create_table, load_template

    settings = Settings(table_name="revcycle-upgrade-test")
    older = load_template()
    props = older["Resources"]["Table"]["Properties"]
    props["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"][:1]
    props["AttributeDefinitions"] = [a for a in props["AttributeDefinitions"] 
                                   if not a["AttributeName"].startswith(("gsi2", "gsi3"))]
    with mock_aws():
        create_table(settings, older)
        create_table(settings)
        table = boto3.client("dynamodb").describe_table(TableName=settings.table_name)["Table"]
        assert sorted(i["IndexName"] for i in table["GlobalSecondaryIndexes"]) == ["gsi1", "gsi2", "gsi3"]
