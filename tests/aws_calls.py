"""AWS calls counted by operation on botocore's one call path (`BaseClient._make_api_call`), so PynamoDB's
clients and boto3's are counted alike, from any thread: for tests that prove how many calls a job makes, and
for the benchmarks (bench/tracking_world.py), which also time them.

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


@dataclass
class Calls:
    by_operation: Counter = field(default_factory=Counter)
    seconds_by_operation: Counter = field(default_factory=Counter)  # inside the calls, summed over threads

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
            with lock:
                calls.by_operation[operation] += 1
                calls.seconds_by_operation[operation] += time.perf_counter() - start

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
