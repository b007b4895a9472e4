"""Storage calls every service shares, and the one place storage errors become domain errors.

Round trips are what a request waits for, so: items a request needs that do not depend on one another are
read together (`read`: one BatchGetItem), and a change is written with its audit record in one
TransactWriteItems (`transaction`, and `create`, `update`, `delete` when given the route's `Audit`).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Iterator, Sequence, TypeVar

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.audit import Audit
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import AlreadyExists, Conflict, NotFound
from chalicelib.db.connection import connection
from chalicelib.db.models import Item

T = TypeVar("T", bound=Item)


@dataclass(frozen=True)
class Key(Generic[T]):
    """An item to read by its table key, and what a 404 calls it."""

    model: type[T]
    pk: str
    sk: str
    what: str = "item"


class Found:
    """The answer of `read`: each item asked for, or nothing."""

    def __init__(self, items: dict[tuple[str, str], Item]) -> None:
        self._items = items

    def find(self, key: Key[T]) -> T | None:
        item = self._items.get((key.pk, key.sk))
        return item if isinstance(item, key.model) else None

    def get(self, key: Key[T]) -> T:
        item = self.find(key)
        if item is None:
            raise NotFound(f"No such {key.what}.")
        return item


def load(key: Key[T]) -> T:
    """One item by its key (GetItem); 404 when there is none."""
    return get(key.model, key.pk, key.sk, key.what)


def read(*wanted: Key[Any] | None, consistent: bool = False) -> Found:
    """Items of any kinds by key in one BatchGetItem (one per 100 keys); `None` entries are skipped."""
    pairs = list(dict.fromkeys((key.pk, key.sk) for key in wanted if key is not None))
    if not pairs:
        return Found({})
    items = Item.batch_get(pairs, consistent_read=consistent or None)
    return Found({(item.pk, item.sk): item for item in items})


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in {
        "ConditionalCheckFailedException", "TransactionCanceledException"}


@contextmanager
def transaction(audit: Audit | None = None, made_id: str | None = None) -> Iterator[TransactWrite]:
    """Writes that must agree: all of them or none (TransactWriteItems), the route's audit record among them
    when `audit` is given (`made_id`: what a create makes). A transaction that fails leaves the record for the
    next one to take."""
    record = audit.take(made_id) if audit is not None else None
    try:
        with TransactWrite(connection=connection()) as tx:
            yield tx
            if record is not None:
                tx.save(record)
    except BaseException:
        if record is not None and audit is not None:
            audit.taken = None
        raise


def get(model: type[T], pk: str, sk: str, what: str) -> T:
    try:
        item = model.get(pk, sk)
    except model.DoesNotExist:
        raise NotFound(f"No such {what}.") from None
    if not isinstance(item, model):
        raise NotFound(f"No such {what}.")
    return item


def _first_refused(error: TransactWriteError) -> bool:
    reasons = error.cancellation_reasons or []
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def create(item: T, what: str, audit: Audit | None = None) -> T:
    """First save of a new item: the version attribute makes it conditional on the key being free. With the
    route's `audit`, the item and its audit record are one transaction."""
    now = now_iso()
    item.created_at = item.created_at or now
    item.updated_at = now
    try:
        if audit is None:
            item.save()
        else:
            with transaction(audit, made_id=item.id) as tx:
                tx.save(item)
    except (PutError, TransactWriteError) as error:
        refused = _first_refused(error) if isinstance(error, TransactWriteError) else _condition_failed(error)
        if refused:
            raise AlreadyExists(f"This {what} already exists.") from None
        raise
    return item


def check_version(item: Item, expected: int, what: str) -> None:
    if item.version != expected:
        raise Conflict(f"The {what} changed since version {expected}; it is at version {item.version}.")


def update(item: T, changes: dict[str, Any], expected_version: int, what: str, audit: Audit | None = None,
           also: Sequence[Item] = ()) -> T:
    """Save a change, conditional on the version read: a concurrent edit fails here (409). With the route's
    `audit`, or other items to save with it (`also`, each under its own condition), one transaction."""
    check_version(item, expected_version, what)
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = now_iso()
    try:
        if audit is None and not also:
            item.save()
        else:
            with transaction(audit) as tx:
                tx.save(item)
                for other in also:
                    tx.save(other)
    except (PutError, TransactWriteError) as error:
        if _condition_failed(error):
            raise Conflict(f"The {what} was changed by another request; read it again.") from None
        raise
    return item


def delete(item: Item, expected_version: int, what: str, audit: Audit | None = None) -> None:
    check_version(item, expected_version, what)
    try:
        if audit is None:
            item.delete()
        else:
            with transaction(audit) as tx:
                tx.delete(item)
    except (DeleteError, TransactWriteError) as error:
        if _condition_failed(error):
            raise Conflict(f"The {what} was changed by another request; read it again.") from None
        raise


def translate_transaction(error: TransactWriteError, what: str) -> Exception:
    if _condition_failed(error):
        return Conflict(f"The {what} conflicts with existing data.")
    return error
