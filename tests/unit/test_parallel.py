"""core/parallel.each: work on independent items, a bounded number at a time, results in the items' order."""
import threading
import time

import pytest

from chalicelib.core import parallel


def test_results_come_in_the_items_order_whatever_finishes_first():
    def slower_first(n: int) -> int:
        time.sleep(0.01 * (5 - n))
        return n * n

    assert parallel.each(slower_first, [0, 1, 2, 3, 4], at_once=5) == [0, 1, 4, 9, 16]


def test_no_more_than_the_bound_run_at_once_and_the_bound_is_reached():
    lock, now, most = threading.Lock(), [0], [0]
    both = threading.Barrier(3, timeout=10)  # three must be in flight together, or this times out

    def work(n: int) -> int:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        both.wait()
        with lock:
            now[0] -= 1
        return n

    assert parallel.each(work, list(range(9)), at_once=3) == list(range(9))
    assert most[0] == 3


def test_an_error_raises_once_every_items_work_has_ended():
    done = []

    def work(n: int) -> int:
        if n == 0:
            raise ValueError("the first fails")
        time.sleep(0.05)
        done.append(n)
        return n

    with pytest.raises(ValueError, match="the first fails"):
        parallel.each(work, [0, 1, 2, 3], at_once=4)
    assert sorted(done) == [1, 2, 3]
