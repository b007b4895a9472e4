"""X12 reader throughput: `read_interchanges` (delimiters, encoding and separator checks, segments, envelopes) over
every complete interchange file in the shared X12 samples.

Each round reads every file once; the figure is the median round of CPU time (`time.process_time`, with the
garbage collector paused inside a round), so a busy shared machine moves it less than wall time would.

    .venv/bin/python bench/read_x12.py [--rounds 30] [--samples ../shared/x12-samples]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.edi.x12.reader import read_interchanges  # noqa: E402 (after the path is set)
from chalicelib.edi.x12.segments import X12Error  # noqa: E402


def readable(samples: Path) -> list[str]:
    """Every sample file that reads as X12 (the few that are not interchanges are left out, as the tests list)."""
    texts = []
    for path in sorted(p for p in samples.rglob("*") if p.is_file() and not p.name.startswith(("LICENSE", "SOURCES"))):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        try:
            read_interchanges(text, strict=False)
        except X12Error:
            continue
        texts.append(text)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "x12-samples")
    args = parser.parse_args()
    texts = readable(args.samples)
    segments = sum(i.segment_count for t in texts for i in read_interchanges(t, strict=False))
    rounds = []
    for _ in range(args.rounds):
        gc.collect()
        gc.disable()
        start = time.process_time()
        for text in texts:
            read_interchanges(text, strict=False)
        rounds.append(time.process_time() - start)
        gc.enable()
    median = statistics.median(rounds)
    print(f"X12 reader, {len(texts)} files ({segments:,} segments), median of {args.rounds} rounds "
          f"(Python {sys.version.split()[0]})")
    print(f"  CPU per round   {median * 1000:8.1f} ms   (rounds: {min(rounds) * 1000:.1f} .. {max(rounds) * 1000:.1f})")
    print(f"  segments/s      {segments / median:8,.0f}")


if __name__ == "__main__":
    main()
