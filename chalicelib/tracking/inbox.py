"""The firm's EDI inbox: each file the clearinghouse leaves there is read, routed by its transaction sets,
applied to claims and recorded, once.

One invocation per file (the bucket's EventBridge "Object Created" event, `app.edi_inbox`):
1. The file's bytes are known by their SHA-256 (`EdiFileDigest`). A file already `processed` or `failed` is not
   applied again, so the same 999 delivered twice, or under a second name, changes nothing.
2. Its record is created `processing`, with the digest, in one conditional transaction. A retry after a crash
   finds it `processing` and runs again; each claim skips what it already took (acks.py), so the retry
   completes the file, once.
3. Reading is all or nothing: a file that is not X12, or a set that does not parse, makes the file `failed`
   with the reason and nothing is applied. It stays in the bucket, listed under `?status=failed`.
4. Claims are found by what the answer echoes (an 835's CLP01 is our CLM01, recorded by remits/service.py): a 999's AK102 is our GS06 (`FIRM#f/ICN#n` -> batch), a
   277CA's 2200D TRN02 and a 277's REF*EJ are our CLM01 (`FIRM#f/PCN#n` -> claim), and a 277CA's 2200B TRN02
   is our BHT03 (`FIRM#f/BHT#batch` -> batch), for a rejection of the whole batch or of a billing provider.
   References that are not ours are listed on the file as unmatched: a third party's file is read without
   error and touches nothing.
5. Moves are saved claim and event together, `CLAIMS_PER_TRANSACTION` claims a transaction (tracking.py).
   A file left `processing` is in the recovery index (db/recovery.py): once every invocation has failed and
   `GRACE` has passed, the sweeper runs it again from its bytes in the bucket (`recover`). A `failed` file (or
   one the sweeper gave up on) is run again by a person (`reprocess`, `POST /edi-files/{id}/reprocess`).
6. Each practice touched gets its own record of the file (what happened to which claim), then the firm's
   record becomes `processed`. Every step before it is repeatable.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from pynamodb.exceptions import TransactWriteError

from chalicelib.claims.items import EdiFile, EdiFileDigest, PracticeEdiFile
from chalicelib.clearinghouse.mailbox import Mailbox, get_mailbox, inbox_firm
from chalicelib.core import audit, aws
from chalicelib.core.auth import Principal
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id
from chalicelib.core.logs import get_logger
from chalicelib.core.settings import get_settings
from chalicelib.db import keys, recovery, store
from chalicelib.db.models import Firm
from chalicelib.edi.acks.ack_277ca import read_277ca
from chalicelib.edi.acks.ack_999 import parse_999
from chalicelib.edi.remittance.reader import read_835
from chalicelib.edi.status.inquiry import parse_277
from chalicelib.edi.x12.reader import read_interchanges
from chalicelib.edi.x12.segments import X12Error
from chalicelib.tracking import edi_files
from chalicelib.tracking import service as tracking

KINDS = {"999": "999", "005010X214": "277CA", "005010X212": "277", "005010X221": "835"}
KIND = "edi_file"
# EventBridge's Lambda retries a failed invocation twice within about three minutes, each run 60 s at most.
GRACE = timedelta(minutes=15)


@dataclass
class Parsed:
    kind: str
    answers: list[Any] = field(default_factory=list)
    set_count: int = 0  # ST..SE transaction sets in the file


def _kind(set_id: str, convention: str) -> str:
    if set_id == "999":
        return "999"
    if set_id in ("277", "835") and convention[:10] in KINDS and KINDS[convention[:10]][:3] == set_id:
        return KINDS[convention[:10]]
    raise X12Error(f"a {set_id} transaction set ({convention or 'no version'}) is not taken by the inbox, which "
                   f"reads 999, 277CA (005010X214), 277 (005010X212) and 835 (005010X221A1)")


def read(text: str) -> Parsed:
    """The file's one kind of answer, parsed whole; X12Error when any part of it cannot be read."""
    found = [_kind(t.set_id, t.convention or g.version)
             for i in read_interchanges(text, strict=False) for g in i.groups for t in g.transactions]
    kinds = set(found)
    if len(kinds) != 1:
        raise X12Error("the file holds no transaction set" if not kinds else
                       f"the file mixes {', '.join(sorted(kinds))}: one kind of answer per file is read")
    kind = kinds.pop()
    if kind == "999":
        return Parsed(kind, list(parse_999(text)), len(found))
    if kind == "277CA":  # the claims, and the levels above them (a batch or billing provider rejected whole)
        acknowledgment = read_277ca(text, strict=False)
        return Parsed(kind, [*acknowledgment.claims, *acknowledgment.levels], len(found))
    if kind == "835":  # remittances: recorded per practice by remits/service.py
        return Parsed(kind, read_835(text), len(found))
    return Parsed(kind, list(parse_277(text)), len(found))


