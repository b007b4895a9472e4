"""Denial lists, each a Query (never a Scan): a practice's newest first (its table partition, DENIAL#), its
unresolved ones by priority (gsi1), the firm's newest first (gsi2). An age bucket is a key range of ids (ULIDs
carry the time they were made); status, category and payer are filters. A cursor carries the last key read,
which holds only ids, ranks and dates, signed and bound to the list and its filters (core/cursor.py)."""
from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.core import cursor as cursors
from chalicelib.core.ids import first_id, last_id
from chalicelib.core.secrets import get_app_secret
from chalicelib.db import keys
from chalicelib.denials.items import Denial

AGES = {"0-30": (0, 30), "31-60": (31, 60), "61-90": (61, 90), "91-180": (91, 180), "over-180": (181, None)}
DAY_MS = 86_400_000


def id_range(age: str, now: datetime) -> tuple[str, str]:
    """The ids of denials recorded `age` days ago: from the first id of the oldest moment to the last of the
    newest (an age of d days: recorded between d and d+1 days before now)."""
    low_days, high_days = AGES[age]
    now_ms = int(now.timestamp() * 1000)
    newest = now_ms - low_days * DAY_MS
    oldest = 0 if high_days is None else now_ms - (high_days + 1) * DAY_MS + 1
    return first_id(max(oldest, 0)), last_id(newest)


def _filters(query: Any, with_status: bool = True) -> Condition | None:
    conditions = []
    if with_status and query.status is not None:
        conditions.append(Denial.status == query.status)
    if query.category is not None:
        conditions.append(Denial.category == query.category)
    if query.payer_id is not None:
        conditions.append(Denial.payer_id == query.payer_id)
    return reduce(operator.and_, conditions) if conditions else None


def _bound(name: str, partition: str, query: Any) -> str:
    return "|".join([name, partition, query.status or "", query.category or "", query.payer_id or "",
                     query.age or ""])


def _page(result_of: Any, name: str, partition: str, query: Any) -> tuple[list[Denial], str | None]:
    bound, signing = _bound(name, partition, query), get_app_secret().signing_key
    start = cursors.decode(query.cursor, bound, signing) if query.cursor else None
    result = result_of(start)
    items = list(result)
    last = result.last_evaluated_key
    return items, cursors.encode(last, bound, signing) if last and items else None


def practice_newest(practice_id: str, query: Any, now: datetime) -> tuple[list[Denial], str | None]:
    pk = keys.practice_pk(practice_id)
    if query.age:
        low, high = id_range(query.age, now)
        condition = Denial.sk.between(keys.denial_sk(low), keys.denial_sk(high))
    else:
        condition = Denial.sk.startswith(keys.DENIAL_PREFIX)
    return _page(lambda start: Denial.query(
        pk, condition, filter_condition=_filters(query), limit=query.limit, last_evaluated_key=start,
        scan_index_forward=False, page_size=_page_size(query)), "newest", pk, query)


def practice_priority(practice_id: str, query: Any, now: datetime) -> tuple[list[Denial], str | None]:
    partition = keys.denial_queue_pk(practice_id)
    filters = _filters(query)
    if query.age:
        low, high = id_range(query.age, now)
        age = Denial.id.between(low, high)
        filters = age if filters is None else filters & age
    return _page(lambda start: Denial.gsi1.query(
        partition, None, filter_condition=filters, limit=query.limit, last_evaluated_key=start,
        page_size=_page_size(query)), "priority", partition, query)


def firm_newest(firm_id: str, query: Any, now: datetime) -> tuple[list[Denial], str | None]:
    partition = keys.firm_denials_pk(firm_id)
    condition = None
    if query.age:
        low, high = id_range(query.age, now)
        condition = Denial.gsi2sk.between(low, high)
    return _page(lambda start: Denial.gsi2.query(
        partition, condition, filter_condition=_filters(query), limit=query.limit, last_evaluated_key=start,
        scan_index_forward=False, page_size=_page_size(query)), "firm", partition, query)


def _page_size(query: Any) -> int:
    """Filtered-out items count against a page: read more than asked when filters apply."""
    filtered = query.status or query.category or query.payer_id
    return min(max(query.limit, 25), 100) if filtered else query.limit
