"""Posting the balanced claim payments of one 835 set, in the run that records them (remits/service.py).

A claim payment's record, its once-only pointer (REMITPAID#), its posting (CLAIMENTRY#: the entries, rules.py),
the claim with its new totals, status and event (lifecycle.stage), and the patient ledger entry of its share
with the balance it moves (ledger.stage) are written together: the pointer that records a payment once posts
it once. A re-sent 835, or a retried run, meets the pointer and posts nothing.

DynamoDB refuses two operations on one item in one transaction, and a patient's claims in one 835 move one
balance (a reversal and its correction, one claim): so the unit of writing is a patient's claim payments of the
set, in their order, the ledger entries sequenced within it (db/batched.py packs units, up to 100 items a
transaction). A patient with more payments than fit one transaction has the rest posted in the next round.

A unit that meets a changed item (a claim edited, the balance moved by a co-pay, a task closed meanwhile) is
read again and rebuilt, up to `ATTEMPTS` times; then its payments go to the practice's work list
(`posting_conflict`) and are not recorded, so delivering the file again posts them. The other units never wait.

Calls grow with claims: the balances and the postings reversals undo are read with BatchGetItem (100 keys a
call) once a round, the claims come from the recording's read, and a patient's payments are one unit however
many lines and adjustments they have (one posting item each).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from chalicelib.appeals import service as appeals
from chalicelib.appeals.items import Appeal
from chalicelib.claims import lifecycle, open_tasks
from chalicelib.claims.items import ClaimItem
from chalicelib.db import batched, keys, store
from chalicelib.db.models import Payer
from chalicelib.denials import service as denials
from chalicelib.edi.remittance.result import Remittance
from chalicelib.ledger import service as ledger
from chalicelib.ledger.items import LedgerEntry, PatientBalance
from chalicelib.remits import claim_items, records, rules
from chalicelib.remits.claim_items import DUPLICATE, HELD, POSTED, Done, Payment
from chalicelib.remits.items import ClaimPaymentSeen, ClaimPosting, RemittanceClaim
from chalicelib.remits.records import Origin

ATTEMPTS = 3
POSTING_CONFLICT = "posting_conflict"
ITEMS_A_PAYMENT = 8  # record, pointer, work item, posting, event, ledger marker and entry, the claim


@dataclass
class _Built:
    unit: batched.Unit
    payments: list[Payment] = field(default_factory=list)
    done: dict[int, Done] = field(default_factory=dict)  # position -> outcome, once the unit is written


def post(origin: Origin, remittance: Remittance, payments: list[Payment],
         also: Sequence[batched.Unit] = ()) -> tuple[dict[int, Done], batched.Written]:
    """Record and post each payment; position -> what became of it. `also` (units of their own, the PLB) are
    written with the first round; what became of them is returned."""
    done: dict[int, Done] = {}
    pending = _first_of_each(origin, payments, done)
    extra, extra_result, fresh = list(also), batched.Written(), False
    while pending or extra:
        found = _read(origin, remittance, pending, fresh)
        built, later = _units(origin, remittance, pending, found)
        result = batched.write([b.unit for b in built] + extra)
        if result.failed:  # not a condition: fail the run, whose retry writes only what is missing
            raise result.failed[0][1]
        extra_ids = {id(u) for u in extra}
        extra_result.written += [u for u in result.written if id(u) in extra_ids]
        extra_result.conflicts += [u for u in result.conflicts if id(u) in extra_ids]
        conflicted = {id(u) for u in result.conflicts}
        retry = []
        for b in built:
            if id(b.unit) in conflicted:
                retry += b.payments
            else:
                done.update(b.done)
        retry = _settle(origin, retry, done)
        pending = sorted(later + [p for p in retry if p.conflicts < ATTEMPTS], key=lambda p: p.position)
        _hold(origin, remittance, [p for p in retry if p.conflicts >= ATTEMPTS], done)
        extra, fresh = [], True
    return done, extra_result


def _first_of_each(origin: Origin, payments: list[Payment], done: dict[int, Done]) -> list[Payment]:
    """A payment sent twice in one set is recorded once: the later one is its duplicate."""
    seen: set[str] = set()
    first = []
    for p in payments:
        if p.digest in seen:
            done[p.position] = Done(DUPLICATE, origin.remittance_id)
        else:
            seen.add(p.digest)
            first.append(p)
    return first


@dataclass
class _Found:
    balances: dict[tuple[str, str], PatientBalance]
    earlier: dict[tuple[str, str], ClaimPosting]  # (claim id, posting id) -> an earlier posting
    windows: dict[tuple[str, str], int]  # (practice id, payer ref) -> the payer's appeal window in days
    sent_appeals: dict[str, list[Appeal]]  # claim id -> its sent appeals, for the payments that may decide them

    def appeal_days(self, claim: ClaimItem) -> int:
        return self.windows.get((claim.practice_id, claim.payer_ref), denials.window_of(None))


def _read(origin: Origin, remittance: Remittance, pending: list[Payment], fresh: bool) -> _Found:
    """The patients' balances, the postings reversals undo and the claims' payers (their appeal windows, for the
    denials), in one BatchGetItem; the sent appeals of the practices whose claims a payment may decide, one Query
    each; after a conflict, the claims are read again first."""
    if fresh and pending:
        found = store.read(*(store.Key(ClaimItem, p.claim.pk, p.claim.sk) for p in pending), consistent=True)
        for p in pending:
            p.claim = found.find(store.Key(ClaimItem, p.claim.pk, p.claim.sk)) or p.claim
    balance_keys = {(p.claim.practice_id, p.claim.patient_id) for p in pending}
    undone = {(p.claim.id, posted): claim_items.posting_key(p.claim, posted) for p in pending
              if p.payment.status == rules.REVERSAL_STATUS
              for posted in [claim_items.live_postings(p.claim).get(p.payment.payer_claim_number)] if posted}
    payers = {(p.claim.practice_id, p.claim.payer_ref):
              store.Key(Payer, p.claim.pk, keys.payer_sk(p.claim.payer_ref)) for p in pending}
    found = store.read(*(ledger.balance_key(*k) for k in balance_keys), *undone.values(), *payers.values(),
                       consistent=True)
    deciding = {p.claim.practice_id for p in pending if claim_items.may_decide_appeals(p.claim, p.payment)}
    return _Found({k: b for k in balance_keys if (b := found.find(ledger.balance_key(*k))) is not None},
                  {k: e for k, key in undone.items() if (e := found.find(key)) is not None},
                  {k: denials.window_of(found.find(key)) for k, key in payers.items()},
                  appeals.sent_by_claim(deciding))


def _units(origin: Origin, remittance: Remittance, pending: list[Payment],
           found: _Found) -> tuple[list[_Built], list[Payment]]:
    """A unit per patient: their payments in order, as many as fit one transaction; the rest wait a round."""
    groups: dict[tuple[str, str], list[Payment]] = {}
    for p in pending:
        groups.setdefault((p.claim.practice_id, p.claim.patient_id), []).append(p)
    built, later = [], []
    for (practice_id, patient_id), group in groups.items():
        balance = found.balances.get((practice_id, patient_id)) or ledger.new_balance(
            practice_id, patient_id, origin.recorded_at)
        b, rest = _patient_unit(origin, remittance, group, balance, found)
        built.append(b)
        later += rest
    _close_tasks(built)
    return built, later


def _patient_unit(origin: Origin, remittance: Remittance, group: list[Payment], balance: PatientBalance,
                  found: _Found) -> tuple[_Built, list[Payment]]:
    b = _Built(batched.Unit(f"patient {balance.patient_id}"))
    claims: dict[str, ClaimItem] = {}
    moved, room, later = False, batched.MAX_TRANSACTION_ITEMS - 1, []  # room: less the balance
    for n, p in enumerate(group):
        claim = claims.get(p.claim.id, p.claim)
        cost = ITEMS_A_PAYMENT + len(open_tasks.named(claim)) + claim_items.denial_room(p.payment)
        if b.payments and cost > room:
            later = group[n:]
            break
        room -= cost
        items, done, changed = claim_items.payment_items(origin, remittance, p, claim, balance, found.earlier,
                                                          found.appeal_days(claim),
                                                          found.sent_appeals.get(claim.id, []))
        b.unit.saves += items
        b.payments.append(p)
        b.done[p.position] = done
        moved = moved or any(isinstance(i, LedgerEntry) for i in items)
        if changed:
            claims[claim.id] = claim
    b.unit.saves += list(claims.values()) + ([balance] if moved else [])
    return b, later


def _close_tasks(built: list[_Built]) -> None:
    """Tasks whose cause a posting cleared (`no_payment` once paid) close with it, in its unit."""
    by_claim = {i.id: b.unit for b in built for i in b.unit.saves if isinstance(i, ClaimItem)}
    for task, actions in open_tasks.closures([i for b in built for i in b.unit.saves]):
        by_claim[task.claim_id].updates.append((task, actions, lifecycle.STILL_OPEN))


def _settle(origin: Origin, conflicted: list[Payment], done: dict[int, Done]) -> list[Payment]:
    """Of payments whose unit met a changed item: those recorded meanwhile (an earlier 835, or this file's
    earlier run) are settled; the others are returned, their conflicts counted, to be tried again."""
    if not conflicted:
        return []
    pointers = {p.position: store.Key(ClaimPaymentSeen, p.claim.pk, keys.claim_payment_sk(p.digest))
                for p in conflicted}
    found = store.read(*pointers.values(), consistent=True)
    ours: list[Payment] = []
    retry = []
    for p in conflicted:
        seen = found.find(pointers[p.position])
        if seen is None:
            p.conflicts += 1
            retry.append(p)
        elif seen.remittance_id != origin.remittance_id:
            done[p.position] = Done(DUPLICATE, seen.remittance_id)
        else:
            ours.append(p)
    if ours:
        _earlier_run(origin, ours, done)
    return retry


def _earlier_run(origin: Origin, payments: list[Payment], done: dict[int, Done]) -> None:
    """Payments an earlier run of this file recorded: what they posted, read back for the remittance's sums."""
    wanted = [(p, store.Key(RemittanceClaim, p.claim.pk, keys.remittance_claim_sk(origin.remittance_id, p.position)),
               claim_items.posting_key(p.claim, claim_items.posting_id(origin, p.position))) for p in payments]
    found = store.read(*(k for _, r, q in wanted for k in (r, q)), consistent=True)
    for p, record_key, posting_key in wanted:
        record, posting = found.find(record_key), found.find(posting_key)
        outcome = record.posting if record is not None else POSTED
        totals = (rules.Totals(int(posting.paid_cents), int(posting.adjusted_cents), int(posting.patient_cents))
                  if posting is not None else None)
        done[p.position] = Done(outcome, origin.remittance_id, totals)


def _hold(origin: Origin, remittance: Remittance, payments: Iterable[Payment], done: dict[int, Done]) -> None:
    """Payments that met a change `ATTEMPTS` times: on the work list, unrecorded, for the file to be run again."""
    units = []
    for p in payments:
        detail = (f"claim {p.claim.patient_control_number}: its claim or the patient's balance kept changing "
                  f"while the 835 posted ({ATTEMPTS} tries); nothing posted, run the file again")
        units.append(batched.Unit(f"held {p.position}", saves=[records.work_item(
            origin, remittance, p.position, p.payment, POSTING_CONFLICT, detail, p.claim)]))
        done[p.position] = Done(HELD, origin.remittance_id, recorded=False)
    result = batched.write(units)
    if result.failed:
        raise result.failed[0][1]
