"""`together`: independent calls made at once, their results in order, every call finished before it returns."""
import threading
import time

import pytest

from chalicelib.core.parallel import MAX_WORKERS, together


def test_results_come_back_in_the_order_the_calls_were_given():
    assert together(lambda: 1, lambda: "two", lambda: [3]) == [1, "two", [3]]


def test_calls_given_together_wait_for_the_slowest_not_for_the_sum():
    started = time.perf_counter()
    together(*(lambda: time.sleep(0.2) for _ in range(4)))
    assert time.perf_counter() - started < 0.6  # one after another they take 0.8 s


def test_the_first_failure_in_the_order_given_is_raised_after_every_call_has_finished():
    finished = []

    def slow() -> None:
        time.sleep(0.1)
        finished.append("slow")

    def fails(message: str) -> None:
        raise ValueError(message)

    with pytest.raises(ValueError, match="first"):
        together(lambda: fails("first"), slow, lambda: fails("second"))
    assert finished == ["slow"]


def test_calls_made_together_inside_a_call_of_the_pool_finish_without_waiting_on_the_pool():
    results = []

    def outer() -> None:
        results.extend(together(*(lambda: together(lambda: 1, lambda: 2) for _ in range(MAX_WORKERS * 2))))

    runner = threading.Thread(target=outer, daemon=True)
    runner.start()
    runner.join(timeout=10)  # a pool waiting on itself would never finish
    assert results == [[1, 2]] * (MAX_WORKERS * 2)
