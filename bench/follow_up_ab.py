"""The daily follow-up of one commit beside this checkout's, side by side in one run, round by round.

    .venv/bin/python bench/follow_up_ab.py [--before 234f86e] [--due 100] [--stored 2000] [--rounds 5]
                                           [--status-ms 500] [--dynamodb-ms 5] [--s3-ms 25]

Each side is a worker process (bench/ab.py) with its own copy of the project first on `sys.path`: this checkout (`after`)
and the files of commit `--before` from `git archive` (`before`). What is measured (the world, the claims, the
run and its checks) is this file's code, run by both workers, so both sides are asked the very same thing and
only the project's code differs. Each round asks each side for one fresh measurement, the order turned around
every other round (before, after; after, before; ...), so load that drifts during the run (the machine is
shared) lands on both sides alike; the after/before ratios are taken within each round, then their median.
Before the rounds each side does one small untimed run, so no round pays its first import of the job's modules.

A measurement: a fresh moto world (bench/tracking_world.py of the side) with `--stored` claims of one practice,
`--due` of them submitted claims with no 999 due on the day, the others accepted and due later; then the
day's `follow_up.work`, following its continuation messages, timed (wall and CPU of the process, moto's
included) with every AWS call counted (tests/aws_calls.py of this checkout, loaded into both sides).

Round trips: moto answers in-process, so each AWS call is made to wait `--dynamodb-ms` or `--s3-ms` inside the
call, as the network would make it wait, and the sandbox status payer `--status-ms` before each 277 (a
real-time 276 takes seconds in production). They are stated stand-ins, not AWS's or a clearinghouse's figures;
with all three at 0 the run compares the code's and moto's CPU alone.

A side fails loudly rather than report a number for work it did not do: every due claim acted on, one 276 sent
per claim, its 276 and 277 kept in the bucket, and no inquiry left `sending`; and its calls must be the same in
every round.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 20)  # the job's day; the due claims were submitted two days before


# --- in a worker: one measurement ----------------------------------------------------------------------------

def _aws_calls() -> Any:
    """This checkout's call counter, whichever side runs it."""
    if "ab_aws_calls" not in sys.modules:
        spec = importlib.util.spec_from_file_location("ab_aws_calls", HERE / "tests" / "aws_calls.py")
        assert spec and spec.loader
        sys.modules["ab_aws_calls"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["ab_aws_calls"])
    return sys.modules["ab_aws_calls"]


class SlowPayer:
    """The sandbox status payer, answering after a real-time round trip; counts the 276s it is sent."""

    def __init__(self, real: Any, seconds: float) -> None:
        self.real, self.seconds, self.sent = real, seconds, 0

    def inquire(self, text: str) -> str:
        self.sent += 1  # a lost count under threads would fail the check below, never flatter it
        time.sleep(self.seconds)
        return self.real.inquire(text)


def _claims(tenant: Any, stored: int, due: int) -> Iterator[Any]:
    from bench.tracking_world import claim_item, document_json

    document = document_json()
    submitted = datetime.combine(DAY - timedelta(days=2), datetime.min.time()).isoformat() + ".000Z"
    for number in range(1, stored + 1):
        if number <= due:
            yield claim_item(tenant, f"{number:09d}", document, submitted,
                             {"status": "submitted", "batch_id": "ABBATCH", "submitted_at": submitted}, "submitted")
            continue
        accepted = (DAY + timedelta(days=number % 28 - 29)).isoformat() + "T15:00:00.000Z"  # due after DAY
        yield claim_item(tenant, f"{number:09d}", document, accepted,
                         {"status": "accepted", "batch_id": "ABBATCH", "submitted_at": accepted,
                          "acknowledged_at": accepted, "accepted_at": accepted,
                          "payer_claim_control_number": f"SBX{number:09d}"}, "accepted")


def _checked(tenant: Any, due: int, acted: int, payer: SlowPayer) -> None:
    import boto3

    from chalicelib.claims.items import StatusInquiry
    from chalicelib.core.settings import get_settings
    from chalicelib.db import keys

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(
        Bucket=get_settings().edi_bucket, Prefix=f"claim-status/{tenant.practice_id}/")
    kept = Counter(item["Key"].rsplit("/", 1)[-1] for page in pages for item in page.get("Contents", []))
    sending = list(StatusInquiry.gsi3.query(keys.recovery_pk("status_inquiry")))
    assert acted == due and payer.sent == due, (acted, payer.sent, due)
    assert kept == Counter({"276.x12": due, "277.x12": due}) and not sending, (kept, len(sending))


