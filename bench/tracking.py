"""Claim tracking: 999 and 277CA ingest throughput, and the follow-up job's AWS calls among many stored claims.

    .venv/bin/python bench/tracking.py [--ingest 1000] [--refused batch,alone,provider] [--stored 10000,100000]
                                       [--due 100,1000]

In-process against moto (bench/tracking_world.py), every AWS call counted by operation.

Ingest: N ready claims of one practice stored with their ClaimNumber pointers, submitted by the real
`batches.submit` (one ClaimBatch, its BatchNumber pointer, the claims moved to `submitted`, the 837 put in the
moto outbox), answered by `sandbox_mailbox.answer`, then `inbox.ingest` of the 999 and of the 277CA, each timed
and counted. Claim numbers skip the endings the sandbox's 277CA rejects (8, 9) except one claim in 100, which
ends in 9, so 1% are rejected and get a biller's task, the path a real file takes for its rejections.

Refused: the same N claims submitted and their 999 ingested, then a 277CA that rejects above the claims, timed and
counted: `batch` refuses the whole batch at 2200B (A3:24:41) listing every claim as received only (A1:19), as the
sandbox does for a $777.77 claim; `alone` is the receiver level with no claim listed (tests/fixtures/x12/
277ca-batch-rejected-alone.x12), as real feeds send "unknown submitter"; `provider` refuses the billing provider at
2200C (A3:25:85), every claim listed as received. Each rejected claim gets its task, as a claim-level rejection.

Follow-up: S claims of one practice stored, each with a follow-up date in gsi3. D of them (a cohort per D, each
due on its own day) are submitted claims with no 999 yet, due for a status inquiry; the rest are accepted claims
due for payment after the last day measured. For each D, `follow_up.work` of that day's message is timed and
counted; the sandbox status payer answers each 276 in-process.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_world import Calls, Tenant, document_json, claim_item, counting, save_claims, world  # noqa: E402

ANSWERED = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
FIRST_DAY = date(2026, 11, 20)  # the follow-up job's day for the first cohort; the next cohort's is a day later


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_numbers(count: int) -> list[str]:
    """Unique 9-digit claim numbers ending in 0 to 7 (accepted by the sandbox), and in 9 for one claim in 100."""
    numbers = []
    for n in range(count):
        last = 9 if n % 100 == 99 else n % 8
        numbers.append(f"{(n // 8) * 10 + last + 10:09d}")
    return numbers


def _submit(tenant: Tenant, count: int) -> tuple[str, str]:
    """Store `count` ready claims and submit them all; the 837's outbox key and text."""
    import boto3

    from chalicelib.core.auth import PracticeScope, Principal
    from chalicelib.core.ids import new_id
    from chalicelib.core.settings import get_settings
    from chalicelib.submission.models import BatchCreate
    from chalicelib.submission.service import submit

    document, at = document_json(), "2026-11-20T15:00:00.000Z"
    save_claims(tenant, (claim_item(tenant, pcn, document, at, None) for pcn in ingest_numbers(count)),
                pointers=True)
    scope = PracticeScope(tenant.practice_id, Principal(new_id(), tenant.firm_id, "biller", None))
    [batch] = submit(scope, BatchCreate(all_ready=True)).batches
    assert batch.claim_count == count, batch
    body = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch.file_key)["Body"].read()
    return batch.file_key, body.decode()


def _outcomes(tenant: Tenant) -> Counter:
    from chalicelib.claims.items import ClaimItem
    from chalicelib.db import keys

    return Counter(c.status for c in ClaimItem.query(keys.practice_pk(tenant.practice_id),
                                                     ClaimItem.sk.startswith("CLAIM#")) if isinstance(c, ClaimItem))


