"""Tasks: the biller's work queue. Work for a person: fix and resubmit a rejected claim, call a payer that has
not paid, a manual to-do. Every function takes the tenant first (a scope, or the practice id a job was given).

A claim has at most one open task per reason: the claim names it (`open_tasks`, claims/open_tasks.py), written
in the same TransactWriteItems as the task under the claim's version, so a follow-up job delivered twice, or
two jobs racing, open one task. A task completed by a person leaves the slot free: the next opener finds the
named task done and opens a new one. A task whose cause the claim moves past is closed by that move
(claims/lifecycle.py), with the claim event that closed it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Iterable, Sequence

from pydantic import ValidationError
from pynamodb.exceptions import TransactWriteError

from chalicelib.claims import open_tasks
from chalicelib.claims.items import ClaimItem
from chalicelib.core import audit as audits
from chalicelib.core.audit import Audit, AuditEvent
from chalicelib.core.auth import PERMISSIONS, PracticeScope, Principal
from chalicelib.core.clock import now_iso, utcnow
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.http import validation_errors
from chalicelib.core.ids import is_id, new_id
from chalicelib.db import keys, membership, pages, store
from chalicelib.db.models import ApiKey, Item
from chalicelib.tasks import worklist
from chalicelib.tasks.items import MANUAL, PRIORITY_RANK, Task
from chalicelib.tasks.models import (
    MAX_PRACTICES,
    FirmTaskQuery,
    TaskCreate,
    TaskOpening,
    TaskOut,
    TaskQuery,
    TaskUpdate,
)

Page = tuple[list[Any], "str | None"]
Clock = Callable[[], datetime]


def out(item: Task) -> TaskOut:
    return TaskOut.model_validate(item)


def _index(item: Task) -> None:
    """Open tasks are on their queue's work list (gsi1); done ones only on their claim's list (gsi2)."""
    is_open = item.status == "open"
    item.gsi1pk = keys.open_tasks_pk(item.practice_id, item.queue) if is_open else None
    item.gsi1sk = f"{PRIORITY_RANK[item.priority]}#{item.due_on}#{item.id}" if is_open else None
    item.gsi2pk = keys.claim_tasks_pk(item.practice_id, item.claim_id) if item.claim_id else None
    item.gsi2sk = item.id if item.claim_id else None


def _new_task(practice_id: str, *, claim_id: str | None, reason: str, title: str, detail: str | None, queue: str,
              priority: str, due_on: str, assignee: str | None, actor: str, visit_id: str | None = None,
              task_id: str | None = None, now: str | None = None) -> Task:
    task_id, now = task_id or new_id(), now or now_iso()
    item = Task(keys.practice_pk(practice_id), keys.task_sk(task_id), id=task_id, created_at=now, updated_at=now,
                practice_id=practice_id, claim_id=claim_id, visit_id=visit_id, reason=reason, queue=queue,
                priority=priority, status="open", title=title, detail=detail, due_on=due_on, assignee=assignee,
                created_by=actor)
    _index(item)
    return item


def _write(saves: Sequence[Item], audit: Audit | None = None) -> None:
    """One TransactWriteItems: each item under its version condition (new ones: must not exist), with the
    route's audit record."""
    try:
        with store.transaction(audit) as tx:
            for item in saves:
                tx.save(item)
    except TransactWriteError as error:
        raise store.translate_transaction(error, "task") from None


def _named_open(claim: ClaimItem, reason: str) -> Task | None:
    """The open task the claim names for a reason; None when it names none, or one since done."""
    task_id = open_tasks.named(claim).get(reason)
    if task_id is None:
        return None
    try:
        task = Task.get(claim.pk, keys.task_sk(task_id), consistent_read=True)
    except Task.DoesNotExist:
        return None
    return task if task.status == "open" else None


def open_for_claim(claim: ClaimItem, reason: str, *, title: str, priority: str, queue: str, due_on: date | str,
                   actor: str, detail: str | None = None) -> tuple[TaskOut, bool]:
    """Open a task for a claim unless it names an open one for that reason: (the task, whether it is new).

    For jobs and claim ingestion, which vouch for the claim. The task and the claim naming it are written in one
    transaction under the claim's version, and `claim` takes its new version in place, so the caller can save
    it again. A claim changed since it was read (by a racing opener too) fails that condition: Conflict, and the
    caller reads the claim again.
    """
    given = _opening(practice_id=claim.practice_id, claim_id=claim.id, reason=reason, title=title, detail=detail,
                     queue=queue, priority=priority, due_on=due_on, actor=actor)
    existing = _named_open(claim, given.reason)
    if existing is not None:
        return out(existing), False
    named_before = claim.open_tasks
    task = _named_by(claim, given)
    try:
        _write([task, claim])
    except Conflict:
        claim.open_tasks = named_before  # nothing was written: the caller's claim says what it said
        raise
    return out(task), True


