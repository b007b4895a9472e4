"""One function over many items at once, at most `at_once` at a time: for work that waits on the network (a
276 round trip, an S3 put), so many items wait together rather than one after another. Threads, because the
waiting releases the GIL and the clients it waits on (botocore's, urllib's) are safe to share between them;
nothing here is for work that needs the CPU.

Each item's outcome is its own: an exception is kept as the item's outcome and never stops the others, and an
item whose turn comes once `go_on()` is false (its Lambda running out of time) is not started at all.
`all_of` is for work that stands or falls together (reads of one submission, its claims' transactions): it
raises the first error once every item has ended.
"""
from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
# Below botocore's pool of 10 connections per client, so no call waits for a connection, and few enough that a
# burst does not crowd out the container's other calls.
AT_ONCE = 8


@dataclass(frozen=True)
class Outcome(Generic[Out]):
    value: Out | None = None
    error: Exception | None = None
    started: bool = True


def each(items: Sequence[In], work: Callable[[In], Out], *, at_once: int,
         go_on: Callable[[], bool] = lambda: True) -> list[Outcome[Out]]:
    """`work(item)` for every item, at most `at_once` running together; the outcomes in the items' order."""

    def one(item: In) -> Outcome[Out]:
        if not go_on():
            return Outcome(started=False)
        try:
            return Outcome(value=work(item))
        except Exception as error:  # noqa: BLE001 - the item's outcome: the caller records it, the others go on
            return Outcome(error=error)

    if at_once <= 1 or len(items) <= 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(at_once, len(items)), thread_name_prefix="fanout") as pool:
        # Each item runs in a copy of the caller's context, so its log lines carry the caller's keys.
        futures = [pool.submit(contextvars.copy_context().run, one, item) for item in items]
        return [future.result() for future in futures]


def all_of(items: Sequence[In], work: Callable[[In], Out], *, at_once: int = AT_ONCE) -> list[Out]:
    """`work(item)` for every item as `each` runs them, the values in the items' order; the first error raises
    once every item's work has ended (the others' effects stay, as they would one after another up to it)."""
    outcomes = each(items, work, at_once=at_once)
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
    return [outcome.value for outcome in outcomes]  # type: ignore[misc]


def together(*calls: Callable[[], Out]) -> list[Out]:
    """Independent calls of one request made at once (reads that do not depend on one another, a read and its
    audit record): each call's value in the order given, the first error raised once every call has ended, so
    nothing of a refused request goes on in the background. A request waits for the slowest call, not the sum."""
    return all_of(calls, lambda call: call())
