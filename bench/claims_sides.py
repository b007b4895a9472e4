"""What each side of the claims comparisons (bench/claims.py, bench/claims_submit.py) runs, inside a bench/ab.py
worker, where `chalicelib` is that side's version of the project (this checkout, or an older commit's files). It
imports the project only inside its functions, and only what every version has, or asks first.

837: a side holds the stored claims in the form its version stores them: "document", the claim's JSON (every
version stores it; a version with segments writes a claim stored before them from it), or "segments", the 837
segments a version stores beside the document when it judges a claim (claims/codec.py).

Submission: a side stores N ready claims as its version stores a judged claim, then times one submission of
them against the AWS its environment names, counting every call.
"""
from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

CREATED = datetime(2026, 4, 1, 12, tzinfo=timezone.utc)
_held: dict[str, Any] = {}


def _first(*names: str) -> Any:
    """The first of these modules that the side's version has: a module moved between versions (newest name
    first), so every version is asked the same thing from wherever it keeps it."""
    import importlib

    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if not name.startswith(str(missing.name)):
                raise  # the module exists and something it imports does not: not a move
    raise ModuleNotFoundError(f"none of {names}")


def hold(path: str, form: str) -> int:
    """Read the stored claims (one document JSON a line) into memory, in `form`; how many there are."""
    from chalicelib.claims import codec

    texts = Path(path).read_text().splitlines()
    if form == "segments":
        stored = [codec.stored(codec.loads(text)) for text in texts]  # type: ignore[attr-defined]
        assert all(s["segments"] for s in stored), "a corpus claim was stored without its segments"
        _held["claims"] = [(s["document"], s["segments"]) for s in stored]
    else:
        _held["claims"] = [(text, None) for text in texts]
    _held["form"] = form
    return len(texts)


def write_837(passes: int) -> dict[str, Any]:
    """The held claims to the bytes of one 837P, `passes` times, decoding included (a submission reads claims
    from their stored form): CPU and wall seconds of all passes, and what the last pass wrote."""
    from chalicelib.claims import codec

    document = _first("chalicelib.edi.claim.document", "chalicelib.edi.claim.document")
    Batch, Party = document.Batch, document.Party
    write_837 = _first("chalicelib.edi.claim.writer", "chalicelib.edi.claim_837").write_837
    ControlNumbers = _first("chalicelib.edi.x12.writer", "chalicelib.edi.writer").ControlNumbers

    stored, form = _held["claims"], _held["form"]
    parties = (Party("Revcycle Billing", "REVCYCLE01", "Billing Office", "2175550100"),
               Party("Sandbox Clearinghouse", "SANDBOXCH"))

    def once() -> str:
        if form == "segments":
            claims = tuple(codec.claim_837(document, segments) for document, segments in stored)  # type: ignore
        else:
            claims = tuple(codec.loads(document) for document, _ in stored)
        return write_837(Batch("professional", *parties, claims, "B0001"), ControlNumbers(1, 1, 1), usage="T",
                         created=CREATED)

    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(passes):
        text = once()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu": cpu, "wall": wall, "claims": len(stored) * passes, "clm": text.count("~CLM*"),
            "bytes": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def write_file(path: str, claim_type: str, claims_per_transaction: int) -> str:
    """The 837 of the stored claims, as the tests write one (tests/claims_factory.write: fixed control numbers,
    parties and time), for tests/fixtures/837/."""
    from chalicelib.claims import codec
    from tests.claims_factory import write

    documents = [codec.loads(text) for text in Path(path).read_text().splitlines()]
    return write(documents, claim_type, claims_per_transaction=claims_per_transaction)


class Calls(Counter):
    """AWS calls by service and operation, the seconds spent in them (calls in flight together each counted),
    the most that were in flight at once, and when each was sent and answered."""

    most_at_once = 0

    def __init__(self) -> None:
        super().__init__()
        self.seconds: Counter = Counter()
        self.spans: list[tuple[float, float]] = []

    def in_sequence(self) -> int:
        """Round trips one after another: the longest chain of calls each sent after the one before it was
        answered. Calls in flight together count once, as their latencies overlap; this is what a network
        far slower than loopback multiplies."""
        chain: list[tuple[float, int]] = []  # (answered at, longest chain ending with that call)
        for sent, answered in sorted(self.spans, key=lambda span: span[1]):
            chain.append((answered, 1 + max((n for end, n in chain if end <= sent), default=0)))
        return max((n for _, n in chain), default=0)


