"""Submission: ready claims become one 837P or 837I file per (payer, claim type) in the clearinghouse outbox.

DynamoDB calls grow with the number of batches, not claims: claims are read with BatchGetItem (100 keys a
call) or one Query of the `ready` work list, and moved to `submitted` with their events in transactions of
`CLAIMS_PER_TRANSACTION` claims (two items each; DynamoDB allows 100 per transaction). The reads, and then the
transactions, share no item, so they go several at once (core/fanout.py): 1,000 claims wait on about four
round trips of them rather than thirty. The 837 is written from the segments each claim stored when it was judged
(claims/codec.py), so no claim document is rebuilt on the way.

Order of writes, so a crash never sends a file whose claims are not marked: (1) the batch item, `pending`, in
the recovery index (db/recovery.py); (2) the claims, each conditional on the version read and on still being
`ready`, each carrying the batch's id; (3) the file, from the claims that moved; (4) the batch, `sent`, out of
the index. A claim changed by someone else between (1) and (2) stays out of the batch.

Each step leaves its recovery point: the batch item for (1), the batch id on each claim for (2), the object in
the outbox for (3). A crash between (1) and (4) leaves claims that look sent while nothing was, and their
filing deadline runs: the sweeper (`recover`, every few minutes once `GRACE` has passed) finishes the batch.
It writes the 837 from the claims marked for it (the same control numbers and stamp, so the same bytes), unless
the outbox already has the file, and marks the batch `sent`; with no claim marked, `empty`. Claims the crash
left `ready` stay ready for the next batch.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Callable


from chalicelib.claims import codec, lifecycle
from chalicelib.claims.items import BatchNumber, ClaimBatch, ClaimItem
from chalicelib.clearinghouse.mailbox import Mailbox, get_mailbox, outbox_firm, outbox_key
from chalicelib.core import fanout
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings
from chalicelib.db import counters, keys, pages, recovery, store
from chalicelib.db.models import Firm
from chalicelib.edi.claim.document import Batch, Party
from chalicelib.edi.claim.writer import write_837
from chalicelib.edi.x12.writer import ControlNumbers
from chalicelib.submission.models import BatchCreate, BatchOut, SubmissionOut

CLAIMS_PER_TRANSACTION = 50  # two items each (claim, event), with room kept for the tasks a move closes
KEYS_PER_READ = 100  # BatchGetItem's most
MAX_CLAIMS = 5000  # one request; the 837 guides advise at most 5000 claims per transaction set
Page = tuple[list[Any], "str | None"]
KIND = "claim_batch"
GRACE = timedelta(minutes=5)  # a submission runs in the API's Lambda, 60 s at most: it is over by then


def _read(practice_id: str, claim_ids: list[str], *, consistent: bool = False) -> dict[str, ClaimItem]:
    """The claims of these ids that exist: a BatchGetItem per 100 keys (DynamoDB's most), several at once."""
    pk = keys.practice_pk(practice_id)

    def read(ids: list[str]) -> list[ClaimItem]:
        return [item for item in ClaimItem.batch_get([(pk, keys.claim_sk(i)) for i in ids], consistent_read=consistent)
                if isinstance(item, ClaimItem)]

    groups = [claim_ids[start:start + KEYS_PER_READ] for start in range(0, len(claim_ids), KEYS_PER_READ)]
    return {item.id: item for found in fanout.all_of(groups, read) for item in found}


def _by_ids(scope: PracticeScope, claim_ids: list[str]) -> list[ClaimItem]:
    found = _read(scope.practice_id, claim_ids)
    problems = [field_error(f"claim_ids.{n}", "no such claim" if i not in found else f"the claim is {found[i].status}")
                for n, i in enumerate(claim_ids) if i not in found or found[i].status != "ready"]
    if problems:
        raise ValidationFailed("Only ready claims are submitted; nothing was sent.", problems)
    return [found[i] for i in claim_ids]


def _all_ready(scope: PracticeScope) -> list[ClaimItem]:
    ready = ClaimItem.gsi1.query(keys.claims_of_status_pk(scope.practice_id, "ready"), limit=MAX_CLAIMS,
                                 page_size=1000)
    return [item for item in ready if item.status == "ready"]  # the index is eventually consistent


def _parties(firm_id: str) -> tuple[Party, Party]:
    settings = get_settings()
    firm = store.get(Firm, keys.firm_pk(firm_id), keys.FIRM_SK, "firm")
    submitter = Party(firm.name.upper()[:60], settings.submitter_id, settings.submitter_contact_name,
                      settings.submitter_contact_phone)
    return submitter, Party("CLEARINGHOUSE", settings.clearinghouse_receiver_id)


def _mark(scope: PracticeScope, claims: list[ClaimItem], batch_id: str, now: str) -> list[ClaimItem]:
    """Move claims to `submitted`, a transaction per chunk, several in flight at once (they share no item); a
    chunk that meets a concurrent change is left out.

    A claim sent again after a rejection starts afresh: the last submission's 999 and rejection are history."""
    chunks = list(lifecycle.chunks(claims, CLAIMS_PER_TRANSACTION))
    written = lifecycle.write_all([_staged(scope, chunk, batch_id, now) for chunk in chunks])
    return [claim for chunk, ok in zip(chunks, written) if ok for claim in chunk]


def _staged(scope: PracticeScope, chunk: list[ClaimItem], batch_id: str, now: str) -> list[Any]:
    """The chunk's claims moved in memory, each followed by its event: one transaction's items."""
    saves: list[Any] = []
    for claim in chunk:
        changes = {"status": "submitted", "batch_id": batch_id, "submitted_at": now, "acknowledged_at": None,
                   "rejection": None}
        saves += [claim, lifecycle.stage(claim, changes, "submitted", scope.principal.key_id,
                                         {"batch_id": batch_id}, now)]
    return saves


def _send(scope: PracticeScope, claim_type: str, claims: list[ClaimItem], parties: tuple[Party, Party],
          mailbox: Mailbox, now: datetime) -> ClaimBatch:
    batch_id, stamp = new_id(), iso(now)
    number = (counters.next_value(keys.firm_pk(scope.principal.firm_id), "x12-837") - 1) % 999_999_999 + 1
    firm_id = scope.principal.firm_id
    batch = ClaimBatch(keys.practice_pk(scope.practice_id), keys.batch_sk(batch_id), id=batch_id, created_at=stamp,
                       updated_at=stamp, practice_id=scope.practice_id, payer_ref=claims[0].payer_ref,
                       claim_type=claim_type, claim_ids=[c.id for c in claims], claim_count=len(claims),
                       total_charge_cents=sum(int(c.total_charge_cents) for c in claims),
                       interchange_control_number=number, file_key=outbox_key(firm_id, scope.practice_id, batch_id),
                       file_bytes=0, status="pending", **recovery.pending(KIND, batch_id, now, GRACE))
    # Pointers from what the answers echo: the 999's AK102 (our GS06) and the 277CA's 2200B TRN02 (our BHT03,
    # the batch id), so an answer about the whole batch finds it from the firm's inbox.
    pointers = [BatchNumber(keys.firm_pk(firm_id), sk, id=batch_id, created_at=stamp, updated_at=stamp,
                            practice_id=scope.practice_id, batch_id=batch_id)
                for sk in (keys.batch_number_sk(number), keys.batch_reference_sk(batch_id))]
    lifecycle.write([batch, *pointers], "claim batch")
    return _complete(batch, _mark(scope, claims, batch_id, stamp), parties, mailbox, now)


def _complete(batch: ClaimBatch, moved: list[ClaimItem], parties: tuple[Party, Party], mailbox: Mailbox,
              created: datetime, *, recovered: bool = False) -> ClaimBatch:
    """Steps (3) and (4): the 837 of the claims marked for the batch, unless a recovered batch's file is in the
    outbox already, then the batch `sent` (`empty` when no claim was marked), out of the recovery index."""
    changes: dict[str, Any] = {"claim_ids": [c.id for c in moved], "claim_count": len(moved),
                               "total_charge_cents": sum(int(c.total_charge_cents) for c in moved),
                               **recovery.finished(recovered=recovered)}
    if not moved:
        return store.update(batch, {**changes, "status": "empty"}, batch.version, "claim batch")
    size = mailbox.size(batch.file_key) if recovered else None
    if size is None:
        number = int(batch.interchange_control_number)
        claims = tuple(codec.claim_837(c.document, c.segments) for c in moved)
        text = write_837(Batch(batch.claim_type, *parties, claims, batch.id),  # type: ignore[arg-type]
                         ControlNumbers(number, number, 1), usage=get_settings().usage_indicator, created=created)
        mailbox.send(batch.file_key, text)
        size = len(text)
    return store.update(batch, {**changes, "file_bytes": size, "status": "sent"}, batch.version, "claim batch")


def recover(batch: ClaimBatch, mailbox: Mailbox) -> ClaimBatch:
    """Finish a batch a crash left `pending` (the sweeper's part, once the batch is taken): its claims are the
    ones that carry its id, in the order it listed them; its 837 goes out unless the outbox has it already."""
    found = _read(batch.practice_id, list(batch.claim_ids), consistent=True)
    moved = [found[i] for i in batch.claim_ids if i in found and found[i].batch_id == batch.id]
    return _complete(batch, moved, _parties(outbox_firm(batch.file_key)), mailbox,
                     datetime.fromisoformat(batch.created_at), recovered=True)


def submit(scope: PracticeScope, data: BatchCreate, *, clock: Callable[[], datetime] = utcnow,
           mailbox: Mailbox | None = None) -> SubmissionOut:
    claims = _by_ids(scope, data.claim_ids) if data.claim_ids else _all_ready(scope)
    if not claims:
        raise Conflict("No claim is ready to submit.")
    groups: dict[tuple[str, str], list[ClaimItem]] = defaultdict(list)
    for claim in claims:
        groups[(claim.payer_ref, claim.claim_type)].append(claim)
    parties, now, box = _parties(scope.principal.firm_id), clock(), mailbox or get_mailbox()
    batches = [_send(scope, claim_type, group, parties, box, now) for (_, claim_type), group in groups.items()]
    return SubmissionOut(batches=[batch_out(b) for b in batches], claim_count=sum(int(b.claim_count) for b in batches))


def batch_out(item: ClaimBatch) -> BatchOut:
    return BatchOut(id=item.id, version=item.version, created_at=item.created_at, updated_at=item.updated_at,
                    practice_id=item.practice_id, payer_id=item.payer_ref, claim_type=item.claim_type,
                    claim_ids=list(item.claim_ids), claim_count=int(item.claim_count),
                    total_charge_cents=int(item.total_charge_cents),
                    interchange_control_number=int(item.interchange_control_number), file_key=item.file_key,
                    file_bytes=int(item.file_bytes), status=item.status, recovered_at=item.recovered_at,
                    recovery_error=item.recovery_error)


def get(scope: PracticeScope, batch_id: str) -> BatchOut:
    return batch_out(store.get(ClaimBatch, keys.practice_pk(scope.practice_id), keys.batch_sk(batch_id),
                               "claim batch"))


def list_batches(scope: PracticeScope, query: Any) -> Page:
    page = pages.query_page(ClaimBatch, keys.practice_pk(scope.practice_id), "BATCH#", limit=query.limit,
                            cursor=query.cursor, newest_first=True)
    return [batch_out(item) for item in page.items], page.next_cursor
