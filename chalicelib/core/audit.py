"""Audit trail: who read or changed which practice data, when, and from where.

Records are append-only items in the practice's partition (pk=PRACTICE#p, sk=AUDIT#<ulid>), so the trail
sorts by time and is listed with one Query. They hold ids and actions only, never the data itself.

How a record is written, so that it costs no round trip of its own (core/api.py):
- a change's record goes in the change's own TransactWriteItems: the route hands the service an `Audit`, and
  the service (or `db/store.py`) takes its record into the transaction it writes, so the two cannot disagree;
- a read's record is written at the same time as the read (`while_reading`, core/fanout.together), and withdrawn
  if the read is refused, since a refused request writes nothing.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from chalicelib.core.clock import now_iso
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.logs import get_logger
from chalicelib.db import keys
from chalicelib.db.models import AuditRecord

T = TypeVar("T")


@dataclass(frozen=True)
class AuditEvent:
    practice_id: str | None  # None: the practice a create makes (POST /practices), known once it is made
    actor_key_id: str
    entity: str
    entity_id: str | None  # None: the object a create makes, known once it is made
    action: str
    request_id: str
    source_ip: str | None


def item(event: AuditEvent) -> AuditRecord:
    """The record of an event, not yet saved."""
    assert event.practice_id, "an audit record lives in a practice's partition"
    record_id, now = new_id(), now_iso()
    return AuditRecord(
        keys.practice_pk(event.practice_id),
        keys.audit_sk(record_id),
        id=record_id,
        created_at=now,
        updated_at=now,
        practice_id=event.practice_id,
        actor_key_id=event.actor_key_id,
        entity=event.entity,
        entity_id=event.entity_id,
        action=event.action,
        request_id=event.request_id,
        source_ip=event.source_ip,
    )


def record(event: AuditEvent) -> AuditRecord:
    saved = item(event)
    saved.save()
    return saved


def while_reading(events: Sequence[AuditEvent], read: Callable[[], T]) -> T:
    """`read()`, with the records of `events` written at the same time (one PutItem, or one BatchWriteItem for
    several practices). A read refused after all withdraws them: a refused request writes nothing."""
    records = [item(event) for event in events]
    if not records:
        return read()
    try:
        result, _ = together(read, lambda: _write(records))
    except BaseException:
        _withdraw(records)
        raise
    return result


def _write(records: list[AuditRecord]) -> None:
    if len(records) == 1:
        records[0].save()
    elif records:
        with AuditRecord.batch_write() as batch:
            for record_ in records:
                batch.save(record_)


def _withdraw(records: list[AuditRecord]) -> None:
    """Deleting a record never written is no error. Should it fail, the refusal is still answered; the records
    stay, and the log says so."""
    try:
        with AuditRecord.batch_write() as batch:
            for record_ in records:
                batch.delete(record_)
    except Exception:
        get_logger().exception("audit records of a refused read not withdrawn",
                               extra={"audit_ids": [record_.id for record_ in records]})


class Audit:
    """The record of one change, for the service to write in the change's own transaction (`take`). What it
    does not take, the route writes after the change (`taken` says which)."""

    def __init__(self, event: AuditEvent) -> None:
        self.event = event
        self.taken: AuditRecord | None = None

    def made(self, made_id: str) -> None:
        """Name what a create made, when the record goes with a later write of the request than the create's."""
        if self.event.entity_id is None:
            self.event = dataclasses.replace(self.event, entity_id=made_id)

    def take(self, made_id: str | None = None) -> AuditRecord | None:
        """The record to save with the change, once: a second transaction of the same request gets None.
        `made_id` names what a create made (its practice too, when the create made a practice)."""
        if self.taken is not None:
            return None
        event = self.event
        if event.entity_id is None and made_id is not None:
            event = dataclasses.replace(event, entity_id=made_id, practice_id=event.practice_id or made_id)
        if event.practice_id is None:
            return None  # nothing to file it under: the route writes it once it knows the practice
        self.taken = item(event)
        return self.taken
