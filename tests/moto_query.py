"""moto, made to answer a Query from the partition it names: shared by the API tests (tests/api/conftest.py).

moto 5.2's `Table.query` takes its candidates from `Table.all_items()`, which sorts every item of the table
(DynamoType comparisons in Python) before the query keeps those of the partition asked for. Each Query then
costs the whole table, and the API tests' one session-long table grows with every test: a test late in the
session paid seconds per request that queries. Here `Table.query` runs unchanged on a view of the table whose
`all_items()` holds only the candidates it would keep: the items of the partition named (a table Query), or
the items whose index hash key attributes equal those asked for (an index Query). moto checks the same
conditions on them again, and it sorts the candidates itself by their full key before it pages, filters and
projects, so the answer is the one moto gives (tests/api/test_moto_query.py compares them).
"""
from __future__ import annotations

from typing import Any


class _Candidates:
    """The table as `Table.query` reads it: every attribute is the table's, but `all_items()`."""

    def __init__(self, table: Any, candidates: list[Any]) -> None:
        self._table = table
        self._candidates = candidates

    def all_items(self) -> list[Any]:
        return self._candidates

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def _every_item(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for partition in table.items.values() for item in partition.values()]
    return list(table.items.values())


def _partition(table: Any, hash_key: Any) -> list[Any]:
    found = table.items.get(hash_key)  # .get: `items` is a defaultdict, a lookup would add the partition
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]


def _candidates(table: Any, hash_key: Any, index_name: str | None, hash_key_conditions: Any) -> list[Any] | None:
    """What moto's query would keep of `all_items()`, in any order; None where it is left to moto."""
    if not index_name:
        return _partition(table, hash_key) if hash_key is not None else None
    if not hash_key_conditions:
        return None
    return [item for item in _every_item(table)
            if all((value := item.attrs.get(name)) is not None and value == wanted
                   for name, wanted in hash_key_conditions)]


def partition_queries() -> None:
    """moto's Table.query reads only the partition it is asked for (see the module's docstring)."""
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "moto_original", None) is not None:
        return
    original = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        candidates = _candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions"))
        return original(self if candidates is None else _Candidates(self, candidates), hash_key, *args, **kwargs)

    query.moto_original = original  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]


def table_like_ours(name: str) -> Any:
    """A table shaped like the app's (pk, sk, and the index gsi1 over gsi1pk, gsi1sk), to ask both sides the same
    Queries: tests/api/test_moto_query.py and bench/moto_query.py. A boto3 Table resource."""
    import boto3

    keys = [{"AttributeName": key, "AttributeType": "S"} for key in ("pk", "sk", "gsi1pk", "gsi1sk")]
    boto3.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=keys,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"},
                                               {"AttributeName": "gsi1sk", "KeyType": "RANGE"}]}])
    return boto3.resource("dynamodb").Table(name)
