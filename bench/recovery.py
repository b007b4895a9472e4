"""The recovery sweep and tasks that close by themselves: what each costs in AWS calls.

    .venv/bin/python bench/recovery.py [--batches 10] [--claims 100] [--closing 1000]

In-process against moto (bench/tracking_world.py), every AWS call counted by operation.

Sweep: `--batches` claim batches of `--claims` ready claims each are submitted through the real
`batches.submit` with a mailbox that fails the 837's put (a crash between marking the claims and writing the
file), and as many status inquiries through `status_inquiry.send` with a mailbox that fails before the 276 is
kept (a crash before it went out). Then `jobs.recovery.sweep` runs twice: at once (nothing is past its grace:
the cost of every 5-minute run with nothing to do), and 16 minutes later (everything is due and finished).

Closing: `--closing` claims are submitted in one batch and acknowledged by the sandbox's 999; then every claim
gets a `no_277ca` task (`tasks.open_for_claim`, as the follow-up job opens it), and the sandbox's 277CA, which
accepts them, is ingested: each acceptance closes its claim's task. The same run without the tasks is the
baseline. Claim numbers end in 0 to 7, so the sandbox accepts every claim.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tracking_world import Tenant, claim_item, counting, document_json, save_claims, world  # noqa: E402

ANSWERED = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
AT = "2026-11-20T15:00:00.000Z"


class Crash(Exception):
    """The invocation stops here."""


def _scope(tenant: Tenant) -> Any:
    from chalicelib.core.auth import PracticeScope, Principal
    from chalicelib.core.ids import new_id

    return PracticeScope(tenant.practice_id, Principal(new_id(), tenant.firm_id, "biller", None))


def _mailbox(fail: str | None) -> Any:
    """The EDI bucket; a write to a key ending in `fail` raises before anything is written."""
    from chalicelib.clearinghouse.mailbox import S3Mailbox
    from chalicelib.core.settings import get_settings

    class Failing(S3Mailbox):
        def send(self, key: str, text: str) -> None:
            if fail and key.endswith(fail):
                raise Crash(key)
            super().send(key, text)

        def archive(self, key: str, text: str) -> None:
            if fail and key.endswith(fail):
                raise Crash(key)
            super().archive(key, text)

    return Failing(get_settings().edi_bucket)


def _ready(tenant: Tenant, count: int, first: int) -> None:
    """`count` ready claims numbered from `first`, ending in 0 to 7 (the sandbox's 277CA accepts them)."""
    numbers = (f"{(n // 8) * 10 + n % 8 + 10:09d}" for n in range(first, first + count))
    save_claims(tenant, (claim_item(tenant, pcn, document_json(), AT, None) for pcn in numbers), pointers=True)


def _stuck(tenant: Tenant, batches: int, claims: int) -> None:
    from chalicelib.claims.items import ClaimItem
    from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
    from chalicelib.db import keys
    from chalicelib.submission import service as submission
    from chalicelib.submission.models import BatchCreate
    from chalicelib.tracking import status_inquiry

    for n in range(batches):
        _ready(tenant, claims, n * claims)
        try:
            submission.submit(_scope(tenant), BatchCreate(all_ready=True), mailbox=_mailbox(".837"))
        except Crash:
            pass
    submitted = ClaimItem.query(keys.practice_pk(tenant.practice_id), ClaimItem.sk.startswith("CLAIM#"), limit=batches)
    for claim in submitted:
        try:
            status_inquiry.send(claim, f"BENCH{claim.id}", "bench", gateway=SandboxStatusPayer(),
                                mailbox=_mailbox("276.x12"))
        except Crash:
            pass


def bench_sweep(batches: int, claims: int) -> None:
    from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
    from chalicelib.core.clock import utcnow
    from chalicelib.jobs import recovery

    with world() as tenant:
        _stuck(tenant, batches, claims)
        for label, at in (("nothing past its grace", utcnow()), ("16 minutes later", utcnow() + timedelta(minutes=16))):
            with counting() as calls:
                start = time.perf_counter()
                finished = recovery.sweep(now=at, mailbox=_mailbox(None), gateway=SandboxStatusPayer())
                seconds = time.perf_counter() - start
            print(f"  sweep, {label}: finished {finished} in {seconds:.2f} s; {calls.total()} calls "
                  f"({calls.detail()})")


def _ingest(tenant: Tenant, count: int, with_tasks: bool) -> None:
    import boto3

    from chalicelib.claims.items import ClaimItem
    from chalicelib.clearinghouse import sandbox_mailbox
    from chalicelib.core.settings import get_settings
    from chalicelib.db import keys
    from chalicelib.submission import service as submission
    from chalicelib.submission.models import BatchCreate
    from chalicelib.tasks import service as tasks
    from chalicelib.tracking.inbox import ingest

    _ready(tenant, count, 0)
    [batch] = submission.submit(_scope(tenant), BatchCreate(all_ready=True)).batches
    text = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch.file_key)["Body"].read()
    [(key_999, text_999), (key_277ca, text_277ca)] = sorted(
        sandbox_mailbox.answer(batch.file_key, text.decode(), ANSWERED).items())
    ingest(key_999, text_999.encode())
    if with_tasks:
        for claim in ClaimItem.query(keys.practice_pk(tenant.practice_id), ClaimItem.sk.startswith("CLAIM#")):
            if isinstance(claim, ClaimItem):
                tasks.open_for_claim(claim, "no_277ca", title=f"Claim {claim.patient_control_number}: no 277CA",
                                     priority="normal", queue="billing", due_on="2026-11-25", actor="bench")
    with counting() as calls:
        start = time.perf_counter()
        record = ingest(key_277ca, text_277ca.encode())
        seconds = time.perf_counter() - start
    assert record is not None and record.claim_count == count, record
    label = "each naming an open no_277ca task" if with_tasks else "naming no task"
    print(f"  277CA accepting {count:,} claims {label}: {seconds:.2f} s; {calls.total()} calls ({calls.detail()})")


def bench_closing(count: int) -> None:
    for with_tasks in (False, True):
        with world() as tenant:
            _ingest(tenant, count, with_tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10, help="batches (and status inquiries) cut short")
    parser.add_argument("--claims", type=int, default=100, help="claims in each batch cut short")
    parser.add_argument("--closing", type=int, default=1000, help="claims the 277CA accepts")
    args = parser.parse_args()
    print(f"recovery and task closing (Python {sys.version.split()[0]}, in-process on moto)")
    bench_sweep(args.batches, args.claims)
    if args.closing:
        bench_closing(args.closing)


if __name__ == "__main__":
    main()
