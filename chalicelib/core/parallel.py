"""Independent AWS calls made several at once: each waits on the network, so a set of them takes about as long as
its slowest wave rather than the sum of all. For work whose items share nothing (transactions naming different
items, reads of different keys); botocore clients are safe to share between threads, and the items of each
piece of work must be touched by that piece alone.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
# Below botocore's pool of 10 connections per client, so no call waits for a connection, and few enough that a
# burst does not crowd out the container's other calls.
AT_ONCE = 8


def each(work: Callable[[T], R], items: Sequence[T], *, at_once: int = AT_ONCE) -> list[R]:
    """`work(item)` for every item, up to `at_once` at a time, the results in the items' order. An error raises
    once every item's work has ended (the others' effects stay, as they would one after another up to it)."""
    if at_once <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(at_once, len(items))) as pool:
        return list(pool.map(work, items))
