"""AWS calls counted by operation on botocore's one call path (`BaseClient._make_api_call`), so PynamoDB's
clients and boto3's are counted alike, from any thread: for tests that prove how many calls a job makes, and
for the benchmarks (bench/tracking_world.py, bench/route_calls.py), which also time them. Each call is also kept
as a `Span` (when it started and ended, and the kinds of the items a DynamoDB write puts), so that
`round_trips` can tell calls made one after another from calls made at once.

`delay(operation)` seconds are slept inside each call, as a network round trip would take: moto answers
in-process, so without it calls made one after another and calls made at once cost the same wall time.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator


# DynamoDB operations that change the table; every other DynamoDB call reads.
DYNAMODB_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
                             "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"})


@dataclass(frozen=True)
class Span:
    operation: str  # service:Operation, as `Calls.by_operation` names it
    start: float
    end: float
    puts: tuple[str, ...] = ()  # the `kind` of each item a DynamoDB write puts (audit, visit, ...)

    @property
    def dynamodb(self) -> bool:
        return self.operation.startswith("dynamodb:")

    @property
    def writes(self) -> bool:
        return self.dynamodb and self.operation.split(":", 1)[1] in DYNAMODB_WRITES

    @property
    def name(self) -> str:
        return _short(self.operation)


def round_trips(spans: list[Span]) -> int:
    """The longest chain of calls each of which started after the one before it had ended: what the caller
    waited for, in round trips. Calls made at once count as one."""
    depth: list[int] = []
    ordered = sorted(spans, key=lambda span: span.start)
    for i, span in enumerate(ordered):
        depth.append(1 + max((depth[j] for j in range(i) if ordered[j].end <= span.start), default=0))
    return max(depth, default=0)


@dataclass
class Calls:
    by_operation: Counter = field(default_factory=Counter)
    seconds_by_operation: Counter = field(default_factory=Counter)  # inside the calls, summed over threads
    spans: list[Span] = field(default_factory=list)  # in the order they ended

    @property
    def seconds(self) -> float:
        return sum(self.seconds_by_operation.values())

    def total(self, service: str | None = None) -> int:
        return sum(n for op, n in self.by_operation.items() if service is None or op.startswith(f"{service}:"))

    def of(self, service: str) -> dict[str, int]:
        """{operation: count} of one service (`dynamodb`, `s3`)."""
        return {op.split(":", 1)[1]: n for op, n in sorted(self.by_operation.items()) if op.startswith(f"{service}:")}

    def detail(self) -> str:
        return ", ".join(f"{_short(op)} {n}" for op, n in sorted(self.by_operation.items()))

    def timing(self) -> str:
        """Milliseconds per call, by operation: moto's cost, growing where moto scans."""
        return ", ".join(f"{_short(op)} {self.seconds_by_operation[op] / n * 1000:.1f}"
                         for op, n in sorted(self.by_operation.items()))


def _short(operation: str) -> str:
    return operation.split(":", 1)[1] if operation.startswith("dynamodb:") else operation


def _kinds_put(operation: str, params: dict[str, Any]) -> tuple[str, ...]:
    if operation == "PutItem":
        items = [params.get("Item", {})]
    elif operation == "TransactWriteItems":
        items = [entry["Put"]["Item"] for entry in params.get("TransactItems", []) if "Put" in entry]
    elif operation == "BatchWriteItem":
        items = [request["PutRequest"]["Item"] for requests in params.get("RequestItems", {}).values()
                 for request in requests if "PutRequest" in request]
    else:
        return ()
    return tuple(item.get("kind", {}).get("S", "?") for item in items)


@contextmanager
def counting(delay: Callable[[str], float] | None = None) -> Iterator[Calls]:
    from botocore.client import BaseClient

    calls, lock = Calls(), threading.Lock()
    original = BaseClient._make_api_call

    def counted(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        operation = f"{self.meta.service_model.service_name}:{operation_name}"
        start = time.perf_counter()
        try:
            if delay is not None:
                time.sleep(delay(operation))
            return original(self, operation_name, api_params)
        finally:
            end = time.perf_counter()
            span = Span(operation, start, end, _kinds_put(operation_name, api_params) if
                        operation.startswith("dynamodb:") else ())
            with lock:
                calls.by_operation[operation] += 1
                calls.seconds_by_operation[operation] += end - start
                calls.spans.append(span)

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
