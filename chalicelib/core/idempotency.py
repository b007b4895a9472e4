"""`Idempotency-Key` for POST routes: the same key and request return the first answer, once.

A key is scoped to the API key that sent it, the method and the path as sent (ids filled in, not the route
template): the same key sent to another visit, claim or practice is another request and runs. Within that
scope, a first request claims the key with a conditional put (state in_progress); when it ends, the answer is
stored (state done) for 24 hours (the TTL). A retry with the same query and body gets the stored answer;
another query or body answers 422; a retry while the first is still running answers 409. A claim left
in_progress by a crashed invocation is taken over after IN_PROGRESS_SECONDS. A request that fails releases
its claim, so the client may retry it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, IdempotencyKeyReused, ValidationFailed, field_error
from chalicelib.db import keys
from chalicelib.db.models import IdempotencyRecord

KEEP = timedelta(hours=24)
IN_PROGRESS_SECONDS = 60
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, ids filled in: `/practices/01H.../visits/01J.../copays`
    query: str  # canonical (sorted name=value pairs), "" for none
    body: bytes


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str | None


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def claim(pk: str, key_id: str, idempotency_key: str, request: Request) -> IdempotencyRecord | StoredAnswer:
    """Claim the key for this request, or return the answer already given for it."""
    if not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH or not idempotency_key.isprintable():
        raise ValidationFailed("The Idempotency-Key header is not valid.",
                               [field_error("Idempotency-Key", f"1 to {MAX_KEY_LENGTH} printable characters")])
    # The scope is in the sort key, so a key reused on another object claims a record of its own.
    sk = keys.idempotency_sk(key_id, _digest(request.method.encode(), request.path.encode(), idempotency_key.encode()))
    request_digest = _digest(request.method.encode(), request.path.encode(), request.query.encode(), request.body)
    now = utcnow()
    fresh = IdempotencyRecord(pk, sk, id=sk, created_at=iso(now), updated_at=iso(now),
                              request_digest=request_digest, state="in_progress", expires_at=now + KEEP)
    try:
        fresh.save()
        return fresh
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    existing = IdempotencyRecord.get(pk, sk, consistent_read=True)
    if existing.request_digest != request_digest:
        raise IdempotencyKeyReused("This Idempotency-Key was used with another request.")
    if existing.state == "done":
        return StoredAnswer(int(existing.response_status), existing.response_body)
    if utcnow() - datetime.fromisoformat(existing.updated_at) < timedelta(seconds=IN_PROGRESS_SECONDS):
        raise Conflict("A request with this Idempotency-Key is still in progress; retry later.")
    existing.updated_at = iso(utcnow())
    try:
        existing.save()  # version-checked: only one retry takes over an abandoned claim
    except PutError:
        raise Conflict("A request with this Idempotency-Key is still in progress; retry later.") from None
    return existing


def complete(record: IdempotencyRecord, status: int, body: str | None) -> None:
    record.state, record.response_status, record.response_body = "done", status, body
    record.updated_at = iso(utcnow())
    record.save()


def release(record: IdempotencyRecord) -> None:
    try:
        record.delete()
    except DeleteError:
        pass  # already taken over or expired: nothing of ours to release