def decode(body: bytes) -> str:
    """X12 is ASCII; a file in UTF-8 (a BOM, an extended character) is read as such, anything else as Latin-1,
    so decoding never fails and the parser gives the reason a file is not X12."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _index(owner_pk: str, status: str, received_at: str, file_id: str) -> dict[str, str]:
    return {"gsi1pk": keys.edi_files_pk(owner_pk, status), "gsi1sk": f"{received_at}#{file_id}"}


def _start(firm_id: str, key: str, body: bytes, now: str) -> EdiFile | None:
    """The file's record, newly `processing`, or the one a retry finds `processing`; None once it is done."""
    digest, file_id, pk = hashlib.sha256(body).hexdigest(), new_id(), keys.firm_pk(firm_id)
    record = EdiFile(pk, keys.edi_file_sk(file_id), id=file_id, created_at=now, updated_at=now, firm_id=firm_id,
                     sha256=digest, key=key, size=len(body), received_at=now, status="processing",
                     **_index(pk, "processing", now, file_id),
                     **recovery.pending(KIND, file_id, datetime.fromisoformat(now), GRACE))
    pointer = EdiFileDigest(pk, keys.edi_digest_sk(digest), id=file_id, created_at=now, updated_at=now,
                            file_id=file_id)
    try:
        with store.transaction() as tx:
            tx.save(record)
            tx.save(pointer)
        return record
    except TransactWriteError as error:
        if not isinstance(store.translate_transaction(error, "file"), Conflict):
            raise
    seen = EdiFileDigest.get(pk, keys.edi_digest_sk(digest), consistent_read=True)
    found = EdiFile.get(pk, keys.edi_file_sk(seen.file_id), consistent_read=True)
    return found if found.status == "processing" else None


def _finish(record: EdiFile, status: str, result: tracking.Result, kind: str | None, reason: str | None,
            set_count: int = 0, recovered: bool = False) -> None:
    for practice_id, outcomes in result.outcomes.items():
        pk = keys.practice_pk(practice_id)
        PracticeEdiFile(pk, keys.edi_file_sk(record.id), id=record.id, created_at=record.received_at,
                        updated_at=record.received_at, practice_id=practice_id, file_id=record.id,
                        name=record.key.rsplit("/", 1)[-1], received_at=record.received_at, file_kind=kind,
                        status=status, claims=json.dumps(outcomes), reason=reason, set_count=set_count,
                        **_index(pk, status, record.received_at, record.id)).save(add_version_condition=False)
        audit.record(audit.AuditEvent(practice_id, tracking.ACTOR, "edi_file", record.id, f"ingest_{status}",
                                      record.id, None))
    store.update(record, {"status": status, "file_kind": kind, "reason": reason, "set_count": set_count,
                          "practice_ids": sorted(result.outcomes),
                          "claim_count": sum(len(o) for o in result.outcomes.values()),
                          "unmatched": json.dumps(result.unmatched), **recovery.finished(recovered=recovered),
                          **_index(record.pk, status, record.received_at, record.id)}, record.version, "file")


def _is_firm(firm_id: str) -> bool:
    try:
        return "#" not in firm_id and isinstance(Firm.get(keys.firm_pk(firm_id), keys.FIRM_SK), Firm)
    except Firm.DoesNotExist:
        return False


