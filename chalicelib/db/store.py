"""Storage calls every service shares, and the one place storage errors become domain errors."""
from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import now_iso
from chalicelib.core.errors import AlreadyExists, Conflict, NotFound
from chalicelib.db.connection import connection
from chalicelib.db.models import Item

T = TypeVar("T", bound=Item)


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in {
        "ConditionalCheckFailedException", "TransactionCanceledException"}


def transaction() -> TransactWrite:
    """Writes that must agree: all of them or none (TransactWriteItems)."""
    return TransactWrite(connection=connection())


def get(model: type[T], pk: str, sk: str, what: str) -> T:
    try:
        item = model.get(pk, sk)
    except model.DoesNotExist:
        raise NotFound(f"No such {what}.") from None
    if not isinstance(item, model):
        raise NotFound(f"No such {what}.")
    return item


def create(item: T, what: str) -> T:
    """First save of a new item: the version attribute makes it conditional on the key being free."""
    now = now_iso()
    item.created_at = item.created_at or now
    item.updated_at = now
    try:
        item.save()
    except PutError as error:
        if _condition_failed(error):
            raise AlreadyExists(f"This {what} already exists.") from None
        raise
    return item


def check_version(item: Item, expected: int, what: str) -> None:
    if item.version != expected:
        raise Conflict(f"The {what} changed since version {expected}; it is at version {item.version}.")


def update(item: T, changes: dict[str, Any], expected_version: int, what: str) -> T:
    check_version(item, expected_version, what)
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = now_iso()
    try:
        item.save()  # conditional on the version read: a concurrent edit fails here
    except PutError as error:
        if _condition_failed(error):
            raise Conflict(f"The {what} was changed by another request; read it again.") from None
        raise
    return item


def delete(item: Item, expected_version: int, what: str) -> None:
    check_version(item, expected_version, what)
    try:
        item.delete()
    except DeleteError as error:
        if _condition_failed(error):
            raise Conflict(f"The {what} was changed by another request; read it again.") from None
        raise


def translate_transaction(error: TransactWriteError, what: str) -> Exception:
    if _condition_failed(error):
        return Conflict(f"The {what} conflicts with existing data.")
    return error
