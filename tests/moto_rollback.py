"""moto, made to roll a transaction back item by item, and to answer one request at a time: shared by the API
tests (tests/api/conftest.py) and the benchmarks (bench/tracking_world.py, bench/route_calls.py).

moto 5.2's TransactWriteItems deep-copies the whole table before each transaction (once per item naming it) so
that it can restore it if the transaction is cancelled. With one session-long table, or 100,000 stored claims,
that copy is most of the time (and memory) spent. Here a transaction saves only the items it names and puts
them back if it is cancelled: the same state as moto's restore, since a transaction changes nothing else.
"""
from __future__ import annotations

import copy
import threading
from types import SimpleNamespace
from typing import Any

# One transaction at a time: the swap of moto's `copy` below is module-wide, and moto's transaction code was not
# written for threads (claims/lifecycle.py writes independent transactions from several threads at once).
_ONE_AT_A_TIME = threading.RLock()


def _named_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """(table, hash key, range key, a copy of the item as it is now, or None) for each item named."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        key = op.get("Item") or op.get("Key")
        if table is None or not key or table.hash_key_attr not in key:
            continue  # moto refuses it itself
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
        current = table.get_item(hash_key, range_key) if range_key or not table.range_key_attr else None
        saved.append((table, hash_key, range_key, copy.deepcopy(current)))
    return saved


def _put_back(saved: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_key, range_key, item in reversed(saved):
        if range_key is None and item is None:
            table.items.pop(hash_key, None)
        elif range_key is None:
            table.items[hash_key] = item
        elif item is None:
            table.items.get(hash_key, {}).pop(range_key, None)
        else:
            table.items[hash_key][range_key] = item


def item_level_rollback() -> None:
    """moto's transactions back up only the items they name (see the module's docstring)."""
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "item_level_rollback", False):
        return
    original = backend.transact_write_items

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, models.Table) else copy.deepcopy(value, memo)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _ONE_AT_A_TIME:
            saved = _named_items(self, transact_items)
            models.copy = SimpleNamespace(deepcopy=deepcopy)  # the module's only use of `copy` is deepcopy
            try:
                return original(self, transact_items)
            except Exception:
                _put_back(saved)  # moto "restored" the live table onto itself; the named items go back here
                raise
            finally:
                models.copy = copy

    transact_write_items.item_level_rollback = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items


def one_request_at_a_time() -> None:
    """moto's backends are plain dicts, not safe for threads, and the app makes calls at once from threads (the
    follow-up job's 276s and their S3 copies, core/fanout.py): moto answers them one after another, as if each
    took its turn on the wire."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    if getattr(BotocoreStubber.process_request, "one_at_a_time", False):
        return
    original = BotocoreStubber.process_request
    lock = threading.RLock()

    def process_request(self: Any, request: Any) -> Any:
        with lock:
            return original(self, request)

    process_request.one_at_a_time = True  # type: ignore[attr-defined]
    BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
