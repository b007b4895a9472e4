"""tests/api/helpers.py's `changed_since` sees every change to the table since its mark, however it was written,
and nothing that was put back as it was."""
import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.core.settings import get_settings
from tests.api.helpers import changed_since, partition_items, table_mark


@pytest.fixture
def client(aws):
    return boto3.client("dynamodb")


@pytest.fixture
def table(aws):
    return get_settings().table_name


def item(pk, sk, **fields):
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{name: {"S": value} for name, value in fields.items()}}


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_a_put_an_update_and_a_delete_are_each_seen_with_the_item_before_and_after(client, table):
    client.put_item(TableName=table, Item=item("HELPER#a", "kept", note="old"))
    client.put_item(TableName=table, Item=item("HELPER#a", "gone"))
    mark = table_mark()
    client.put_item(TableName=table, Item=item("HELPER#a", "new"))
    client.update_item(TableName=table, Key=key("HELPER#a", "kept"), UpdateExpression="SET note = :n",
                       ExpressionAttributeValues={":n": {"S": "new"}})
    client.delete_item(TableName=table, Key=key("HELPER#a", "gone"))
    assert changed_since(mark) == {("HELPER#a", "new"): (None, item("HELPER#a", "new")),
                                   ("HELPER#a", "kept"): (item("HELPER#a", "kept", note="old"),
                                                          item("HELPER#a", "kept", note="new")),
                                   ("HELPER#a", "gone"): (item("HELPER#a", "gone"), None)}


def test_the_writes_of_a_transaction_and_of_a_batch_are_seen(client, table):
    mark = table_mark()
    client.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item("HELPER#b", "one")}}])
    client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item("HELPER#b", "two")}}]})
    assert set(changed_since(mark)) == {("HELPER#b", "one"), ("HELPER#b", "two")}


def test_an_item_written_again_as_it_was_or_added_then_deleted_is_no_change(client, table):
    client.put_item(TableName=table, Item=item("HELPER#c", "same", note="x"))
    mark = table_mark()
    client.put_item(TableName=table, Item=item("HELPER#c", "same", note="x"))
    client.put_item(TableName=table, Item=item("HELPER#c", "brief"))
    client.delete_item(TableName=table, Key=key("HELPER#c", "brief"))
    assert changed_since(mark) == {}


def test_a_cancelled_transaction_changes_nothing(client, table):
    client.put_item(TableName=table, Item=item("HELPER#d", "taken"))
    mark = table_mark()
    with pytest.raises(ClientError, match="TransactionCanceled"):
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": item("HELPER#d", "first")}},
            {"Put": {"TableName": table, "Item": item("HELPER#d", "taken"),
                     "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert changed_since(mark) == {}
    assert [i["sk"]["S"] for i in partition_items("HELPER#d")] == ["taken"]


def test_a_partitions_items_are_read_in_key_order_and_no_others(client, table):
    for sk in ("b", "a", "c"):
        client.put_item(TableName=table, Item=item("HELPER#e", sk))
    client.put_item(TableName=table, Item=item("HELPER#e2", "a"))
    assert [i["sk"]["S"] for i in partition_items("HELPER#e")] == ["a", "b", "c"]