def bench_ingest(count: int) -> None:
    from chalicelib.clearinghouse import sandbox_mailbox
    from chalicelib.tracking.inbox import decode, ingest

    with world() as tenant:
        outbox_key, text_837 = _submit(tenant, count)
        files = sandbox_mailbox.answer(outbox_key, text_837, ANSWERED)
        assert len(files) == 2, "the 999 rejected a set: no 277CA"
        for key, text in sorted(files.items()):  # the 999 first, as the clearinghouse sends them
            with counting() as calls:
                start = time.perf_counter()
                record = ingest(key, text.encode(), outbox=lambda k: decode(text_837.encode()))
                seconds = time.perf_counter() - start
            assert record is not None and record.status == "processed" and record.claim_count == count, record
            kind = record.file_kind
            print(f"  ingest {kind:<5} ({len(text):,} bytes), {count} claims: {count / seconds:7,.0f} claims/s "
                  f"({seconds:.2f} s, {calls.seconds:.2f} s of it in AWS calls); {calls.total()} calls "
                  f"({calls.detail()})")
            print(f"      ms a call on moto: {calls.timing()}")
        print(f"  claims after both files: {dict(_outcomes(tenant))}; peak RSS {peak_mib():,.0f} MiB")


def refusal_277ca(level: str, text_837: str, batch_id: str) -> str:
    """A 277CA answering the 837 that rejects above the claims (see the module's docstring)."""
    from chalicelib.edi.acks.ack_277ca import Decision, Status, build_277ca
    from chalicelib.edi.acks.build_277ca import RECEIVED
    from chalicelib.edi.claim.reader import read_837
    from chalicelib.edi.x12.writer import ControlNumbers
    from tests.x12_fixtures import x12_fixture

    if level == "alone":
        return x12_fixture("277ca-batch-rejected-alone.x12", BATCH=batch_id)
    claims = read_837(text_837)
    levels = {"receiver": (Status("A3", "24", "41"),)} if level == "batch" else \
        {"providers": {claims[0].billing_npi: (Status("A3", "25", "85"),)}}
    return build_277ca(text_837, decisions={c.patient_control_number: Decision((RECEIVED,)) for c in claims},
                       controls=ControlNumbers(9, 9, 1), created=ANSWERED, usage="T", **levels)  # type: ignore[arg-type]


def bench_refused(count: int, level: str) -> None:
    from chalicelib.clearinghouse import sandbox_mailbox
    from chalicelib.tracking.inbox import ingest

    with world() as tenant:
        outbox_key, text_837 = _submit(tenant, count)
        [(key_999, text_999)] = [(k, t) for k, t in sandbox_mailbox.answer(outbox_key, text_837, ANSWERED).items()
                                 if k.endswith(".999")]
        assert ingest(key_999, text_999.encode()) is not None
        batch_id = outbox_key.rsplit("/", 1)[-1].removesuffix(".837")
        text = refusal_277ca(level, text_837, batch_id)
        with counting() as calls:
            start = time.perf_counter()
            record = ingest(key_999.replace(".999", f".{level}.277ca"), text.encode())
            seconds = time.perf_counter() - start
        assert record is not None and record.claim_count == count, record
        outcomes = _outcomes(tenant)
        assert outcomes == {"rejected": count}, outcomes
        print(f"  refused ({level:<8}, {len(text):,} bytes), {count} claims rejected: {count / seconds:7,.0f} claims/s "
              f"({seconds:.2f} s, {calls.seconds:.2f} s of it in AWS calls); {calls.total()} calls ({calls.detail()})")


def follow_up_claims(tenant: Tenant, stored: int, dues: list[int]) -> Iterator[Any]:
    """The due cohorts (submitted, no 999, due on FIRST_DAY + k), then accepted claims due after them all."""
    document, number = document_json(), 0
    for k, due in enumerate(dues):
        submitted = datetime.combine(FIRST_DAY + timedelta(days=k - 2), datetime.min.time()).isoformat() + ".000Z"
        for _ in range(due):
            number += 1
            yield claim_item(tenant, f"{number:09d}", document, submitted,
                             {"status": "submitted", "batch_id": "BENCHBATCH", "submitted_at": submitted}, "submitted")
    later = FIRST_DAY + timedelta(days=len(dues))  # the first day no cohort is run on
    while number < stored:
        number += 1
        accepted = (later + timedelta(days=number % 28 - 30)).isoformat() + "T15:00:00.000Z"
        yield claim_item(tenant, f"{number:09d}", document, accepted,
                         {"status": "accepted", "batch_id": "BENCHBATCH", "submitted_at": accepted,
                          "acknowledged_at": accepted, "accepted_at": accepted,
                          "payer_claim_control_number": f"SBX{number:09d}"}, "accepted")


