"""Paginated Query with an opaque, tamper-checked cursor bound to the partition and list it serves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from chalicelib.core import cursor as cursors
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
