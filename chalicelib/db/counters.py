"""Atomic counters: X12 control numbers (ISA13, GS06, ST02) and claim numbers that never repeat.

One UpdateItem with ADD per number: DynamoDB applies it atomically, so concurrent submissions each get their
own value. A number taken by a request that then fails is skipped, never reused: gaps are allowed in X12
control numbers, repeats are not. (ADD is right here because the caller does not retry the same logical
increment; a retried request takes a fresh number, which is what an envelope needs.)

A number that goes nowhere before the request's own transaction (a claim's number, written into the claim) can
instead be taken inside that transaction, with no write of its own: `peek` reads the value (consistently, in a
round trip the request makes anyway) and `Take` sets the next one under the condition that nobody moved the
counter meanwhile. A request that loses that race fails its whole transaction and reads again.
"""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.db import keys
from chalicelib.db.models import Item, _Meta


class Counter(Model):
    """Not an `Item`: counters carry no version or kind; they are only ever read through `next_value`."""

    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        return Item._get_connection()  # the same table and keys: the one shared connection (db/connection.py)


def next_value(pk: str, name: str, count: int = 1) -> int:
    """The counter moved on by `count` in one UpdateItem; the last of the `count` values taken."""
    counter = Counter(pk, keys.counter_sk(name))
    counter.update(actions=[Counter.value.add(count)])
    return int(counter.value)


def _control(value: int) -> int:
    return (value - 1) % 999_999_999 + 1


def next_control_number(practice_id: str) -> int:
    """A 9-digit interchange control number (ISA13) for this practice's envelopes, 1..999,999,999."""
    return _control(next_value(keys.practice_pk(practice_id), "x12-control"))


def next_control_numbers(practice_id: str, count: int) -> list[int]:
    """`count` control numbers in one UpdateItem (a job writing many envelopes at once): a block no other
    caller gets, as each of `next_control_number`'s is."""
    if count < 1:
        return []
    last = next_value(keys.practice_pk(practice_id), "x12-control", count)
    return [_control(value) for value in range(last - count + 1, last + 1)]


def peek(pk: str, name: str) -> int:
    """The counter's value now (a consistent read; 0 before its first number)."""
    try:
        return int(Counter.get(pk, keys.counter_sk(name), consistent_read=True).value)
    except Counter.DoesNotExist:
        return 0


@dataclass(frozen=True)
class Take:
    """The number after `seen`, taken inside a transaction: the transaction fails if the counter moved."""

    pk: str
    name: str
    seen: int

    @property
    def number(self) -> int:
        return self.seen + 1

    def add_to(self, tx: TransactWrite) -> None:
        counter = Counter(self.pk, keys.counter_sk(self.name))
        unmoved = (Counter.value == self.seen) if self.seen else Counter.value.does_not_exist()
        tx.update(counter, actions=[Counter.value.set(self.number)], condition=unmoved)
