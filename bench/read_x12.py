"""X12 reader throughput: `read_interchanges` (delimiters, encoding and separator checks, segments, envelopes) over
every complete interchange file in the shared X12 samples.

Each round reads every file once; the figure is the median round of CPU time (`time.process_time`, with the
garbage collector paused inside a round), so a busy shared machine moves it less than wall time would.

    .venv/bin/python bench/read_x12.py [--rounds 30] [--samples ../shared/x12-samples]

`--against REV` compares this checkout's reader with the reader of commit REV instead, side by side in one run
(bench/ab.py: each side a worker with its own tree, the order turned round every other round), over the samples
and over the 10,000-claim 835 of bench/remit_835.py, with the collector enabled as callers have it
(bench/read_x12_sides.py):

    .venv/bin/python bench/read_x12.py --against REV [--rounds 15]
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


def readable_paths(samples: Path) -> list[Path]:
    return [path for path, _ in _readable(samples)]


def readable(samples: Path) -> list[str]:
    """Every sample file that reads as X12 (the few that are not interchanges are left out, as the tests list)."""
    return [text for _, text in _readable(samples)]


def _readable(samples: Path) -> list[tuple[Path, str]]:
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
        texts.append((path, text))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "x12-samples")
    parser.add_argument("--against", default="", help="a commit whose reader to compare with, side by side")
    args = parser.parse_args()
    if args.against:
        compare(args.against, args.samples, args.rounds)
        return
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


def compare(rev: str, samples: Path, rounds: int) -> None:
    import tempfile

    from bench.ab import HERE, Sides, remove, tree
    from bench.remit_835 import make_835, make_claims

    old = tree(rev)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "remit-10000.835"
        big.write_text(make_835(make_claims(10_000, 835)))
        inputs = {"samples": [str(p) for p in readable_paths(samples)], "835": [str(big)]}
        try:
            with Sides({rev: old, "this checkout": HERE}, Path(__file__).with_name("read_x12_sides.py")) as sides:
                counts = {name: sides.everywhere("hold", name=name, paths=paths) for name, paths in inputs.items()}
                for name, by_side in counts.items():
                    assert len(set(by_side.values())) == 1, f"the sides read {name} into different segment counts"
                times: dict[tuple[str, str], list[float]] = {}
                for ask in sides.rounds(rounds):
                    for name in inputs:
                        for side, seconds in ask("read_round", name=name).items():
                            times.setdefault((name, side), []).append(seconds)
        finally:
            remove(old)
    print(f"X12 reader, {rev} against this checkout, CPU per round, median of {rounds} rounds side by side "
          f"(Python {sys.version.split()[0]}); collector enabled")
    for name in inputs:
        segments = next(iter(counts[name].values()))
        medians = {side: statistics.median(times[(n, side)]) for n, side in times if n == name}
        for side, median in medians.items():
            spread = times[(name, side)]
            print(f"  {name:8} {side:14} {median * 1000:8.1f} ms  (rounds {min(spread) * 1000:.1f} .. "
                  f"{max(spread) * 1000:.1f})  {segments / median:10,.0f} segments/s")
        print(f"  {name:8} ratio {medians[rev] / medians['this checkout']:.2f}x")


if __name__ == "__main__":
    main()
