"""Paginated Query with an opaque, tamper-checked cursor bound to the partition and list it serves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chalicelib.core import cursor as cursors
from chalicelib.core.errors import BadRequest
from chalicelib.core.secrets import get_app_secret
from chalicelib.db.models import Item

T = TypeVar("T", bound=Item)

MAX_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def query_page(
    model: type[T], pk: str, sk_prefix: str, *, limit: int, cursor: str | None, newest_first: bool = False
) -> Page[T]:
    bound_to = f"{pk}|{sk_prefix}|{'desc' if newest_first else 'asc'}"
    key = get_app_secret().signing_key
    start = cursors.decode(cursor, bound_to, key) if cursor else None
    result = model.query(
        pk,
        model.sk.startswith(sk_prefix),
        limit=min(limit, MAX_LIMIT),
        last_evaluated_key=start,
        scan_index_forward=not newest_first,
        page_size=min(limit, MAX_LIMIT),
    )
    items = list(result)
    last = result.last_evaluated_key
    return Page(items, cursors.encode(last, bound_to, key) if last else None)


def query_index_page(model: type[T], index_name: str, hash_value: str, range_prefix: str, *, limit: int,
                     cursor: str | None, newest_first: bool = False) -> Page[T]:
    """A page of an index Query (gsi1/gsi2), its range key starting with `range_prefix`.

    Index keys can hold patient names and birth dates (that is what makes them searchable), and a cursor
    travels in URLs and logs, so the cursor carries only the last item's table key (ids). Its index keys are
    read back from the item itself (one GetItem per page turned).
    """
    bound_to = f"{index_name}|{hash_value}|{range_prefix}" + ("|desc" if newest_first else "")
    key = get_app_secret().signing_key
    start = None
    if cursor:
        table_key = cursors.decode(cursor, bound_to, key)
        start = _index_start(model, index_name, table_key)
    index = getattr(model, index_name)
    range_attr = getattr(model, f"{index_name}sk")
    condition = range_attr.startswith(range_prefix) if range_prefix else None  # DynamoDB refuses begins_with ""
    result = index.query(hash_value, condition, limit=min(limit, MAX_LIMIT),
                         last_evaluated_key=start, page_size=min(limit, MAX_LIMIT),
                         scan_index_forward=not newest_first)
    items = list(result)
    more = result.last_evaluated_key is not None and items
    next_cursor = cursors.encode({"pk": items[-1].pk, "sk": items[-1].sk}, bound_to, key) if more else None
    return Page(items, next_cursor)


def _index_start(model: type[T], index_name: str, table_key: dict[str, Any]) -> dict[str, Any]:
    try:
        item = model.get(table_key["pk"], table_key["sk"])
    except (model.DoesNotExist, KeyError, TypeError):
        raise BadRequest("The cursor is not valid for this list.") from None
    return {"pk": {"S": item.pk}, "sk": {"S": item.sk},
            f"{index_name}pk": {"S": getattr(item, f"{index_name}pk")},
            f"{index_name}sk": {"S": getattr(item, f"{index_name}sk")}}
