"""Open-task work lists: one practice's queue, or several practices' queues merged, with opaque cursors.

Both read gsi1 (`PRACTICE#p#TASKS#<queue>`, sorted `<rank>#<due_on>#<id>`). A cursor carries index positions
only: that sort key, which holds a rank, a date and an id, never patient data. Every table and index key of
the last item read follows from it, so a page turn needs no GetItem, and it still works if that task has
since been completed (DynamoDB starts after a key whether or not an item still has it).

The firm-level list is a k-way merge: each practice's queue is read from its own position for up to `limit`
items (all at once), the union is sorted by the same sort key and the first `limit` are answered. The next cursor holds
each practice's new position (the last of its items answered, or "exhausted"), so every page is exact:
nothing is skipped or repeated unless a task changes priority or due date between pages.
"""
from __future__ import annotations

import hashlib
from typing import Any, Sequence

from pynamodb.expressions.condition import Condition

from chalicelib.core import cursor as cursors
from chalicelib.core.errors import BadRequest, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import is_id
from chalicelib.core.secrets import get_app_secret
from chalicelib.db import keys
from chalicelib.tasks.items import PRIORITY_RANK, Task
from chalicelib.tasks.models import TaskQuery

Position = str | None  # "" not started, None exhausted, else the gsi1sk of the last item answered


def _bound_to(*parts: str) -> str:
    """What a cursor is bound to, hashed: the practices and filters of the list (labels stay out of URLs)."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _filters(query: TaskQuery, today: str) -> Condition | None:
    conditions = []
    if not query.include_snoozed:
        conditions.append(Task.snoozed_until.does_not_exist() | (Task.snoozed_until <= today))
    if query.assignee is not None:
        conditions.append(Task.assignee == query.assignee)
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def _start(practice_id: str, queue: str, after: str) -> dict[str, Any]:
    parts = after.split("#")
    if len(parts) != 3 or parts[0] not in PRIORITY_RANK.values() or not is_id(parts[2]):
        raise BadRequest("The cursor is not valid for this list.", [field_error("cursor", "invalid cursor")])
    return {"pk": {"S": keys.practice_pk(practice_id)}, "sk": {"S": keys.task_sk(parts[2])},
            "gsi1pk": {"S": keys.open_tasks_pk(practice_id, queue)}, "gsi1sk": {"S": after}}


def read_queue(practice_id: str, query: TaskQuery, after: str, limit: int, today: str) -> tuple[list[Task], bool]:
    """Up to `limit` open tasks of one practice's queue after the position `after` ("" from the start), and
    whether more may follow."""
    prefix = f"{PRIORITY_RANK[query.priority]}#" if query.priority else None
    result = Task.gsi1.query(keys.open_tasks_pk(practice_id, query.queue),
                             Task.gsi1sk.startswith(prefix) if prefix else None,
                             filter_condition=_filters(query, today), limit=limit,
                             last_evaluated_key=_start(practice_id, query.queue, after) if after else None,
                             page_size=min(max(limit, 25), 100))  # filtered-out items count against page size
    items = list(result)
    return items, bool(items) and result.last_evaluated_key is not None


def _signing_key() -> bytes:
    return get_app_secret().signing_key


def practice_page(practice_id: str, query: TaskQuery, today: str) -> tuple[list[Task], str | None]:
    bound = _bound_to("tasks", practice_id, query.queue, query.priority or "", query.assignee or "",
                      str(query.include_snoozed))
    after = ""
    if query.cursor:
        after = cursors.decode(query.cursor, bound, _signing_key()).get("s")
        if not isinstance(after, str) or not after:
            raise BadRequest("The cursor is not valid for this list.", [field_error("cursor", "invalid cursor")])
    items, more = read_queue(practice_id, query, after, query.limit, today)
    return items, cursors.encode({"s": items[-1].gsi1sk}, bound, _signing_key()) if more else None


def _positions(cursor: str | None, bound: str, count: int) -> list[Position]:
    if cursor is None:
        return [""] * count
    positions = cursors.decode(cursor, bound, _signing_key()).get("p")
    if not isinstance(positions, list) or len(positions) != count or not all(
            p is None or isinstance(p, str) for p in positions):
        raise BadRequest("The cursor is not valid for this list.", [field_error("cursor", "invalid cursor")])
    return positions


def merged_page(firm_id: str, practice_ids: Sequence[str], query: TaskQuery,
                today: str) -> tuple[list[Task], str | None]:
    """The first `query.limit` open tasks of several practices' queues, merged by rank, due date and id."""
    bound = _bound_to("firm-tasks", firm_id, ",".join(practice_ids), query.queue, query.priority or "",
                      query.assignee or "", str(query.include_snoozed))
    positions = _positions(query.cursor, bound, len(practice_ids))
    unfinished = [index for index, position in enumerate(positions) if position is not None]
    queues = together(*(lambda index=index: read_queue(practice_ids[index], query, positions[index] or "",
                                                       query.limit, today) for index in unfinished))
    read: dict[int, tuple[list[Task], bool]] = dict(zip(unfinished, queues, strict=True))
    candidates = sorted(((item.gsi1sk, index, item) for index, (items, _) in read.items() for item in items),
                        key=lambda c: (c[0], c[1]))
    answered = candidates[:query.limit]
    for index, (items, more) in read.items():
        mine = [sort_key for sort_key, owner, _ in answered if owner == index]
        if len(mine) == len(items) and not more:
            positions[index] = None  # every task of this practice's queue has been answered
        elif mine:
            positions[index] = mine[-1]
    done = all(p is None for p in positions)
    next_cursor = None if done else cursors.encode({"p": positions}, bound, _signing_key())
    return [item for _, _, item in answered], next_cursor
