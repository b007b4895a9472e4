"""The API tests' moto answers a Query from the partition it names (tests/moto_query.py), with moto's own answer:
the same items, order, pages, counts and last keys, on a table and on its index."""
import random

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from moto.dynamodb.models.table import Table

from tests.moto_query import table_like_ours

TABLE = "moto-query-check"


@pytest.fixture(scope="module")
def table(aws):
    """A table shaped like ours (pk, sk, a GSI on gsi1pk/gsi1sk), of 8 partitions and 5 index partitions;
    some items are not on the index (no gsi1pk, or no gsi1sk)."""
    made = table_like_ours(TABLE)
    rng = random.Random(11)
    with made.batch_writer() as batch:
        for n in range(240):
            item = {"pk": f"p#{rng.randrange(8)}", "sk": f"s#{n:04d}", "n": rng.randrange(100)}
            if n % 7:
                item["gsi1pk"] = f"g#{rng.randrange(5)}"
            if n % 11:
                item["gsi1sk"] = f"{rng.choice('abc')}#{rng.randrange(50):03d}"
            batch.put_item(Item=item)
    yield made
    boto3.client("dynamodb").delete_table(TableName=TABLE)


QUERIES = {
    "a partition": dict(KeyConditionExpression=Key("pk").eq("p#3")),
    "a partition newest first": dict(KeyConditionExpression=Key("pk").eq("p#3"), ScanIndexForward=False),
    "a partition's prefix": dict(KeyConditionExpression=Key("pk").eq("p#1") & Key("sk").begins_with("s#01")),
    "a partition's range, filtered": dict(KeyConditionExpression=Key("pk").eq("p#5")
                                          & Key("sk").between("s#0050", "s#0150"), FilterExpression=Attr("n").lt(50)),
    "a partition in pages": dict(KeyConditionExpression=Key("pk").eq("p#2"), Limit=4),
    "a partition projected": dict(KeyConditionExpression=Key("pk").eq("p#4"), ProjectionExpression="sk, n"),
    "a partition counted": dict(KeyConditionExpression=Key("pk").eq("p#6"), Select="COUNT"),
    "no such partition": dict(KeyConditionExpression=Key("pk").eq("p#9")),
    "an index partition": dict(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq("g#2")),
    "an index partition in pages, newest first": dict(IndexName="gsi1", Limit=3, ScanIndexForward=False,
                                                      KeyConditionExpression=Key("gsi1pk").eq("g#0")),
    "an index partition's prefix": dict(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq("g#1")
                                        & Key("gsi1sk").begins_with("b#")),
    "an index range, filtered, in pages": dict(IndexName="gsi1", Limit=5, FilterExpression=Attr("n").gte(30),
                                               KeyConditionExpression=Key("gsi1pk").eq("g#4")
                                               & Key("gsi1sk").gt("a#020")),
    "no such index partition": dict(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq("g#7")),
}


def every_page(table, query):
    pages, start = [], {}
    while True:
        page = table.query(**query, **start)
        pages.append({key: page.get(key) for key in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        if "LastEvaluatedKey" not in page:
            return pages
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


@pytest.mark.parametrize("name", QUERIES)
def test_a_query_is_answered_as_moto_answers_it(table, monkeypatch, name):
    ours = every_page(table, QUERIES[name])
    monkeypatch.setattr(Table, "query", Table.query.moto_original)
    assert ours == every_page(table, QUERIES[name])
    assert name.startswith("no such") or ours[0]["Count"] or len(ours) > 1  # the query found something


@pytest.mark.parametrize("name", ["a partition", "a partition in pages", "an index partition",
                                  "an index range, filtered, in pages"])
def test_a_query_reads_no_item_outside_the_partition_it_names(table, monkeypatch, name):
    def whole_table(self):
        raise AssertionError("the query read the whole table")

    monkeypatch.setattr(Table, "all_items", whole_table)
    assert every_page(table, QUERIES[name])[0]["Items"]