def _named_by(claim: ClaimItem, given: TaskOpening) -> Task:
    """A new task for the claim and reason, which the claim names (in memory: saved with the task)."""
    task = _new_task(claim.practice_id, claim_id=claim.id, reason=given.reason, title=given.title,
                     detail=given.detail, queue=given.queue, priority=given.priority,
                     due_on=given.due_on.isoformat(), assignee=None, actor=given.actor)
    open_tasks.name(claim, given.reason, task.id)
    return task


def still_open(named: Iterable[tuple[ClaimItem, str]]) -> set[str]:
    """The ids of the tasks these claims name for these reasons that are still open: for a job opening tasks
    for many claims at once, one BatchGetItem per 100 tasks named, none when none is."""
    wanted = {(claim.pk, keys.task_sk(task_id)) for claim, reason in named
              if (task_id := open_tasks.named(claim).get(reason)) is not None}
    if not wanted:
        return set()
    return {task.id for task in Task.batch_get(sorted(wanted), consistent_read=True)
            if isinstance(task, Task) and task.status == "open"}


def stage_for_claim(claim: ClaimItem, reason: str, *, open_ids: set[str], title: str, priority: str, queue: str,
                    due_on: date | str, actor: str, detail: str | None = None) -> Task | None:
    """`open_for_claim` for a job that saves many claims at once: the new task, named by the claim in memory,
    for the caller to save in one transaction with the claim (under its version); None when the claim names a
    task for the reason that is among `open_ids` (`still_open`)."""
    given = _opening(practice_id=claim.practice_id, claim_id=claim.id, reason=reason, title=title, detail=detail,
                     queue=queue, priority=priority, due_on=due_on, actor=actor)
    if open_tasks.named(claim).get(given.reason) in open_ids:
        return None
    return _named_by(claim, given)


def _opening(**fields: Any) -> TaskOpening:
    try:
        return TaskOpening(**fields)
    except ValidationError as error:
        raise ValidationFailed("The task is not valid.", validation_errors(error)) from None


def for_visit(practice_id: str, visit_id: str, reason: str, *, title: str, priority: str, queue: str,
              due_on: date | str, actor: str, detail: str | None = None) -> Task:
    """A job's task about a visit, not yet saved: the job saves it in the transaction that records why, so it is
    made once however often the job runs (no claim slot: the job's own record is the guard)."""
    given = _opening(practice_id=practice_id, visit_id=visit_id, reason=reason, title=title, detail=detail,
                     queue=queue, priority=priority, due_on=due_on, actor=actor)
    return _new_task(practice_id, claim_id=None, visit_id=visit_id, reason=given.reason, title=given.title,
                     detail=given.detail, queue=given.queue, priority=given.priority,
                     due_on=given.due_on.isoformat(), assignee=None, actor=given.actor)


def for_cause(claim: ClaimItem, task_id: str, reason: str, *, title: str, priority: str, queue: str,
              due_on: date | str, actor: str, now: str, detail: str | None = None) -> Task:
    """A task about a claim with an id its cause derives (a denial's), not yet saved and named by no claim: the
    caller saves it in the transaction that records the cause, whose own item makes it once however often that
    runs. Not a (claim, reason) slot: the cause's item says when it is done."""
    given = _opening(practice_id=claim.practice_id, claim_id=claim.id, reason=reason, title=title, detail=detail,
                     queue=queue, priority=priority, due_on=due_on, actor=actor)
    return _new_task(claim.practice_id, claim_id=claim.id, reason=given.reason, title=given.title,
                     detail=given.detail, queue=given.queue, priority=given.priority,
                     due_on=given.due_on.isoformat(), assignee=None, actor=given.actor, task_id=task_id, now=now)


def mark_done(item: Task, note: str, actor: str, now: str) -> None:
    """Done, in memory, off the work list: for `complete`, or a caller closing the task in its own transaction."""
    item.status, item.completed_at, item.completed_by, item.note = "done", now, actor, note
    item.updated_at = now
    _index(item)


def _require(scope: PracticeScope, task_id: str) -> Task:
    return store.get(Task, keys.practice_pk(scope.practice_id), keys.task_sk(task_id), "task")


def _require_claim(scope: PracticeScope, claim_id: str) -> ClaimItem:
    return store.get(ClaimItem, keys.practice_pk(scope.practice_id), keys.claim_sk(claim_id), "claim")


def _require_assignee(scope: PracticeScope, label: str) -> None:
    """An assignee is the label of an active key of the firm that sees this practice and may work tasks."""
    found = ApiKey.query(keys.firm_pk(scope.principal.firm_id), ApiKey.sk.startswith(keys.PREFIXES["api_key"]),
                         filter_condition=(ApiKey.label == label) & ApiKey.revoked_at.does_not_exist())
    if not any((key.all_practices or scope.practice_id in key.practice_ids)
               and "tasks:write" in PERMISSIONS.get(key.role, frozenset()) for key in found):
        raise ValidationFailed("No active API key of the firm with this label may work this practice's tasks.",
                               [field_error("assignee", "no such key label")])


