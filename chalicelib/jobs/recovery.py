"""The recovery sweep (`recovery_sweep`, every 5 minutes): finish the multi-step operations a crash cut in half.

Three kinds (db/recovery.py): claim batches left `pending` (claims marked `submitted`, 837 not yet in the
outbox), inbound files left `processing` after their invocations failed, status inquiries left `sending`.
For each kind the sweep Queries its recovery partition for items whose grace period has passed (never a Scan),
takes each with a conditional write (a second sweeper, or the request itself, cannot hold it at the same
time) and finishes it: `batches.recover`, `inbox.recover`, `status_inquiry.recover`.

Each item on its own: one whose attempt fails keeps the reason and is taken again once its grace has passed,
up to `recovery.MAX_ATTEMPTS` times; then (or at once, when what it needs is gone) it leaves the index with
its reason, for a person (a batch stays `pending`, a file `processing` for `POST /edi-files/{id}/reprocess`,
an inquiry ends in `error`). The sweep stops taking items when its Lambda has less than
`STOP_WITH_SECONDS_LEFT` seconds left; the others are due at the next sweep.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.claims.items import ClaimBatch, EdiFile, StatusInquiry
from chalicelib.clearinghouse import ClaimStatusGateway, ClearinghouseError, get_status_gateway
from chalicelib.clearinghouse.mailbox import Mailbox, get_mailbox
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import DomainError
from chalicelib.core.logs import get_logger
from chalicelib.db import recovery
from chalicelib.edi.x12.segments import X12Error

STOP_WITH_SECONDS_LEFT = 20.0  # a file of a few thousand claims, or a 276 round trip, and its saves
# Errors whose messages are written to be read (ids, codes, statuses, never a document's values).
SPEAKING = (DomainError, X12Error, ClearinghouseError, recovery.Unrecoverable)


@dataclass
class Tools:
    """What finishing an item may need, the gateway made only when an inquiry needs it."""

    mailbox: Mailbox
    status_gateway: ClaimStatusGateway | None = None

    def gateway(self) -> ClaimStatusGateway:
        return self.status_gateway or get_status_gateway()


@dataclass(frozen=True)
class Kind:
    name: str
    model: Any
    grace: timedelta
    finish: Callable[[Any, Tools], Any]
    give_up: Callable[[str], dict[str, Any]]  # what an item the sweep gives up on says, besides the reason


def kinds() -> tuple[Kind, ...]:
    from chalicelib.submission import service as batches  # loaded with the sweep, not at cold start
    from chalicelib.tracking import inbox
    from chalicelib.tracking import status_inquiry

    as_is: Callable[[str], dict[str, Any]] = lambda reason: {}  # noqa: E731
    return (Kind(batches.KIND, ClaimBatch, batches.GRACE, lambda item, t: batches.recover(item, t.mailbox), as_is),
            Kind(inbox.KIND, EdiFile, inbox.GRACE, lambda item, t: inbox.recover(item, t.mailbox), as_is),
            Kind(status_inquiry.KIND, StatusInquiry, status_inquiry.GRACE,
                 lambda item, t: status_inquiry.recover(item, t.mailbox, t.gateway()),
                 lambda reason: {"status": "error", "error": reason}))


def reason_of(error: Exception) -> str:
    """Why an attempt failed, for the item and the logs: the words of our own errors, else the error's type."""
    words = f"{type(error).__name__}: {error}" if isinstance(error, SPEAKING) else type(error).__name__
    return words[:300]


def _give_up(kind: Kind, item: Any, reason: str, ids: dict[str, Any]) -> None:
    recovery.failed(kind.model, item, kind.name, reason, kind.give_up(reason))
    get_logger().error("recovery given up", extra={**ids, "reason": reason})


def _one(kind: Kind, hit: Any, now: datetime, tools: Tools) -> bool:
    """Take one item and finish it; whether it was finished."""
    item = recovery.take(kind.model, hit, kind.name, now, kind.grace)
    if item is None:
        return False
    log, ids = get_logger(), {"kind": kind.name, "item_id": item.id, "attempt": int(item.recovery_attempts)}
    if item.recovery_attempts > recovery.MAX_ATTEMPTS:
        _give_up(kind, item, f"given up after {recovery.MAX_ATTEMPTS} attempts; the last: {item.recovery_error}", ids)
        return False
    try:
        kind.finish(item, tools)
    except recovery.Unrecoverable as error:
        _give_up(kind, item, reason_of(error), ids)
        return False
    except Exception as error:  # each item on its own: its failure is kept on it, and the others go on
        recovery.failed(kind.model, item, kind.name, reason_of(error))
        log.warning("recovery attempt failed", extra={**ids, "reason": reason_of(error)})
        return False
    log.info("recovered", extra=ids)
    return True


def sweep(*, now: datetime | None = None, mailbox: Mailbox | None = None,
          gateway: ClaimStatusGateway | None = None,
          seconds_left: Callable[[], float] | None = None) -> dict[str, int]:
    """Finish every operation due for recovery at `now`; how many of each kind were finished."""
    now, tools = now or utcnow(), Tools(mailbox or get_mailbox(), gateway)
    finished: dict[str, int] = {}
    for kind in kinds():
        finished[kind.name] = 0
        for hit in recovery.due(kind.model, kind.name, now):
            if seconds_left is not None and seconds_left() < STOP_WITH_SECONDS_LEFT:
                return finished
            finished[kind.name] += _one(kind, hit, now, tools)
    return finished