def kept_documents(tenant: Tenant) -> Counter:
    """The 276s and 277s kept in the EDI bucket for the practice's status inquiries, by kind."""
    import boto3

    from chalicelib.core.settings import get_settings

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(
        Bucket=get_settings().edi_bucket, Prefix=f"claim-status/{tenant.practice_id}/")
    return Counter(item["Key"].rsplit("/", 1)[-1] for page in pages for item in page.get("Contents", []))


def _report(stored: int, due: int, seconds: float, cpu: float, calls: Calls, messages: int) -> None:
    table, s3 = calls.of("dynamodb"), calls.of("s3")
    print(f"  stored {stored:>7,}, due {due:>5,}: {seconds:6.2f} s wall ({seconds / due * 1000:5.1f} ms a claim), "
          f"{cpu:6.2f} s CPU, {calls.seconds:.2f} s inside AWS calls (summed over threads)")
    print(f"      DynamoDB {calls.total('dynamodb'):,} calls ({calls.total('dynamodb') / due:.2f} a claim: "
          + ", ".join(f"{op} {n:,}" for op, n in table.items()) + f"); S3 {calls.total('s3'):,} "
          f"({', '.join(f'{op} {n:,}' for op, n in s3.items())}); {messages} job message(s)")
    print(f"      ms a call on moto: {calls.timing()}")


def bench_follow_up(stored: int, dues: list[int]) -> None:
    from chalicelib.jobs import follow_up

    with world() as tenant:
        start = time.perf_counter()
        saved = save_claims(tenant, follow_up_claims(tenant, stored, dues), pointers=False)
        print(f"  stored {saved:,} claims ({', '.join(f'{d:,}' for d in dues)} of them due, a cohort a day) "
              f"in {time.perf_counter() - start:.0f} s")
        for k, due in enumerate(dues):
            message = {"job": follow_up.JOB, "practice_id": tenant.practice_id, "firm_id": tenant.firm_id,
                       "day": (FIRST_DAY + timedelta(days=k)).isoformat()}
            before = kept_documents(tenant)
            with counting() as calls:
                start, cpu = time.perf_counter(), time.process_time()
                acted, queue, messages = 0, [message], 0  # MAX_CLAIMS_PER_MESSAGE, then a continuation the rest
                while queue:
                    messages += 1
                    acted += follow_up.work(queue.pop(0), f"bench-{k}", send_all=queue.extend)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            kept = kept_documents(tenant) - before
            # The work was done, not only counted: every due claim acted on, its 276 and 277 kept.
            assert acted == due and kept == Counter({"276.x12": due, "277.x12": due}), (acted, due, kept)
            _report(stored, due, seconds, cpu, calls, messages)
        print(f"  peak RSS {peak_mib():,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest", type=int, default=1000, help="claims in the 837 the 999 and 277CA answer")
    parser.add_argument("--refused", default="batch,alone,provider",
                        help="277CAs rejecting above the claims, one world each: batch, alone, provider")
    parser.add_argument("--stored", default="10000,100000", help="claims stored, one world each")
    parser.add_argument("--due", default="100,1000", help="claims due, a cohort each, among the stored")
    args = parser.parse_args()
    dues = [int(n) for n in args.due.split(",")]
    print(f"claim tracking (Python {sys.version.split()[0]}, in-process on moto)")
    if args.ingest:
        bench_ingest(args.ingest)
        for level in (n for n in args.refused.split(",") if n):
            bench_refused(args.ingest, level)
    for stored in (int(n) for n in args.stored.split(",") if n):
        bench_follow_up(stored, dues)


if __name__ == "__main__":
    main()
