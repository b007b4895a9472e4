"""Status inquiries about many claims at once (the follow-up job), each as `status_inquiry.send` makes one, with
the calls shared: one UpdateItem for all their control numbers, one TransactWriteItems per 100 records put,
and the exchanges (keep the 276, send it, keep the 277) `at_once` at a time rather than one after another.

One 276 a claim, sent side by side, rather than one 276 carrying many claims: a real-time 276 is answered
while the caller waits, and the real-time APIs answer one claim's inquiry a request (many claims in one 276
is the batch mode, answered hours later through the mailbox); and a claim whose 276 the clearinghouse refuses,
or whose exchange drops, then fails alone, with its own 276 and 277 kept as its own recovery points.

Each claim keeps what `send` promises: its 276 is written first (a claim that breaks a rule is refused before
anything is recorded), its record is put, and must not exist (a retry sends nothing twice), before its 276
goes out, and its 276 and 277 are kept in the bucket as they come. Saving the answer on the record is the
caller's, in the transaction that saves the claim's move (`status_inquiry.settled`); until then the record
is `sending`, so a crash in between leaves it to the recovery sweep, which reads the kept 277.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from chalicelib.claims.items import ClaimItem, StatusInquiry
from chalicelib.clearinghouse import ClaimStatusGateway
from chalicelib.clearinghouse.mailbox import Mailbox
from chalicelib.core.fanout import Outcome, each
from chalicelib.db import batched
from chalicelib.tracking import status_inquiry


@dataclass
class Asking:
    """One claim's inquiry, from its 276 written to its answers read."""

    claim: ClaimItem
    inquiry: StatusInquiry
    text_276: str
    answers: list[Any] = field(default_factory=list)


def prepare(claim: ClaimItem, inquiry_id: str, actor: str, reason: str | None, now: datetime,
            control_number: int) -> Asking:
    """The claim's record and 276 (an X12Error when the claim breaks a 276 rule), nothing saved or sent."""
    return Asking(claim, status_inquiry.record(claim, inquiry_id, actor, reason, now),
                  status_inquiry.write_276(claim, inquiry_id, now, control_number))


@dataclass
class Put:
    new: list[Asking] = field(default_factory=list)
    asked_before: list[Asking] = field(default_factory=list)  # the record exists: its 276 is not sent again
    failed: list[tuple[Asking, Exception]] = field(default_factory=list)


def put_all(asking: list[Asking]) -> Put:
    """Put every record (each must not exist yet), 100 a transaction."""
    by_claim = {entry.claim.id: entry for entry in asking}
    written = batched.write([batched.Unit(entry.claim.id, saves=[entry.inquiry]) for entry in asking])
    return Put([by_claim[u.name] for u in written.written], [by_claim[u.name] for u in written.conflicts],
               [(by_claim[u.name], error) for u, error in written.failed])


def ask_all(asking: list[Asking], gateway: ClaimStatusGateway, mailbox: Mailbox, *, at_once: int,
            go_on: Callable[[], bool]) -> list[Outcome[list[Any]]]:
    """Send the 276s whose records were put, `at_once` at a time, each only while `go_on()` holds; each
    outcome (in order) is that claim's answers, its error, or not started."""

    def one(entry: Asking) -> list[Any]:
        entry.answers = status_inquiry.ask(entry.claim, entry.inquiry, entry.text_276, gateway, mailbox)
        return entry.answers

    return each(asking, one, at_once=at_once, go_on=go_on)
