"""core/fanout.py: many network waits at once, bounded, each item's outcome its own."""
import threading
import time

import pytest

from chalicelib.core.fanout import all_of, each, together


def test_items_run_together_up_to_the_bound_and_never_more():
    together = threading.Barrier(4, timeout=10)  # breaks unless 4 items wait at the same time
    running, most, lock = [0], [0], threading.Lock()

    def work(n):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        together.wait()
        with lock:
            running[0] -= 1
        return n * 10

    outcomes = each(list(range(12)), work, at_once=4)
    assert [o.value for o in outcomes] == [n * 10 for n in range(12)]
    assert most[0] == 4


def test_a_failing_item_is_its_own_outcome_and_the_others_finish():
    def work(n):
        if n == 2:
            raise RuntimeError("the connection was reset")
        return n

    outcomes = each([1, 2, 3], work, at_once=3)
    assert [o.value for o in outcomes] == [1, None, 3]
    assert isinstance(outcomes[1].error, RuntimeError) and outcomes[0].error is None


def test_items_whose_turn_comes_after_time_runs_out_are_not_started():
    started = []
    left = iter([True, True, False, False])
    outcomes = each(["a", "b", "c", "d"], started.append, at_once=1, go_on=lambda: next(left))
    assert started == ["a", "b"]
    assert [o.started for o in outcomes] == [True, True, False, False]


def test_all_of_gives_the_values_in_the_items_order_whatever_finishes_first():
    def slower_first(n):
        time.sleep(0.01 * (5 - n))
        return n * n

    assert all_of([0, 1, 2, 3, 4], slower_first, at_once=5) == [0, 1, 4, 9, 16]


def test_all_of_raises_the_first_error_once_every_items_work_has_ended():
    done = []

    def work(n):
        if n == 0:
            raise ValueError("the first fails")
        time.sleep(0.05)
        done.append(n)
        return n

    with pytest.raises(ValueError, match="the first fails"):
        all_of([0, 1, 2, 3], work, at_once=4)
    assert sorted(done) == [1, 2, 3]


def test_together_waits_for_the_slowest_call_not_the_sum_and_answers_in_the_order_given():
    def after(seconds, value):
        return lambda: time.sleep(seconds) or value

    started = time.perf_counter()
    answers = together(after(0.3, "first"), after(0.3, 2), after(0.3, [3]), after(0.3, None))
    assert answers == ["first", 2, [3], None]
    assert time.perf_counter() - started < 0.9  # one after another they take 1.2 s
