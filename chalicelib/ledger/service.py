"""The patient account ledger: append-only entries, each moving the patient's balance in the same transaction.

A posting is one TransactWriteItems of three puts (plus whatever the caller must change with it):
  1. POSTED#<cause>, conditional on not existing: a cause (a Stripe PaymentIntent, a cash co-pay, a reversed
     entry) is posted at most once, however many times it is delivered;
  2. the entry, new (version 1) and never changed afterwards;
  3. the patient's balance, conditional on the version read: two postings racing for one patient cannot both
     apply to the same starting balance; the loser reads again and retries.
Amounts are signed by their effect on what the patient owes: charges and refunds add, payments subtract,
adjustments go either way, a reversal is the negation of the entry it undoes (Formance's `Reverse()`).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Sequence

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.money import Money
from chalicelib.db import keys, store
from chalicelib.db.models import Item
from chalicelib.db.pages import query_page
from chalicelib.ledger.items import LedgerEntry, PatientBalance, PostedCause
from chalicelib.ledger.models import BalanceOut, LedgerEntryOut
from chalicelib.patients import service as patients

Page = tuple[list[Any], str | None]
KINDS = ("charge", "payment", "adjustment", "refund", "reversal")
SIGNS = {"charge": 1, "payment": -1, "refund": 1}  # adjustments and reversals may go either way
ATTEMPTS = 8
BACKOFF_SECONDS = 0.01  # doubled per lost race, with full jitter, so racers spread out instead of colliding
# Places in the transaction; DynamoDB reports a cancellation reason per item, in the order they were sent.
DEDUPE, ENTRY, BALANCE = 0, 1, 2


@dataclass(frozen=True)
class Posting:
    entry: LedgerEntry
    created: bool  # False: the cause was posted before; `entry` is that first posting and nothing was written


class WriteRefused(Conflict):
    """A record the caller added to a posting failed its condition (it exists already, or it changed)."""

    def __init__(self, item: Item) -> None:
        super().__init__("A record written with this posting was changed by another request; retry.")
        self.item = item


def _check_amount(kind: str, amount: Money, reverses: str | None) -> None:
    # Callers are our own services: a wrong sign is a bug to fail loudly on, not a client's mistake.
    if kind not in KINDS or amount.cents == 0:
        raise ValueError(f"not a ledger posting: {kind} of {amount}")
    sign = SIGNS.get(kind)
    if sign is not None and (amount.cents > 0) != (sign > 0):
        raise ValueError(f"a {kind} is {'positive' if sign > 0 else 'negative'}, not {amount}")
    if (kind == "reversal") != (reverses is not None):
        raise ValueError("a reversal, and only a reversal, names the entry it reverses")


def post(scope: PracticeScope, patient_id: str, kind: str, amount: Money, cause: str, *, memo: str | None = None,
         reverses: str | None = None, with_items: Sequence[Item] = (), audit: Audit | None = None,
         made_id: str | None = None) -> Posting:
    """Post one entry for `cause`, or return the entry posted for it before (and then write nothing at all).

    `with_items` are the caller's records that must change with the posting (a co-pay's status, a webhook's
    "event seen" marker): saved in the same transaction, each under its own version condition, with the route's
    audit record (`made_id`: what the route made). The cause's marker and the balance are read together: one
    round trip an attempt.
    """
    _check_amount(kind, amount, reverses)
    pk = keys.practice_pk(scope.practice_id)
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, BACKOFF_SECONDS * 2 ** attempt))
        first, balance = together(lambda: _posted(pk, cause), lambda: _balance_item(scope, patient_id))
        if first is not None:
            return Posting(first, False)
        marker, entry = stage(balance, kind, amount, cause, entry_id=new_id(), now=now_iso(), memo=memo,
                              reverses=reverses)
        try:
            _commit(marker, entry, balance, with_items, audit, made_id)
        except TransactWriteError as error:
            failed = _failed_places(error)
            if DEDUPE in failed or BALANCE in failed:
                continue  # posted meanwhile, or another posting moved the balance: read both again
            refused = [with_items[place - BALANCE - 1] for place in sorted(failed) if place > BALANCE]
            if refused:
                raise WriteRefused(refused[0]) from None
            raise store.translate_transaction(error, "ledger entry") from None
        return Posting(entry, True)
    raise Conflict("The patient's account is busy with other postings; retry.")


def reverse(scope: PracticeScope, patient_id: str, entry_id: str, memo: str | None = None) -> Posting:
    """Undo an entry with its negation. The cause names the entry, so an entry is reversed once at most."""
    original = store.get(LedgerEntry, keys.practice_pk(scope.practice_id), keys.ledger_entry_sk(patient_id, entry_id),
                         "ledger entry")
    if original.entry_kind == "reversal":
        raise ValidationFailed("A reversal is not reversed; post the original entry again instead.",
                               [field_error("entry_id", "is a reversal")])
    return post(scope, patient_id, "reversal", Money(-int(original.amount_cents)), f"reversal:{entry_id}",
                memo=memo, reverses=entry_id)


def _posted(pk: str, cause: str) -> LedgerEntry | None:
    try:
        marker = PostedCause.get(pk, keys.posted_sk(cause), consistent_read=True)
    except PostedCause.DoesNotExist:
        return None
    return LedgerEntry.get(pk, keys.ledger_entry_sk(marker.patient_id, marker.entry_id), consistent_read=True)


def _balance_item(scope: PracticeScope, patient_id: str) -> PatientBalance:
    pk = keys.practice_pk(scope.practice_id)
    try:
        return PatientBalance.get(pk, keys.balance_sk(patient_id), consistent_read=True)
    except PatientBalance.DoesNotExist:
        return new_balance(scope.practice_id, patient_id, now_iso())


def balance_key(practice_id: str, patient_id: str) -> store.Key[PatientBalance]:
    return store.Key(PatientBalance, keys.practice_pk(practice_id), keys.balance_sk(patient_id), "balance")


def new_balance(practice_id: str, patient_id: str, now: str) -> PatientBalance:
    """A patient's first balance, unsaved: its first save is conditional on no balance existing yet."""
    return PatientBalance(keys.practice_pk(practice_id), keys.balance_sk(patient_id), id=patient_id,
                          practice_id=practice_id, patient_id=patient_id, balance_cents=0, entry_count=0,
                          created_at=now, updated_at=now)


