"""Control numbers under moto: sequence and per-practice counting. Concurrency is proven against DynamoDB Local
in tests/integration/test_counters.py (moto's in-process backend does not make UpdateItem atomic across
threads, DynamoDB does)."""
from chalicelib.db.counters import next_control_number, next_control_numbers


def test_control_numbers_count_up_from_one(aws):
    assert [next_control_number("01M840610B9DZ0GRXFN6GWBSX0") for _ in range(3)] == [1, 2, 3]


def test_each_practice_counts_on_its_own(aws):
    assert next_control_number("01M840610B9DZ0GRXFN6GWBSX1") == 1
    assert next_control_number("01M840610B9DZ0GRXFN6GWBSX2") == 1


def test_a_block_of_control_numbers_is_taken_at_once_and_never_given_again(aws):
    practice_id = "01M840610B9DZ0GRXFN6GWBSX3"
    assert next_control_number(practice_id) == 1
    assert next_control_numbers(practice_id, 3) == [2, 3, 4]
    assert next_control_number(practice_id) == 5
    assert next_control_numbers(practice_id, 0) == []
