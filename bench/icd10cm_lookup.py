"""ICD-10-CM lookup: the project's index (chalicelib/coding/icd10cm.py) beside importing simple-icd-10-cm.

Each run is a fresh Python process that records its resident memory, then times the import and the first
lookup of E11.9 together (interpreter start-up is left out of both sides alike), then looks up a fixed sample
of codes warm. Peak memory is VmHWM from /proc/self/status, less VmRSS before the import; the figure is the
median over the runs. The sides take turns, one run of each per round in an order that rotates, so a change
in the machine's load while it runs reaches every side alike.

    .venv/bin/python bench/icd10cm_lookup.py [--runs 11] [--sample 10000]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "chalicelib" / "coding" / "data" / "icd10cm.tsv"

CHILD = """
import json, sys, time
def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'):
            return int(line.split()[1]) / 1024  # kB -> MiB
codes = json.load(sys.stdin)
{setup}
rss_before = status('VmRSS')
started = time.perf_counter()
{first}
first = time.perf_counter() - started
peak_first = status('VmHWM') - rss_before
started = time.perf_counter()
for code in codes:
    {warm}
warm = (time.perf_counter() - started) / len(codes)
print(json.dumps({{'first_ms': first * 1000, 'peak_mib': peak_first, 'warm_us': warm * 1e6,
                  'peak_after_warm_mib': status('VmHWM') - rss_before}}))
"""

INDEX_IMPORT = "from chalicelib.coding import icd10cm"
INDEX_FIRST = "found = icd10cm.lookup('E11.9')\nassert found.billable"
INDEX_WARM = "icd10cm.lookup(code).billable"
SIDES = {  # label: (untimed setup, timed import and first lookup, warm lookup of each sampled code)
    "index: import + first lookup": ("", f"{INDEX_IMPORT}\n{INDEX_FIRST}", INDEX_WARM),
    # In a running app the module's imports (re, dataclasses, mmap) are mostly loaded already.
    "index: first lookup, module imported": (INDEX_IMPORT, INDEX_FIRST, INDEX_WARM),
    "simple-icd-10-cm 1.5.0: import + lookup": (
        "", "import simple_icd_10_cm as cm\nassert cm.is_leaf('E11.9') and cm.get_description('E11.9')",
        "cm.is_leaf(code) and cm.get_description(code)"),
}


def sample_codes(size: int) -> list[str]:
    """Every n-th dotted code of the index among those every loaded year has (the package knows FY2026 only, and
    a lookup without a date reads the newest year), so both sides look up the same spread of the code set."""
    rows = [line.split("\t", 2) for line in INDEX.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    lines = [code for code, years, _ in rows if "-" not in years]
    step = max(1, len(lines) // size)
    return [c if len(c) == 3 else f"{c[:3]}.{c[3:]}" for c in lines[::step][:size]]


def run_once(setup: str, first: str, warm: str, codes: list[str]) -> dict[str, float]:
    program = CHILD.format(setup=setup, first=first, warm=warm)
    return json.loads(subprocess.run([sys.executable, "-c", program], cwd=ROOT, input=json.dumps(codes),
                                     capture_output=True, text=True, check=True).stdout)


def run_interleaved(codes: list[str], runs: int) -> dict[str, dict[str, float]]:
    """Each side's median over `runs`, the sides interleaved round by round."""
    labels = list(SIDES)
    results: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    for run in range(runs):
        for label in labels[run % len(labels):] + labels[:run % len(labels)]:
            results[label].append(run_once(*SIDES[label], codes))
    return {label: {key: statistics.median(r[key] for r in found) for key in found[0]}
            for label, found in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sample", type=int, default=10_000)
    args = parser.parse_args()
    codes = sample_codes(args.sample)
    print(f"ICD-10-CM first lookup, median of {args.runs} fresh processes (Python {sys.version.split()[0]}); "
          f"warm: {len(codes)} codes")
    print(f"  {'side':<38} {'first lookup':>13} {'peak RSS':>10} {'warm lookup':>12} {'peak after warm':>16}")
    for label, r in run_interleaved(codes, args.runs).items():
        print(f"  {label:<38} {r['first_ms']:10.1f} ms {r['peak_mib']:6.1f} MiB {r['warm_us']:9.1f} µs "
              f"{r['peak_after_warm_mib']:12.1f} MiB")


if __name__ == "__main__":
    main()