def stage(balance: PatientBalance, kind: str, amount: Money, cause: str, *, entry_id: str, now: str,
          memo: str | None = None, reverses: str | None = None) -> tuple[PostedCause, LedgerEntry]:
    """The cause's marker and the entry, with the balance moved by it in memory: the three are saved together,
    the balance under the version it was read at. Entries staged on one balance one after another take the next
    sequences, so a caller may post several to one patient in one transaction."""
    _check_amount(kind, amount, reverses)
    balance.balance_cents = int(balance.balance_cents) + amount.cents
    balance.entry_count = int(balance.entry_count) + 1
    balance.last_entry_id, balance.updated_at = entry_id, now
    pk = balance.pk
    entry = LedgerEntry(pk, keys.ledger_entry_sk(balance.patient_id, entry_id), id=entry_id,
                        practice_id=balance.practice_id, patient_id=balance.patient_id, entry_kind=kind,
                        amount_cents=amount.cents, cause=cause, memo=memo, reverses=reverses,
                        sequence=balance.entry_count, balance_after_cents=balance.balance_cents,
                        created_at=now, updated_at=now)
    marker = PostedCause(pk, keys.posted_sk(cause), id=cause, patient_id=balance.patient_id, entry_id=entry_id,
                         created_at=now, updated_at=now)
    return marker, entry


def _commit(marker: PostedCause, entry: LedgerEntry, balance: PatientBalance, with_items: Sequence[Item],
            audit: Audit | None, made_id: str | None) -> None:
    with store.transaction(audit, made_id) as tx:  # the audit record goes last, after every place counted above
        for item in (marker, entry, balance, *with_items):  # all puts: the order above is the order sent
            tx.save(item)


def _failed_places(error: TransactWriteError) -> set[int]:
    reasons = error.cancellation_reasons or []
    return {place for place, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"}


def entry_out(entry: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut(id=entry.id, patient_id=entry.patient_id, kind=entry.entry_kind,
                          amount_cents=int(entry.amount_cents), cause=entry.cause, memo=entry.memo,
                          reverses=entry.reverses, sequence=int(entry.sequence),
                          balance_after_cents=int(entry.balance_after_cents), created_at=entry.created_at)


def entries(scope: PracticeScope, patient_id: str, limit: int, cursor: str | None) -> Page:
    """A patient's entries, oldest first."""
    _, page = together(lambda: patients.require(scope, patient_id),
                       lambda: query_page(LedgerEntry, keys.practice_pk(scope.practice_id),
                                          keys.ledger_prefix(patient_id), limit=limit, cursor=cursor))
    return [entry_out(entry) for entry in page.items], page.next_cursor


def balance(scope: PracticeScope, patient_id: str) -> BalanceOut:
    _, item = together(lambda: patients.require(scope, patient_id), lambda: _balance_item(scope, patient_id))
    return BalanceOut(patient_id=patient_id, balance_cents=int(item.balance_cents), entry_count=int(item.entry_count),
                      updated_at=item.updated_at if item.version else None)


@dataclass(frozen=True)
class BalanceCheck:
    balance_cents: int
    entries_sum_cents: int
    entry_count: int
    entries_counted: int
    sequences_whole: bool  # 1..n, each once

    @property
    def ok(self) -> bool:
        return (self.balance_cents == self.entries_sum_cents and self.entry_count == self.entries_counted
                and self.sequences_whole)


def check(scope: PracticeScope, patient_id: str) -> BalanceCheck:
    """Derive the balance again from every entry and compare it with the stored one (django-ledger's
    `is_balance_valid`): a posting that skipped the balance, or a balance moved without an entry, shows here."""
    pk = keys.practice_pk(scope.practice_id)
    total, sequences = 0, []
    for entry in LedgerEntry.query(pk, LedgerEntry.sk.startswith(keys.ledger_prefix(patient_id)),
                                   consistent_read=True):
        total += int(entry.amount_cents)
        sequences.append(int(entry.sequence))
    stored = _balance_item(scope, patient_id)
    return BalanceCheck(int(stored.balance_cents), total, int(stored.entry_count), len(sequences),
                        sorted(sequences) == list(range(1, len(sequences) + 1)))