def _claim_named(scope: PracticeScope, claim_id: str | None) -> None:
    if claim_id is not None:
        try:
            _require_claim(scope, claim_id)
        except NotFound:
            raise ValidationFailed("No such claim.", [field_error("claim_id", "no such claim")]) from None


def create(scope: PracticeScope, body: TaskCreate, audit: Audit | None = None, *, clock: Clock = utcnow) -> TaskOut:
    """A manual task; with a claim_id it is listed with the claim but holds no (claim, reason) slot. The claim
    and the assignee named are checked at once."""
    together(lambda: _claim_named(scope, body.claim_id),
             lambda: body.assignee is not None and _require_assignee(scope, body.assignee))
    task = _new_task(scope.practice_id, claim_id=body.claim_id, reason=MANUAL, title=body.title, detail=body.detail,
                     queue=body.queue, priority=body.priority, due_on=(body.due_on or clock().date()).isoformat(),
                     assignee=body.assignee, actor=scope.principal.key_id)
    return out(store.create(task, "task", audit))


def get(scope: PracticeScope, task_id: str) -> TaskOut:
    return out(_require(scope, task_id))


def list_open(scope: PracticeScope, query: TaskQuery, *, clock: Clock = utcnow) -> Page:
    """Open tasks of one queue: urgent first, then soonest due. Snoozed ones only with `include_snoozed`."""
    items, cursor = worklist.practice_page(scope.practice_id, query, clock().date().isoformat())
    return [out(item) for item in items], cursor


def update(scope: PracticeScope, task_id: str, body: TaskUpdate, version: int, audit: Audit | None = None
           ) -> TaskOut:
    """The task and the assignee named are read at once."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    assignee = changes.get("assignee")
    item, _ = together(lambda: _require(scope, task_id),
                       lambda: assignee is not None and _require_assignee(scope, assignee))
    store.check_version(item, version, "task")
    if item.status != "open":
        raise Conflict("A done task does not change.")
    for name in ("due_on", "snoozed_until"):
        if isinstance(changes.get(name), date):
            changes[name] = changes[name].isoformat()
    for name, value in changes.items():
        setattr(item, name, value)
    _index(item)  # priority, due date and queue place the task on its work list
    return out(store.update(item, {}, version, "task", audit))


def complete(scope: PracticeScope, task_id: str, note: str, version: int, audit: Audit | None = None) -> TaskOut:
    """Mark a task done with a note; it leaves the work list, and its claim's slot for its reason is free: the
    next problem of that kind with the claim opens a new task."""
    item = _require(scope, task_id)
    store.check_version(item, version, "task")
    if item.status != "open":
        raise Conflict("The task is done already.")
    mark_done(item, note, scope.principal.key_id, now_iso())
    _write([item], audit)
    return out(item)


def for_claim(scope: PracticeScope, claim_id: str, query: Any = None) -> Page:
    """Every task of a claim, open and done, oldest first. `query` carries `limit` and `cursor`."""
    _, page = together(lambda: _require_claim(scope, claim_id),
                       lambda: pages.query_index_page(Task, "gsi2", keys.claim_tasks_pk(scope.practice_id, claim_id),
                                                      "", limit=getattr(query, "limit", 50),
                                                      cursor=getattr(query, "cursor", None)))
    return [out(item) for item in page.items], page.next_cursor


def _require_practices(principal: Principal, practice_ids: Sequence[str]) -> None:
    """Each practice must be the firm's and one the key sees; any other answers 404, like a practice route."""
    missing = NotFound("No such practice.")
    if len(practice_ids) > MAX_PRACTICES:
        raise ValidationFailed(f"At most {MAX_PRACTICES} practices.",
                               [field_error("query.practice_ids", "too many practices")])
    if not all(is_id(p) and principal.sees_practice(p) for p in practice_ids):
        raise missing
    if membership.firm_practices(principal.firm_id, practice_ids) != set(practice_ids):
        raise missing


def list_for_practices(principal: Principal, practice_ids: Sequence[str], query: FirmTaskQuery,
                       audit: Callable[[str], AuditEvent] | None = None, *, clock: Clock = utcnow) -> Page:
    """Open tasks of one queue across several practices, merged: urgent first, then soonest due. `audit` makes
    each practice's read record, written while the queues are read."""
    ids = sorted(set(practice_ids))
    _require_practices(principal, ids)
    events = [audit(practice_id) for practice_id in ids] if audit else []
    items, cursor = audits.while_reading(
        events, lambda: worklist.merged_page(principal.firm_id, ids, query, clock().date().isoformat()))
    return [out(item) for item in items], cursor