def ingest(key: str, body: bytes, *, clock: Callable[[], datetime] = utcnow,
           outbox: Callable[[str], str] | None = None) -> EdiFile | None:
    """Apply one inbox file; the record of what it did, or None for a file outside any firm's mailbox or one
    already done."""
    firm_id = inbox_firm(key)
    log = get_logger()
    if firm_id is None or not _is_firm(firm_id):
        log.warning("inbox file outside a firm's folder: left alone", extra={"key": key})
        return None
    record = _start(firm_id, key, body, iso(clock()))
    if record is None:
        log.info("inbox file seen before: nothing to do", extra={"key": key})
        return None
    return _process(record, body, clock, outbox)


def _process(record: EdiFile, body: bytes, clock: Callable[[], datetime],
             outbox: Callable[[str], str] | None, recovered: bool = False) -> EdiFile:
    log, text = get_logger(), decode(body)
    try:
        parsed = read(text)
    except Exception as error:  # reading is pure: whatever breaks it is this file's fault, kept as its reason
        # X12Error messages name rules and positions; any other error's text could quote the file's values.
        reason = str(error) if isinstance(error, X12Error) else f"unreadable ({type(error).__name__})"
        _finish(record, "failed", tracking.mentioned(record.firm_id, text), None, reason, recovered=recovered)
        log.warning("inbox file failed", extra={"file_id": record.id, "reason": reason})
        return record
    result = tracking.apply(record.firm_id, parsed.kind, parsed.answers, record.id, iso(clock()), outbox=outbox)
    _finish(record, "processed", result, parsed.kind, None, parsed.set_count, recovered)
    log.info("inbox file processed", extra={"file_id": record.id, "kind": parsed.kind,
                                            "claims": record.claim_count, "unmatched": len(result.unmatched)})
    return record


def recover(record: EdiFile, mailbox: Mailbox) -> EdiFile:
    """Run a file its invocations left `processing` again from its bytes in the bucket (the sweeper's part, once
    it is taken): each claim takes from it only what it has not taken yet."""
    body = mailbox.read(record.key)
    if body is None:
        raise recovery.Unrecoverable("the file is no longer in the bucket")
    return _process(record, body, utcnow, _outbox_reader(mailbox), recovered=True)


def _outbox_reader(mailbox: Mailbox) -> Callable[[str], str]:
    """How a 999 for a batch of more than one set reads the batch's 837 back (tracking._set_numbers)."""
    return lambda key: decode(mailbox.read(key) or b"")


def reprocess(principal: Principal, file_id: str, *, clock: Callable[[], datetime] = utcnow) -> EdiFile:
    """Run a file again from its bytes in the bucket: one left `processing` (its invocations kept failing) or
    `failed` (read again, after a fix of the reader). A processed file is done: 409."""
    edi_files.require_whole_firm(principal)
    record = store.get(EdiFile, keys.firm_pk(principal.firm_id), keys.edi_file_sk(file_id), "file")
    if record.status == "processed":
        raise Conflict("The file was applied already; applying it again would change nothing.")
    box = get_mailbox()
    body = box.read(record.key)
    if body is None:
        raise Conflict("The file is no longer in the bucket: there is nothing to run again.")
    for practice_id in record.practice_ids:  # the failure's own records go; the new run writes its own
        PracticeEdiFile(keys.practice_pk(practice_id), keys.edi_file_sk(record.id)).delete(
            add_version_condition=False)
    record = store.update(record, {"status": "processing", "reason": None, "practice_ids": [],
                                   **_index(record.pk, "processing", record.received_at, record.id),
                                   **recovery.pending(KIND, record.id, clock(), GRACE)}, record.version, "file")
    return _process(record, body, clock, _outbox_reader(box))


def handle_event(event: dict[str, Any], *, fetch: Callable[[str, str], bytes] | None = None) -> EdiFile | None:
    """The EventBridge "Object Created" event of the EDI bucket; objects of other buckets are not ours."""
    detail = event.get("detail") or {}
    bucket, key = (detail.get("bucket") or {}).get("name"), (detail.get("object") or {}).get("key", "")
    if bucket != get_settings().edi_bucket:
        get_logger().warning("object event of another bucket ignored", extra={"bucket": bucket})
        return None
    return ingest(key, (fetch or _s3_bytes)(bucket, key), outbox=lambda k: decode(_s3_bytes(bucket, k)))


def _s3_bytes(bucket: str, key: str) -> bytes:
    return aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
