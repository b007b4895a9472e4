"""Audit trail: who read or changed which practice data, when, and from where.

Records are append-only items in the practice's partition (pk=PRACTICE#p, sk=AUDIT#<ulid>), so the trail
sorts by time and is listed with one Query. They hold ids and actions only, never the data itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.clock import now_iso
from chalicelib.core.ids import new_id
from chalicelib.db import keys
from chalicelib.db.models import AuditRecord


@dataclass(frozen=True)
class AuditEvent:
    practice_id: str
    actor_key_id: str
    entity: str
    entity_id: str | None
    action: str
    request_id: str
    source_ip: str | None


def record(event: AuditEvent) -> None:
    record_id, now = new_id(), now_iso()
    AuditRecord(
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
    ).save()

