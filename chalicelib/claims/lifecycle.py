"""A claim's moves and history: every change of a claim is saved with its event in one transaction.

DESIGN.md: draft -> ready | needs_fix -> submitted -> accepted | rejected -> paid | partial | denied ->
(corrected, appealed) -> closed. The event's sort key carries the claim's event count, so two requests that
both read version n cannot both write event n+1: the version condition on the claim and the existence
condition on the event each refuse the second one.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from pynamodb.exceptions import TransactWriteError

from chalicelib.claims import followup
from chalicelib.claims.items import ClaimEvent, ClaimItem
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, store
from chalicelib.db.models import Item

EDITABLE = frozenset({"draft", "ready", "needs_fix"})
# A claim the payer has (or may have) adjudicated changes only by a replacement (7) or a void (8).
AT_PAYER = frozenset({"submitted", "accepted", "paid", "partial", "denied", "appealed"})
LIVE = frozenset({"draft", "ready", "needs_fix", "submitted", "accepted", "rejected", "paid", "partial", "denied",
                  "appealed"})


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


def write(saves: Iterable[Item], what: str = "claim") -> None:
    """One TransactWriteItems: each item under its own version condition (new ones: must not exist)."""
    try:
        with store.transaction() as tx:
            for item in saves:
                tx.save(item)
    except TransactWriteError as error:
        raise store.translate_transaction(error, what) from None


def move(claim: ClaimItem, expected_version: int, changes: dict[str, Any], event: str, actor: str,
         detail: dict[str, Any] | None = None, also: Iterable[Item] = ()) -> ClaimItem:
    store.check_version(claim, expected_version, "claim")
    recorded = stage(claim, changes, event, actor, detail)
    write([claim, recorded, *also])
    return claim


def require_editable(claim: ClaimItem) -> None:
    if claim.status not in EDITABLE:
        raise Conflict(f"A {claim.status} claim is changed only by a replacement (frequency 7) or a void (8).")
