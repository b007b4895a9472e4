"""Run again every command docs/benchmarks.md documents, one after another, each with the load it ran under.

    .venv/bin/python bench/rerun.py [--list] [--only WORD] [--out .revcycle/bench-rerun]

A section's command is the first `.venv/bin/python bench/...` in backticks under its `## ` heading. Each runs
from the repository's root, alone (two benchmarks at once would load the machine for each other); its output
goes to `<out>/<nn>-<script>.txt` under a header with the UTC time and the load average at its start and end,
which is what a figure copied into docs/benchmarks.md must be stated with. A command that fails is reported
and the others still run; the exit status says whether all of them succeeded.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"`(\.venv/bin/python bench/[^`]+)`")


def documented(page: Path = ROOT / "docs" / "benchmarks.md") -> list[tuple[str, str]]:
    """(section heading, its command) in the page's order; a section without a command is left out."""
    found, heading = [], None
    for line in page.read_text().splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        elif heading is not None and (match := COMMAND.search(line)):
            found.append((heading, match.group(1)))
            heading = None  # the first command is the section's; later ones are what it compares with
    return found


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(number: int, heading: str, command: str, out: Path) -> tuple[int, float, str, str]:
    script = Path(shlex.split(command)[1]).stem
    log = out / f"{number:02d}-{script}.txt"
    start_load, start = _load(), time.perf_counter()
    with log.open("w") as sink:
        sink.write(f"# {heading}\n# {command}\n# started {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
                   f"load average {start_load}\n")
        sink.flush()
        code = subprocess.run(shlex.split(command), cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT).returncode
        end_load = _load()
        sink.write(f"# exit {code} after {time.perf_counter() - start:.0f} s, load average {end_load}\n")
    return code, time.perf_counter() - start, start_load, end_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--only", default="", help="only the sections whose heading or command has this word")
    parser.add_argument("--out", type=Path, default=ROOT / ".revcycle" / "bench-rerun")
    args = parser.parse_args()
    chosen = [(h, c) for h, c in documented() if args.only.lower() in f"{h} {c}".lower()]
    if args.list:
        for heading, command in chosen:
            print(f"{heading}\n    {command}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for number, (heading, command) in enumerate(chosen, 1):
        code, seconds, start_load, end_load = run(number, heading, command, args.out)
        failed += code != 0
        print(f"{'ok' if code == 0 else f'FAILED ({code})':<12} {seconds / 60:5.1f} min  load {start_load} -> "
              f"{end_load}  {command}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