@contextmanager
def counting() -> Iterator[Calls]:
    """Every AWS call any client makes meanwhile, from any thread, counted on botocore's one call path (so
    PynamoDB's clients and boto3's are counted alike)."""
    from botocore.client import BaseClient

    calls, lock, now = Calls(), threading.Lock(), [0]
    original = BaseClient._make_api_call

    def counted(self, operation_name, api_params):  # type: ignore[no-untyped-def]
        with lock:
            calls[f"{self.meta.service_model.service_name}:{operation_name}"] += 1
            now[0] += 1
            calls.most_at_once = max(calls.most_at_once, now[0])
        start = time.perf_counter()
        try:
            return original(self, operation_name, api_params)
        finally:
            with lock:
                now[0] -= 1
                calls.seconds[operation_name] += time.perf_counter() - start
                calls.spans.append((start, time.perf_counter()))

    BaseClient._make_api_call = counted
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original


def provision() -> None:
    from chalicelib.core.settings import get_settings
    from infra.provision import provision as create

    create(get_settings(), {"root_key": "bench-root", "signing_key": "bench-signing"})


def store_ready_claims(practice_id: str, count: int) -> list[str]:
    """`count` ready claims of one payer, stored as this version stores a judged claim (with its 837 segments
    where the version keeps them)."""
    from chalicelib.claims import codec, lifecycle
    from chalicelib.claims.items import ClaimItem
    from chalicelib.core.ids import new_id
    from chalicelib.db import keys
    from tests.claims_factory import make_document

    stored = getattr(codec, "stored", lambda document: {"document": codec.dumps(document)})
    ids = []
    with ClaimItem.batch_write() as writer:
        for n in range(count):
            claim_id, pcn = new_id(), f"{n + 1:09d}"
            document = make_document(patient_control_number=pcn, claim_id=claim_id)
            item = ClaimItem(keys.practice_pk(practice_id), keys.claim_sk(claim_id), id=claim_id, created_at="",
                             practice_id=practice_id, visit_id=new_id(), patient_id=new_id(), coverage_id=new_id(),
                             payer_ref="PAYER1", claim_type="professional", frequency_code="1",
                             patient_control_number=pcn, findings="[]", error_count=0, warning_count=0,
                             total_charge_cents=document.claim.total_charge_cents, service_from="2026-03-10",
                             service_to="2026-03-10", fingerprint=f"fp{n}", event_count=0, status="draft",
                             **stored(document))
            lifecycle.stage(item, {"status": "ready"}, "built", "bench")
            item.version = 1
            writer.save(item)
            ids.append(claim_id)
    return ids


def submit(count: int) -> dict[str, Any]:
    """A new firm and practice with `count` ready claims, then one `batches.submit` of them, timed (wall and
    CPU) and counted. Stops unless every claim was moved to `submitted` in the batch and written in its 837."""
    import boto3

    from chalicelib.claims.items import ClaimItem
    from chalicelib.core.auth import PracticeScope, Principal
    from chalicelib.core.ids import new_id
    from chalicelib.core.settings import get_settings
    from chalicelib.db import keys
    from chalicelib.db.models import Firm

    batches = _first("chalicelib.submission.service", "chalicelib.submission.service")
    BatchCreate = _first("chalicelib.submission.models", "chalicelib.claims.models").BatchCreate

    firm_id, practice_id = new_id(), new_id()
    Firm(keys.firm_pk(firm_id), keys.FIRM_SK, id=firm_id, created_at="x", updated_at="x", name="Bench").save()
    ids = store_ready_claims(practice_id, count)
    scope = PracticeScope(practice_id, Principal(new_id(), firm_id, "biller", None))
    gc.collect()
    with counting() as calls:
        cpu, wall = time.process_time(), time.perf_counter()
        answer = batches.submit(scope, BatchCreate(claim_ids=ids))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    [batch] = answer.batches
    assert answer.claim_count == count and batch.status == "sent", answer
    pk = keys.practice_pk(practice_id)
    moved = [c for c in ClaimItem.batch_get([(pk, keys.claim_sk(i)) for i in ids]) if isinstance(c, ClaimItem)]
    assert len(moved) == count and {(c.status, c.batch_id) for c in moved} == {("submitted", batch.id)}
    text = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch.file_key)["Body"].read()
    assert text.decode().count("~CLM*") == count, "the 837 does not hold every claim"
    return {"wall": wall, "cpu": cpu, "calls": dict(calls), "most_at_once": calls.most_at_once,
            "in_sequence": calls.in_sequence(), "seconds": dict(calls.seconds)}
