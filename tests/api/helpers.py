"""Reading the table directly, for tests that prove a refused request wrote nothing."""
import boto3


def table_items() -> list[dict]:
    """Every item in the test table (a Scan: fine in a test, never in the app)."""
    client = boto3.client("dynamodb")
    items, start = [], {}
    while True:
        page = client.scan(TableName="revcycle", **start)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
