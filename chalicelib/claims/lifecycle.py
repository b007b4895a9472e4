"""A claim's moves and history: every change of a claim is saved with its event in one transaction.

DESIGN.md: draft -> ready | needs_fix -> submitted -> accepted | rejected -> paid | partial | denied ->
(corrected, appealed) -> closed. The event's sort key carries the claim's event count, so two requests that
both read version n cannot both write event n+1: the version condition on the claim and the existence
condition on the event each refuse the second one. A move that leaves the cause of a task the claim holds open
behind closes that task in the same transaction (claims/open_tasks.py).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from pynamodb.exceptions import TransactWriteError

from chalicelib.claims import followup, open_tasks
from chalicelib.claims.items import ClaimEvent, ClaimItem
from chalicelib.core import fanout
from chalicelib.core.audit import Audit
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict
from chalicelib.db import batched, counters, keys, store
from chalicelib.db.models import Item
from chalicelib.tasks.items import Task

T = TypeVar("T")
MAX_TRANSACTION_ITEMS = batched.MAX_TRANSACTION_ITEMS
STILL_OPEN = Task.status == "open"  # a task a move closes: one a person completed meanwhile keeps their note
# Edited in place and judged again; a rejected claim never reached adjudication, so it is fixed and sent again.
EDITABLE = frozenset({"draft", "ready", "needs_fix", "rejected"})
# A claim the payer has (or may have) adjudicated changes only by a replacement (7) or a void (8).
AT_PAYER = frozenset({"submitted", "accepted", "paid", "partial", "denied", "forwarded", "appealed"})
LIVE = frozenset({"draft", "ready", "needs_fix", "submitted", "accepted", "rejected", "paid", "partial", "denied",
                  "forwarded", "appealed"})


def index_keys(claim: ClaimItem) -> dict[str, str | None]:
    """gsi1: the status work list; gsi2: the duplicate fingerprint; gsi3: the follow-up date, when one is due."""
    practice_id, claim_id = claim.practice_id, claim.id
    due = claim.follow_up_on
    return {"gsi1pk": keys.claims_of_status_pk(practice_id, claim.status), "gsi1sk": f"{claim.updated_at}#{claim_id}",
            "gsi2pk": keys.claim_fingerprint_pk(practice_id, claim.fingerprint), "gsi2sk": claim_id,
            "gsi3pk": keys.follow_up_pk(practice_id) if due else None,
            "gsi3sk": keys.follow_up_sk(due, claim_id) if due else None}


def event_item(claim: ClaimItem, event: str, from_status: str | None, actor: str,
               detail: dict[str, Any] | None = None) -> ClaimEvent:
    """The claim's next event; the caller has already counted it in `claim.event_count`."""
    sequence = int(claim.event_count)
    return ClaimEvent(claim.pk, keys.claim_event_sk(claim.id, sequence), id=f"{claim.id}:{sequence}",
                      created_at=claim.updated_at, updated_at=claim.updated_at, claim_id=claim.id, sequence=sequence,
                      event=event, from_status=from_status, to_status=claim.status, actor=actor,
                      detail=json.dumps(detail) if detail else None)


def stage(claim: ClaimItem, changes: dict[str, Any], event: str, actor: str, detail: dict[str, Any] | None = None,
          now: str | None = None) -> ClaimEvent:
    """Apply `changes` (and the index keys that follow the status) to the item in memory; return its event.

    The follow-up date follows the claim's new state (followup.due) unless `changes` sets it."""
    from_status = claim.status if claim.event_count else None
    for name, value in changes.items():
        setattr(claim, name, value)
    claim.updated_at = now or now_iso()
    claim.created_at = claim.created_at or claim.updated_at
    if "follow_up_on" not in changes:
        for name, value in followup.as_fields(*followup.due(claim)).items():
            setattr(claim, name, value)
    claim.event_count = int(claim.event_count or 0) + 1
    for name, value in index_keys(claim).items():
        setattr(claim, name, value)
    return event_item(claim, event, from_status, actor, detail)


def write(saves: Iterable[Item], what: str = "claim", audit: Audit | None = None,
          takes: Iterable[counters.Take] = ()) -> None:
    """One TransactWriteItems: each item under its own version condition (new ones: must not exist), the tasks
    whose cause the claims' moves cleared, closed (a task completed meanwhile fails it: Conflict), the route's
    audit record, and the numbers the claims took (a number taken meanwhile fails it: Conflict)."""
    items = list(saves)
    closing = open_tasks.closures(items)
    try:
        with store.transaction(audit, made_id=items[0].id if items else None) as tx:
            for item in items:
                tx.save(item)
            for task, actions in closing:
                tx.update(task, actions, condition=STILL_OPEN, add_version_condition=False)
            for take in takes:
                take.add_to(tx)
    except TransactWriteError as error:
        raise store.translate_transaction(error, what) from None


def units(moves: dict[str, list[Item]]) -> list[batched.Unit]:
    """Many claims' moves, to write as few transactions as fit (db/batched.py): each claim's saves (claim id ->
    the claim, its event and what goes with them) one unit, with the closing of the tasks its move cleared,
    as `write` closes them (one BatchGetItem for all the claims, none when no move clears a task)."""
    closing: dict[str, list[Any]] = {claim_id: [] for claim_id in moves}
    for task, actions in open_tasks.closures([item for items in moves.values() for item in items]):
        closing[task.claim_id].append((task, actions, STILL_OPEN))
    return [batched.Unit(claim_id, saves=items, updates=closing[claim_id]) for claim_id, items in moves.items()]


def write_all(transactions: Sequence[Sequence[Item]], what: str = "claim", *,
              at_once: int = fanout.AT_ONCE) -> list[bool]:
    """Transactions that share no item, each written as `write` writes it, up to `at_once` in flight
    (core/fanout.py): whether each was written. One that meets a concurrent change (Conflict) is not, and the
    others are; any other error raises once every transaction has ended, and the ones written stay written, as
    they would have one after another up to the error. Each item is staged before, by the caller's thread."""
    def written(saves: Sequence[Item]) -> bool:
        try:
            write(saves, what)
        except Conflict:
            return False
        return True

    return fanout.all_of(transactions, written, at_once=at_once)


def chunks(entries: list[T], most: int, claim_of: Callable[[T], ClaimItem] = lambda entry: entry  # type: ignore
           ) -> Iterator[list[T]]:
    """Claims to move in order, `most` a transaction, fewer where the tasks they name could close with them:
    two items a claim (it and its event) and one a task it names, within DynamoDB's 100."""
    chunk: list[T] = []
    size = 0
    for entry in entries:
        cost = 2 + len(open_tasks.named(claim_of(entry)))
        if chunk and (len(chunk) == most or size + cost > MAX_TRANSACTION_ITEMS):
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += cost
    if chunk:
        yield chunk


def move(claim: ClaimItem, expected_version: int, changes: dict[str, Any], event: str, actor: str,
         detail: dict[str, Any] | None = None, also: Iterable[Item] = (), audit: Audit | None = None) -> ClaimItem:
    store.check_version(claim, expected_version, "claim")
    recorded = stage(claim, changes, event, actor, detail)
    write([claim, recorded, *also], audit=audit)
    return claim


def require_editable(claim: ClaimItem) -> None:
    if claim.status not in EDITABLE:
        raise Conflict(f"A {claim.status} claim is changed only by a replacement (frequency 7) or a void (8).")
