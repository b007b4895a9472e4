"""The one PynamoDB connection of the container, on the app's one DynamoDB client (core/aws.py).

PynamoDB builds a TableConnection per model class, each with its own botocore session and client: about 64 ms
the first time each class is used, and a connection pool (a TLS handshake in AWS) per class. Every kind here
lives in the one table with the same keys and indexes, so `Item` hands all of them one TableConnection
(db/models.py), and that connection's client is the container's DynamoDB client. PynamoDB offers no public
way to pass a connection to a model (pynamodb/PynamoDB#1245): `Item._get_connection` is the one override.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import TableError

from chalicelib.core import aws


class SharedConnection(Connection):
    """PynamoDB's Connection whose botocore client is the container's DynamoDB client."""

    @property
    def session(self) -> Any:
        return aws.session()

    @property
    def client(self) -> Any:
        return aws.client("dynamodb")


@lru_cache(maxsize=1)
def connection() -> SharedConnection:
    return SharedConnection()


def share(table: TableConnection) -> TableConnection:
    """Put a TableConnection PynamoDB built (with its table's schema) on the shared connection."""
    if not isinstance(table.connection, SharedConnection):
        shared = connection()
        meta = table.get_meta_table()
        try:
            shared.get_meta_table(meta.table_name)
        except TableError:  # its first TableConnection (another name only when a test changes the settings)
            shared.add_meta_table(meta)
        table.connection = shared
    return table
