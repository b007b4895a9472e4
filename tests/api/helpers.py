"""Reading the table directly, for tests that prove a refused request wrote nothing."""
import os

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from chalicelib.core.settings import get_settings


def table_items() -> list[dict]:
    """Every item in the test table, as a Scan would give them, read from moto's in-process table: the table
    grows with the session, and a Scan of it through boto3 costs about 30 times as much."""
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
    table = backend.get_table(get_settings().table_name)
    return [item.to_json()["Attributes"] for item in table.all_items()]
