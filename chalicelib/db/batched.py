"""Many independent units of writes (a claim with its event, task and inquiry; a new record) in as few
TransactWriteItems as fit, each unit all or nothing, and one unit's failure never the others'.

DynamoDB takes at most 100 items in one TransactWriteItems, and cancels all of it when one item fails.
A cancelled transaction says, item by item, why (`CancellationReasons`, in the order the items were sent):
the units whose items failed their condition are set aside as `conflicts`, those that failed for another
reason as `failed`, and the rest are sent again without them (at most once per unit set aside). A
transaction refused without reasons (a request DynamoDB cannot take at all) is sent again one unit at a
time, so the unit at fault fails alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.db import store
from chalicelib.db.models import Item

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit for one TransactWriteItems
CONDITION_FAILED = "ConditionalCheckFailed"


@dataclass
class Unit:
    """The writes of one unit, under their own conditions: saves under their version (new items: must not
    exist), updates under `condition`, deletes under their version."""

    name: str
    saves: list[Item] = field(default_factory=list)
    updates: list[tuple[Item, list[Action], Condition | None]] = field(default_factory=list)
    deletes: list[Item] = field(default_factory=list)

    def size(self) -> int:
        return len(self.saves) + len(self.updates) + len(self.deletes)


@dataclass
class Written:
    written: list[Unit] = field(default_factory=list)
    conflicts: list[Unit] = field(default_factory=list)  # an item's condition failed: changed meanwhile
    failed: list[tuple[Unit, Exception]] = field(default_factory=list)  # anything else


def _send(units: list[Unit]) -> None:
    with store.transaction() as tx:
        for unit in units:
            for item in unit.deletes:
                tx.delete(item)
            for item in unit.saves:
                tx.save(item)
            for item, actions, condition in unit.updates:  # a copy: PynamoDB appends the version's action to it
                tx.update(item, list(actions), condition=condition, add_version_condition=False)


def _owners(units: list[Unit]) -> list[Unit]:
    """The unit of each item as the transaction lists them: PynamoDB sends deletes, then puts, then updates."""
    return ([u for u in units for _ in u.deletes] + [u for u in units for _ in u.saves]
            + [u for u in units for _ in u.updates])


def _reasons(error: TransactWriteError) -> list[Any]:
    if getattr(error, "cause_response_code", None) != "TransactionCanceledException":
        return []
    return list(error.cancellation_reasons)


def _write_chunk(units: list[Unit], result: Written) -> None:
    while units:
        try:
            _send(units)
        except TransactWriteError as error:
            reasons = _reasons(error)
            if len(reasons) != sum(u.size() for u in units) or not any(reasons):
                if len(units) == 1:
                    result.failed.append((units[0], error))
                else:
                    for unit in units:  # one at a time: the unit at fault fails alone
                        _write_chunk([unit], result)
                return
            blamed: dict[int, Unit] = {}
            for unit, reason in zip(_owners(units), reasons):
                if reason is not None and id(unit) not in blamed:
                    blamed[id(unit)] = unit
                    if reason.code == CONDITION_FAILED:
                        result.conflicts.append(unit)
                    else:
                        result.failed.append((unit, error))
            units = [u for u in units if id(u) not in blamed]
            continue
        result.written.extend(units)
        return


def chunks(units: list[Unit], most: int = MAX_TRANSACTION_ITEMS) -> list[list[Unit]]:
    """Units in order, as many a transaction as fit in `most` items; a unit is never split."""
    out: list[list[Unit]] = []
    size = most  # start a first chunk
    for unit in units:
        if unit.size() > most:
            raise ValueError(f"a unit of {unit.size()} items cannot fit one transaction")
        if size + unit.size() > most:
            out.append([])
            size = 0
        out[-1].append(unit)
        size += unit.size()
    return out


def write(units: list[Unit], most: int = MAX_TRANSACTION_ITEMS) -> Written:
    """Write every unit; which were written, which met a changed item, which failed otherwise. Never raises
    for one unit's failure."""
    result = Written()
    for chunk in chunks(units, most):
        _write_chunk(chunk, result)
    return result
