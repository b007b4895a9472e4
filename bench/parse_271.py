"""271 parse throughput: `parse_271` (envelope reader included) over every 271 in the shared X12 samples.

Each round parses every sample file `--passes` times; the figure is the median round, as documents per
second and segments per second (ISA to IEA, every segment of each file counted once per parse).

    .venv/bin/python bench/parse_271.py [--rounds 9] [--passes 300] [--samples ../shared/x12-samples]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.edi.eligibility.inquiry import parse_271  # noqa: E402 (after the path is set)
from chalicelib.edi.x12.reader import read_interchanges  # noqa: E402

_ST_271 = re.compile(r"(^|[^A-Za-z0-9])ST[^A-Za-z0-9]271[^A-Za-z0-9]")


def load(samples: Path) -> list[str]:
    texts = []
    for path in sorted(p for p in samples.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if _ST_271.search(text):
            texts.append(text)
    return texts


def one_round(texts: list[str], passes: int) -> float:
    start = time.perf_counter()
    for _ in range(passes):
        for text in texts:
            parse_271(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--passes", type=int, default=300)
    parser.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "x12-samples")
    args = parser.parse_args()
    texts = load(args.samples)
    if not texts:
        sys.exit(f"no 271 files under {args.samples}")
    segments = sum(i.segment_count for t in texts for i in read_interchanges(t, strict=False))
    one_round(texts, max(1, args.passes // 10))  # warm-up
    times = sorted(one_round(texts, args.passes) for _ in range(args.rounds))
    docs = len(texts) * args.passes
    median = statistics.median(times)
    print(f"271 parse throughput, {len(texts)} files ({segments} segments), {args.passes} passes per round, "
          f"median of {args.rounds} rounds (Python {sys.version.split()[0]})")
    print(f"  documents/s  {docs / median:10,.0f}   (rounds: {docs / times[-1]:,.0f} .. {docs / times[0]:,.0f})")
    print(f"  segments/s   {segments * args.passes / median:10,.0f}")
    print(f"  per document {median / docs * 1e6:10.1f} us")


if __name__ == "__main__":
    main()
