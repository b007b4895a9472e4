"""Independent calls made at once: each AWS call is a network round trip, and a request that needs two things it
can ask for independently should wait for the slower of the two, not for both in turn.

The calls run on a small thread pool made on first use and kept for the container's life (Lambda freezes it
between invocations); botocore clients are thread-safe. The caller's thread runs the first call itself; each
other call runs in a copy of the caller's context (contextvars), so what the request set there follows it.
Every call has finished before `together` returns or raises, so nothing of a refused request goes on in the
background, and the first failure in the order given is the one raised. A `together` inside a call the pool
runs makes its calls one after another in that thread, so the pool never waits on itself.
"""
from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Callable

MAX_WORKERS = 8  # more than any request asks for at once; each waiting thread costs only its stack
_inside = threading.local()


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="together")


def _marked(call: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        _inside.active = True
        try:
            return call()
        finally:
            _inside.active = False

    return run


def _outcome(call: Callable[[], Any]) -> tuple[BaseException | None, Any]:
    try:
        return None, call()
    except BaseException as error:  # kept until every call is done, then raised
        return error, None


def _waited(future: Future[Any]) -> tuple[BaseException | None, Any]:
    error = future.exception()
    return error, None if error else future.result()


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's result, in the order given; the calls run at the same time."""
    if len(calls) < 2 or getattr(_inside, "active", False):
        outcomes = [_outcome(call) for call in calls]
    else:
        pending = [_pool().submit(contextvars.copy_context().run, _marked(call)) for call in calls[1:]]
        outcomes = [_outcome(calls[0])] + [_waited(future) for future in pending]
    for error, _ in outcomes:
        if error is not None:
            raise error
    return [result for _, result in outcomes]
