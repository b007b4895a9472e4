"""Denials: the work items a denied claim or line opens (opening.py makes them with the posting), their lists,
and working one: a biller moves it to in_progress, resolved or written_off with a note; closing it closes its
task in the same transaction. Every function takes the tenant first (a scope, or the principal for the firm).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Callable

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope, Principal, require_whole_firm
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, store
from chalicelib.denials import lists, rules, words
from chalicelib.denials.items import UNRESOLVED, Denial
from chalicelib.denials.models import AdjustmentOut, CodeWords, DenialOut, DenialQuery, DenialWork, FirmDenialQuery
from chalicelib.denials.opening import index, opened_by
from chalicelib.edi.remittance import codes
from chalicelib.tasks.items import Task

__all__ = ["opened_by", "get", "list_for_practice", "list_for_firm", "work"]
Page = tuple[list[Any], "str | None"]
Clock = Callable[[], datetime]
CLOSED = frozenset({"resolved", "written_off"})


def out(item: Denial) -> DenialOut:
    """The denial with its codes in plain words."""
    fields = {name: getattr(item, name) for name in DenialOut.model_fields
              if name not in ("reason", "adjustments", "remarks")}
    return DenialOut(**fields, reason=CodeWords(code=item.reason, words=words.carc(item.reason)),
                     adjustments=[AdjustmentOut(**a, group_words=codes.adjustment_group(a["group"]),
                                                words=words.carc(a["reason"])) for a in json.loads(item.adjustments)],
                     remarks=[CodeWords(code=r, words=words.rarc(r)) for r in json.loads(item.remarks)])


def _require(scope: PracticeScope, denial_id: str) -> Denial:
    return store.get(Denial, keys.practice_pk(scope.practice_id), keys.denial_sk(denial_id), "denial")


def get(scope: PracticeScope, denial_id: str) -> DenialOut:
    return out(_require(scope, denial_id))


def list_for_practice(scope: PracticeScope, query: DenialQuery, *, clock: Clock = utcnow) -> Page:
    """Newest first (the practice's partition), or unresolved by priority (gsi1); filtered by status, category,
    payer and age."""
    read = lists.practice_priority if query.order == "priority" else lists.practice_newest
    items, cursor = read(scope.practice_id, query, clock())
    return [out(item) for item in items], cursor


def list_for_firm(principal: Principal, query: FirmDenialQuery, *, clock: Clock = utcnow) -> Page:
    """Every practice's denials, newest first (keys that see all the firm's practices)."""
    require_whole_firm(principal, "The firm's denials are for keys that see all of its practices; use a "
                                  "practice's list.")
    items, cursor = lists.firm_newest(principal.firm_id, query, clock())
    return [out(item) for item in items], cursor


def work(scope: PracticeScope, denial_id: str, body: DenialWork, version: int, audit: Audit | None = None, *,
         clock: Clock = utcnow) -> DenialOut:
    """Move a denial on with a note; its priority is taken again with the days now left to appeal. Resolving or
    writing it off takes it off the priority queue and closes its task (when still open), all in one transaction
    with the audit record; a closed denial does not change."""
    item = _require(scope, denial_id)
    store.check_version(item, version, "denial")
    if item.status not in UNRESOLVED:
        raise Conflict(f"The denial is {item.status} already: it does not change.")
    moment = clock()
    now, actor = iso(moment), scope.principal.key_id
    notes = json.loads(item.notes) + [{"at": now, "by": actor, "status": body.status, "note": body.note}]
    days_left = (date.fromisoformat(item.appeal_due) - moment.date()).days  # fewer now than when it was opened
    changes: dict[str, Any] = {"status": body.status, "notes": json.dumps(notes),
                               "priority": rules.priority(int(item.denied_cents), days_left)}
    task: list[Task] = []
    if body.status in CLOSED:
        changes.update(closed_at=now, closed_by=actor)
        task = _closed_task(item, body, actor, now)
    item.status, item.priority = body.status, changes["priority"]
    index(item)  # re-ranked on the priority queue, or off it once closed
    return out(store.update(item, changes, version, "denial", audit, also=task))


def _closed_task(denial: Denial, body: DenialWork, actor: str, now: str) -> list[Task]:
    from chalicelib.tasks import service as tasks

    try:
        task = Task.get(denial.pk, keys.task_sk(denial.task_id), consistent_read=True)
    except Task.DoesNotExist:
        return []
    if task.status != "open":
        return []
    tasks.mark_done(task, f"Denial {denial.id} {body.status.replace('_', ' ')}: {body.note}"[:1000], actor, now)
    return [task]
