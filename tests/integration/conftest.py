"""Integration tests run against the local stack `make run` starts; one stack serves the whole session."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.integration.running_stack import RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    stop_stack(running)
