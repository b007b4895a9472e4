"""Recovery points: how an operation that a crash cut in half is found again and finished, once.

Three operations write several things one after another, and a crash (a Lambda timeout, a lost connection)
can stop them between two writes: a claim batch (the batch, its claims marked `submitted`, the 837 in the
outbox), an inbound file (its record, the claims, the practices' records) and a status inquiry (its record,
the 276 out, the 277 back). Each puts its item in a pending state with gsi3 keys in its kind's recovery
partition, `RECOVERY#<kind>`, sorted by the moment from which a sweeper may take it over
(`<ISO time>#<id>`); the write that finishes the operation removes them, so the partition holds only
unfinished work. Each step in between leaves a trace the sweeper reads to know how far it got (the claims
marked for the batch, the object in the outbox, the 276 and 277 kept in the bucket).

The sweeper (jobs/recovery.py) Queries each partition for items whose moment has passed, never a Scan, reads
each one by its key and takes it with a conditional write on its version that moves the moment on by the
kind's grace period and counts the attempt: of two sweepers, one wins. The grace period is longer than the
operation can run (its Lambda's timeout), so a request still running is never overtaken; a sweeper that dies
itself leaves the item to be taken again once its new moment passes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterator, TypeVar

from chalicelib.core.clock import iso, now_iso
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, store
from chalicelib.db.models import Item

T = TypeVar("T", bound=Item)
MAX_ATTEMPTS = 5  # then the item leaves the index with its reason, for a person
FINISHED: dict[str, Any] = {"gsi3pk": None, "gsi3sk": None}  # done, rolled back or given up: out of the index


def pending(kind: str, item_id: str, now: datetime, grace: timedelta) -> dict[str, str]:
    """The index keys of an item whose operation starts at `now`: a sweeper may take it from now + grace."""
    return {"gsi3pk": keys.recovery_pk(kind), "gsi3sk": keys.recovery_sk(iso(now + grace), item_id)}


class Unrecoverable(Exception):
    """What an operation needs to go on is gone: trying again cannot help, so the sweeper gives up at once.
    The message is kept on the item: ids and words, never patient data."""


def finished(*, recovered: bool = False) -> dict[str, Any]:
    """The changes that end an operation: out of the index; `recovered_at` when a sweeper finished it."""
    return {**FINISHED, "recovered_at": now_iso() if recovered else None, "recovery_error": None}


def _until(now: datetime) -> str:
    return f"{iso(now)}#~"  # after every `<now>#<id>`: `~` sorts above any id


def due(model: type[T], kind: str, now: datetime) -> Iterator[T]:
    """Items of the kind a sweeper may take at `now`, as the narrow index has them (keys, kind, id, status)."""
    return model.gsi3.query(keys.recovery_pk(kind), model.gsi3sk <= _until(now), page_size=100)


def take(model: type[T], hit: Any, kind: str, now: datetime, grace: timedelta) -> T | None:
    """The item, read again and taken (its moment moved on by `grace`, the attempt counted), or None when it
    was finished meanwhile or someone took it first."""
    try:
        item = model.get(hit.pk, hit.sk, consistent_read=True)
    except model.DoesNotExist:
        return None
    if item.gsi3pk != keys.recovery_pk(kind) or (item.gsi3sk or "~") > _until(now):
        return None  # the index lags the table: finished, or taken by another sweeper
    attempts = int(getattr(item, "recovery_attempts", 0) or 0) + 1
    try:
        return store.update(item, {**pending(kind, item.id, now, grace), "recovery_attempts": attempts},
                            item.version, kind)
    except Conflict:
        return None


def failed(model: type[T], item: T, kind: str, reason: str, changes: dict[str, Any] | None = None) -> None:
    """Keep why an attempt failed on the item, which stays in the index to be taken again after its grace; with
    `changes`, the sweeper gives it up: they are saved with the reason and the item leaves the index."""
    try:
        fresh = model.get(item.pk, item.sk, consistent_read=True)
        if fresh.gsi3pk == keys.recovery_pk(kind):
            given_up = {**FINISHED, **changes} if changes is not None else {}
            store.update(fresh, {**given_up, "recovery_error": reason}, fresh.version, kind)
    except (model.DoesNotExist, Conflict):
        pass  # finished or taken meanwhile: its new state says more than this attempt's failure
