"""835 read-and-match throughput: `read_835` on an in-memory 835 of 10,000 claims, then each claim matched to
our claim by CLP01 and each line to its 837 line by REF*6R, as the remittance ingest will.

The 835 is written by `build_835` (the sandbox payer's writer) from a seeded mix: paid claims with CO-45 and
PR-1/2/3, denials (CO-29, CO-50), partial payments (a denied line among paid ones), secondary payments (OA-23),
1 to 4 lines each with REF*6R and AMT*B6, and provider adjustments (L6 interest, WO recovery). Each round
times, in CPU time (`time.process_time`: the machine is shared), reading the whole file and matching every
claim and line; the figure is the median round, with the fastest and slowest. A round that does not match
every claim and every line, or finds the file out of balance, fails the run.

For scale, pyx12 (a test-only dependency) reads a slice of the same mix (`--pyx12-claims`, 500 by default) with
loop context (`X12ContextReader.iter_segments("2100")`, CLP01 and each 2110's REF*6R taken from the tree), in
the same rounds, interleaved with ours (ours, pyx12; pyx12, ours; ...). `--pyx12-claims 0` leaves it out.

    .venv/bin/python bench/remit_835.py [--claims 10000] [--rounds 7] [--pyx12-claims 500] [--seed 835]
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.edi.remittance.reader import read_835  # noqa: E402 (after the path is set)
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment  # noqa: E402
from chalicelib.edi.remittance.writer import (  # noqa: E402
    ClaimAnswer, LineAnswer, Patient, Payee, Payer, build_835,
)
from chalicelib.edi.x12 import ControlNumbers, Parties  # noqa: E402

_CODES = ("99213", "99214", "93000", "36415", "80053", "85025", "71046", "97110")
_NPI = "1234567893"
_FIRST_DAY = date(2026, 1, 5)  # dates inside the file only: nothing here ages with the calendar


def _line(rng: random.Random, claim_number: str, k: int, kind: str) -> tuple[LineAnswer, int]:
    charge = rng.randrange(40_00, 400_00)
    control = f"{claim_number}-{k}"
    procedure = Procedure("HC", rng.choice(_CODES), ("25",) if rng.random() < 0.2 else ())
    if kind == "denied":
        adjustments: tuple[Adjustment, ...] = (Adjustment("CO", rng.choice(("29", "50")), charge),)
    elif kind == "secondary":
        adjustments = (Adjustment("OA", "23", charge * 7 // 10), Adjustment("PR", "2", charge // 20))
    else:
        contractual = charge * rng.randrange(15, 40) // 100
        patient = rng.choice((("1", (charge - contractual) // 5), ("2", (charge - contractual) // 5),
                              ("3", min(25_00, charge - contractual))))
        adjustments = (Adjustment("CO", "45", contractual), Adjustment("PR", patient[0], patient[1]))
    paid = charge - sum(a.amount_cents for a in adjustments)
    allowed = None if kind == "denied" else charge - adjustments[0].amount_cents
    day = _FIRST_DAY + timedelta(days=rng.randrange(60))  # an 835 answers some weeks of visits
    return LineAnswer(procedure, charge, paid, day, control_number=control, adjustments=adjustments,
                      allowed_cents=allowed, remarks=("N130",) if kind == "denied" else ()), charge


def make_claims(count: int, seed: int) -> list[ClaimAnswer]:
    rng = random.Random(seed)
    claims = []
    for n in range(1, count + 1):
        number = f"{n:09d}"
        kind = rng.choices(("paid", "denied", "partial", "secondary"), (60, 15, 15, 10))[0]
        lines = []
        for k in range(1, rng.randint(1, 4) + 1):
            line_kind = "denied" if kind == "denied" or (kind == "partial" and k == 1) else kind
            lines.append(_line(rng, number, k, line_kind)[0])
        status = {"denied": "4", "secondary": "2"}.get(kind, "1")
        claims.append(ClaimAnswer(number, status, sum(x.charge_cents for x in lines), sum(x.paid_cents for x in lines),
                                  f"SBX{number}", Patient("PATIENT", "TEST", f"M{n:08d}"), lines=tuple(lines)))
    return claims


def make_835(claims: list[ClaimAnswer]) -> str:
    adjustments = [ProviderAdjustment(_NPI, date(2026, 12, 31), "L6", f"INT{n}", -(n * 137 % 5000)) for n in range(3)]
    adjustments += [ProviderAdjustment(_NPI, date(2026, 12, 31), "WO", f"OVP{n}", 1234 + n) for n in range(3)]
    return build_835(Payer("SANDBOX HEALTH PLAN", "123456789", ("1 MAIN ST", "ANYTOWN", "PA", "17111"), "8005551212"),
                     Payee("RIVERSIDE CLINIC", _NPI, "987654321"), claims, trace_number="SBXBENCH", paid_on=date(2026, 3, 9),
                     parties=Parties("ZZ", "SANDBOXPAYER", "ZZ", "REVCYCLE"), controls=ControlNumbers(1, 1, 1),
                     created=datetime(2026, 3, 9, 8, 0, tzinfo=timezone.utc), usage="T",
                     provider_adjustments=adjustments)


def ours(text: str, expected: dict[str, dict[str, int]]) -> tuple[float, int, int]:
    """CPU seconds to read and match, with the claims and lines matched."""
    start = time.process_time()
    claims = lines = 0
    for remittance in read_835(text):
        assert remittance.balanced, "the bench's 835 must balance"
        for claim in remittance.claims:
            ours_lines = expected[claim.patient_control_number]
            claims += 1
            for line in claim.lines:
                ours_lines[line.control_number]  # noqa: B018 (the match is the work: a KeyError fails the run)
                lines += 1
    return time.process_time() - start, claims, lines


def pyx12_read(text: str, expected: dict[str, dict[str, int]]) -> tuple[float, int, int]:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12context
    start = time.process_time()
    reader = pyx12.x12context.X12ContextReader(pyx12.params.params(), pyx12.error_handler.errh_null(),
                                               io.StringIO(text))
    claims = lines = 0
    for node in reader.iter_segments("2100"):
        if node.id != "2100":
            continue
        ours_lines = expected[node.get_value("CLP01")]
        claims += 1
        for line in node.select("2110"):
            ours_lines[line.get_value("REF[6R]02")]  # noqa: B018
            lines += 1
    return time.process_time() - start, claims, lines


def expected_of(claims: list[ClaimAnswer]) -> dict[str, dict[str, int]]:
    return {c.patient_control_number: {x.control_number: x.paid_cents for x in c.lines} for c in claims}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pyx12-claims", type=int, default=500)
    parser.add_argument("--seed", type=int, default=835)
    args = parser.parse_args()
    claims = make_claims(args.claims, args.seed)
    text, expected = make_835(claims), expected_of(claims)
    line_count = sum(len(c.lines) for c in claims)
    sides = {"read_835": (ours, text, args.claims, line_count)}
    if args.pyx12_claims:
        small = claims[:args.pyx12_claims]
        sides["pyx12"] = (pyx12_read, make_835(small), len(small), sum(len(c.lines) for c in small))
    times: dict[str, list[float]] = {name: [] for name in sides}
    for n in range(args.rounds):
        for name in (list(sides) if n % 2 == 0 else list(reversed(sides))):
            work, body, want_claims, want_lines = sides[name]
            seconds, got_claims, got_lines = work(body, expected)
            if (got_claims, got_lines) != (want_claims, want_lines):
                sys.exit(f"{name} matched {got_claims} claims and {got_lines} lines of {want_claims} and {want_lines}")
            times[name].append(seconds)
    print(f"835 read and match, {args.claims:,} claims ({line_count:,} lines, {text.count('~'):,} segments, "
          f"{len(text) / 1e6:.1f} MB), CPU time, median of {args.rounds} rounds (Python {sys.version.split()[0]})")
    for name, (_, body, want_claims, _) in sides.items():
        median, fastest, slowest = statistics.median(times[name]), min(times[name]), max(times[name])
        print(f"  {name:9} {want_claims:6,} claims  {want_claims / median:10,.0f} claims/s   "
              f"(rounds {want_claims / slowest:,.0f} .. {want_claims / fastest:,.0f})   "
              f"{body.count('~') / median:10,.0f} segments/s")


if __name__ == "__main__":
    main()
