"""Claims: scrub throughput, 837 generation throughput, and the DynamoDB calls to submit a batch of N claims.

    .venv/bin/python bench/claims.py [--claims 2000] [--writer-claims 1500 --rounds 9 --passes 3]
                                     [--before 234f86e [--before-form segments]] [--submit 10,100,1000]
    .venv/bin/python bench/claims.py --save-837 tests/fixtures/837 [--before 234f86e]

Scrub: `scrub()` over professional and institutional factory claims (ICD-10-CM from the memory-mapped index),
without and with an NCCI PTP + MUE table of 50,000 synthetic edits loaded.

837: stored claims to the bytes of one 837P, decoding counted, this checkout against the writer of `--before`
(its files from `git archive`), side by side in one run (bench/ab.py: a worker process per side, the sides'
order turned around every round). The claims are a varied corpus (tests/claims_corpus.py), stored as every
version stores them; this checkout also writes them from the segments it stores when it judges a claim. Each
round each side writes the whole file `--passes` times; the figure is claims per CPU second. Every side must
write the very same bytes every round, or the bench stops. `--save-837` writes the corpus files of the tests
(tests/unit/edi/test_claim_837_corpus.py) with the `--before` writer instead.

Submit: in-process against moto (calls are what matter there, not moto's latency; moto rolls a transaction back
item by item, tests/moto_rollback.py): N ready claims of one payer stored, then `batches.submit`, counting every
DynamoDB and S3 call the submission makes by operation. bench/claims_submit.py times submissions against
DynamoDB Local, before and now.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ab import HERE, Sides, remove, tree  # noqa: E402
from chalicelib.claims import codec  # noqa: E402
from chalicelib.scrubbing.mue import load_mue  # noqa: E402
from chalicelib.scrubbing.ncci import load_ptp  # noqa: E402
from chalicelib.scrubbing.scrub import ScrubContext, scrub  # noqa: E402
from tests.claims_corpus import corpus  # noqa: E402
from tests.claims_factory import make_document, make_institutional  # noqa: E402

TODAY = date(2026, 4, 1)
BEFORE = "234f86e"  # main before issue 11: the writer that checked every value and decoded every document
SIDES_MODULE = HERE / "bench" / "claims_sides.py"
FIXTURES = {"professional": (150, 40), "institutional": (60, 20)}  # claims, claims per transaction set


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


def bench_837(count: int, rounds: int, passes: int, before: str, before_form: str = "document") -> None:
    stored = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False)
    stored.write("\n".join(codec.dumps(d) for d in corpus(count, "professional")))
    stored.close()
    old = tree(before)
    # `before_form` "segments" holds the before side's claims as a version with stored segments does (af737c0 on):
    # the comparison of what a submission of judged claims costs on each side.
    held = "stored segments" if before_form == "segments" else "documents"
    sides = {f"before ({before}): {held}": (old, before_form), "now: stored segments": (HERE, "segments"),
             "now: claims stored before segments": (HERE, "document")}
    try:
        with Sides({label: root for label, (root, _) in sides.items()}, SIDES_MODULE) as running:
            for label, (_, form) in sides.items():
                assert running.ask(label, "hold", path=stored.name, form=form) == count
            results: dict[str, list[dict]] = {label: [] for label in sides}
            for ask in running.rounds(rounds):
                for label, result in ask("write_837", passes=passes).items():
                    results[label].append(result)
    finally:
        remove(old)
        Path(stored.name).unlink()
    _report_837(results, count, rounds, passes)


def _report_837(results: dict[str, list[dict]], count: int, rounds: int, passes: int) -> None:
    """Claims per CPU second of each side (median, lowest and highest round), and each side against the first
    round by round. Stops unless every side wrote every claim and the same bytes in every round."""
    written = {r["sha256"] for side in results.values() for r in side}
    assert len(written) == 1, f"the sides wrote different 837s: {written}"
    assert all(r["clm"] == count for side in results.values() for r in side), "a side left claims out"
    first = next(iter(results))
    sample = results[first][0]
    print(f"  837P from stored claims to bytes: {count} varied claims a file ({sample['bytes'] / 1024:,.0f} KiB), "
          f"{rounds} rounds of {passes} passes, the same bytes on every side")
    for label, side in results.items():
        rates = [r["claims"] / r["cpu"] for r in side]
        ratios = [r["cpu"] / mine["cpu"] for r, mine in zip(results[first], side)]
        walls = [r["claims"] / r["wall"] for r in side]
        print(f"    {label:<38} {statistics.median(rates):9,.0f} claims/CPU s ({min(rates):,.0f} to "
              f"{max(rates):,.0f}); wall {statistics.median(walls):,.0f}/s; "
              f"claims/CPU s x{statistics.median(ratios):.2f} the first's (x{min(ratios):.2f} to x{max(ratios):.2f})")


def save_837(folder: Path, before: str) -> None:
    """The corpus files the tests compare with, as the writer of `before` wrote them."""
    old = tree(before)
    try:
        with Sides({"before": old}, SIDES_MODULE) as running:
            for claim_type, (count, per_transaction) in FIXTURES.items():
                stored = folder / f"{claim_type}.jsonl"
                stored.write_text("\n".join(codec.dumps(d) for d in corpus(count, claim_type)))
                try:
                    text = running.ask("before", "write_file", path=str(stored), claim_type=claim_type,
                                       claims_per_transaction=per_transaction)
                finally:
                    stored.unlink()
                (folder / f"{claim_type}.x12").write_text(text)
                print(f"  {folder / f'{claim_type}.x12'}: {count} claims, {len(text):,} bytes, by {before}")
    finally:
        remove(old)


def bench_submit(sizes: list[int]) -> None:
    from bench.claims_submit import submit_calls

    for size in sizes:
        calls, seconds = submit_calls(size)
        detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
        print(f"  submit {size:>5} claims: {sum(calls.values()):>4} calls ({detail}), {calls.in_sequence()} round "
              f"trips one after another; {seconds:.2f} s on moto")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000, help="claims scrubbed")
    parser.add_argument("--writer-claims", type=int, default=1500, help="claims in the 837 written")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--passes", type=int, default=3, help="837s each side writes a round")
    parser.add_argument("--before", default=BEFORE, help="the commit whose writer is the other side")
    parser.add_argument("--before-form", choices=["document", "segments"], default="document",
                        help="how the before side holds its claims (segments: a version that stores them)")
    parser.add_argument("--submit", default="10,100,1000", help="claims a submission counted on moto ('' for none)")
    parser.add_argument("--save-837", type=Path, help="write the tests' corpus files with --before, and stop")
    args = parser.parse_args()
    if args.save_837:
        save_837(args.save_837.resolve(), args.before)
        return
    print(f"claims (Python {sys.version.split()[0]})")
    bench_scrub(args.claims)
    bench_837(args.writer_claims, args.rounds, args.passes, args.before, args.before_form)
    bench_submit([int(n) for n in args.submit.split(",") if n])


if __name__ == "__main__":
    main()
