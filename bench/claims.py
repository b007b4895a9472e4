"""Claims: scrub throughput, 837 generation throughput, and the DynamoDB calls to submit a batch of N claims.

    .venv/bin/python bench/claims.py [--claims 2000] [--submit 10,100,1000]

Scrub: `scrub()` over professional and institutional factory claims (ICD-10-CM from the memory-mapped index),
without and with an NCCI PTP + MUE table of 50,000 synthetic edits loaded. 837: from stored claims (the JSON
a claim item keeps) to the bytes of one interchange, so decoding is counted. Submit: in-process against moto
(calls are what matter there, not moto's latency): N ready claims of one payer stored, then
`batches.submit`, counting every DynamoDB and S3 call the submission makes by operation.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.claims import codec  # noqa: E402
from chalicelib.claims.document import Batch  # noqa: E402
from chalicelib.claims.mue import load_mue  # noqa: E402
from chalicelib.claims.ncci import load_ptp  # noqa: E402
from chalicelib.claims.scrub import ScrubContext, scrub  # noqa: E402
from chalicelib.edi.claim_837 import write_837  # noqa: E402
from chalicelib.edi.writer import ControlNumbers  # noqa: E402
from tests.claims_factory import make_batch, make_document, make_institutional  # noqa: E402

TODAY = date(2026, 4, 1)


def documents(count: int) -> list:
    made = []
    for n in range(count):
        maker = make_institutional if n % 4 == 3 else make_document
        made.append(maker(patient_control_number=f"{n + 1:09d}"))
    return made


def synthetic_tables(rows: int):
    ptp = ["Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
           "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale"]
    ptp += [f"{10000 + n // 10:05d}\t{20000 + n:05d}\t\t20240101\t*\t1\tMisuse of column two code"
            for n in range(rows)]
    ptp.append("99213\t82962\t\t20240101\t*\t1\tStandards of medical / surgical practice")
    mue = ["HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\tMUE Rationale"]
    mue += [f"{30000 + n:05d}\t2\t2 Date of Service Edit: Policy\tClinical: Data" for n in range(rows)]
    mue.append("82962\t2\t2 Date of Service Edit: Policy\tClinical: Data")
    return load_ptp(ptp), load_mue(mue)


def per_second(work, count: int, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return count / statistics.median(times)


def bench_scrub(count: int) -> None:
    docs = documents(count)
    ptp, mue = synthetic_tables(50_000)
    bare, loaded = ScrubContext(today=TODAY), ScrubContext(today=TODAY, ptp=ptp, mue=mue)
    for label, context in (("no NCCI tables", bare), ("PTP + MUE, 50,000 edits each", loaded)):
        rate = per_second(lambda: [scrub(d, context) for d in docs], count)
        print(f"  scrub, {label:<32} {rate:9,.0f} claims/s   (median of 5 runs over {count} claims)")


def bench_837(count: int) -> None:
    stored = [codec.dumps(d) for d in documents(count)]
    professional = [s for s in stored if '"claim_type":"professional"' in s]
    created = datetime(2026, 4, 1, 12, tzinfo=timezone.utc)

    def write() -> int:
        docs = tuple(codec.loads(s) for s in professional)
        batch = dataclasses.replace(make_batch(), documents=docs)
        return len(write_837(batch, ControlNumbers(1, 1, 1), usage="T", created=created))

    size = write()
    rate = per_second(write, len(professional))
    print(f"  837P from stored claims to bytes   {rate:9,.0f} claims/s   ({len(professional)} claims, "
          f"{size / 1024:,.0f} KiB file)")


def bench_submit(sizes: list[int]) -> None:
    from bench.claims_submit import submit_calls

    for size in sizes:
        calls, seconds = submit_calls(size)
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(f"  submit {size:>5} claims: {sum(calls.values()):>4} calls ({detail}); {seconds:.2f} s on moto")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--submit", default="10,100,1000")
    args = parser.parse_args()
    print(f"claims (Python {sys.version.split()[0]})")
    bench_scrub(args.claims)
    bench_837(args.claims)
    bench_submit([int(n) for n in args.submit.split(",")])


if __name__ == "__main__":
    main()