def measure(stored: int, due: int, status_ms: float, dynamodb_ms: float, s3_ms: float) -> dict[str, Any]:
    from bench.tracking_world import save_claims, world
    from chalicelib.clearinghouse import get_status_gateway
    from chalicelib.jobs import follow_up

    waits = {"dynamodb": dynamodb_ms / 1000, "s3": s3_ms / 1000}
    with world() as tenant:
        assert save_claims(tenant, _claims(tenant, stored, due), pointers=False) == stored
        payer = SlowPayer(get_status_gateway(), status_ms / 1000)
        message = {"job": follow_up.JOB, "practice_id": tenant.practice_id, "firm_id": tenant.firm_id,
                   "day": DAY.isoformat()}
        with _aws_calls().counting(lambda op: waits.get(op.split(":", 1)[0], 0.0)) as calls:
            wall, cpu = time.perf_counter(), time.process_time()
            acted, queue, messages = 0, [message], 0
            while queue:
                messages += 1
                acted += follow_up.work(queue.pop(0), f"ab-{messages}", gateway=payer, send_all=queue.extend)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        _checked(tenant, due, acted, payer)
    return {"wall": wall, "cpu": cpu, "dynamodb": calls.of("dynamodb"), "s3": calls.of("s3"), "messages": messages,
            "sent": payer.sent}


def _spread(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    scaled = [v * unit for v in values]
    return f"{statistics.median(scaled):.{digits}f} ({min(scaled):.{digits}f}-{max(scaled):.{digits}f})"


def _report(args: argparse.Namespace, results: dict[str, list[dict[str, Any]]], loads: list[float]) -> None:
    print(f"follow-up, {args.due:,} due among {args.stored:,} stored; {args.rounds} rounds, sides interleaved; "
          f"round trips: 276 {args.status_ms:g} ms, DynamoDB {args.dynamodb_ms:g} ms, S3 {args.s3_ms:g} ms; "
          f"load average {loads[0]:.2f} at start, {loads[1]:.2f} at end (Python {sys.version.split()[0]})")
    print("| side | wall s, median (min-max) | CPU s, median (min-max) | DynamoDB calls | S3 calls | 276s sent |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, rounds in results.items():
        calls = {json.dumps([r["dynamodb"], r["s3"]], sort_keys=True) for r in rounds}
        assert len(calls) == 1, f"side {label} made different calls in different rounds: {calls}"
        first = rounds[0]
        table = ", ".join(f"{op} {n:,}" for op, n in first["dynamodb"].items())
        print(f"| {label} | {_spread([r['wall'] for r in rounds])} | {_spread([r['cpu'] for r in rounds])} | "
              f"{sum(first['dynamodb'].values()):,} ({table}) | {sum(first['s3'].values()):,} | {first['sent']:,} |")
    before, after = results["before"], results["after"]
    for name in ("wall", "cpu"):
        ratios = [a[name] / b[name] for a, b in zip(after, before)]
        print(f"after/before {name}, within each round: median {_spread(ratios)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="234f86e", help="the commit measured beside this checkout")
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--stored", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--status-ms", type=float, default=500.0, help="each 276's real-time round trip")
    parser.add_argument("--dynamodb-ms", type=float, default=5.0, help="each DynamoDB call's round trip")
    parser.add_argument("--s3-ms", type=float, default=25.0, help="each S3 call's round trip")
    args = parser.parse_args()
    assert args.stored >= args.due > 0
    sys.path.insert(0, str(HERE))  # in the parent only: a worker's project is its side's (bench/ab.py)
    from bench.ab import Sides, remove, tree

    old = tree(args.before)
    loads = [os.getloadavg()[0]]
    results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    try:
        with Sides({"before": old, "after": HERE}, Path(__file__), {"REVCYCLE_LOG_LEVEL": "WARNING"}) as sides:
            # untimed: no round pays a side's first import of the job's modules
            sides.everywhere("measure", stored=5, due=5, status_ms=0, dynamodb_ms=0, s3_ms=0)
            for number, ask_all in enumerate(sides.rounds(args.rounds), 1):
                for label, result in ask_all("measure", stored=args.stored, due=args.due, status_ms=args.status_ms,
                                             dynamodb_ms=args.dynamodb_ms, s3_ms=args.s3_ms).items():
                    results[label].append(result)
                    print(f"  round {number}, {label}: {result['wall']:.2f} s", file=sys.stderr)
    finally:
        remove(old)
    loads.append(os.getloadavg()[0])
    _report(args, results, loads)


if __name__ == "__main__":
    main()
