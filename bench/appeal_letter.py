"""What an appeal letter costs the Lambda that renders it: pypdf's import (paid by the letter route's first call
in a container, never by app.py's cold start) and a letter's rendering, first and warm, in CPU time.

    .venv/bin/python bench/appeal_letter.py [--rounds 15]

Each round runs one fresh `python -I -B` process (nothing compiled is kept, as in Lambda's read-only code
directory) that imports pypdf, renders a two-page timely-filing letter (the letter and its proof page) and
renders it again; it answers the CPU times (time.process_time) and the PDF. The run fails unless every PDF
starts with %PDF and reads back (pypdf) with the claim number and the proof in it. Medians and spread (min to
max) over the rounds; the machine is shared, so CPU time, not wall time, is the figure to trust.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import base64, json, sys, time
sys.path.insert(0, sys.argv[1])
start = time.process_time()
import pypdf  # noqa: F401
imported = time.process_time()
from tests.unit.appeals.test_letter import FACTS
from chalicelib.appeals import letter, pdf
ready = time.process_time()
data = pdf.render(letter.pages(FACTS), "bench")
first = time.process_time()
pdf.render(letter.pages(FACTS), "bench")
warm = time.process_time()
print(json.dumps({"import_ms": (imported - start) * 1000, "first_ms": (first - ready) * 1000,
                  "warm_ms": (warm - first) * 1000, "pdf": base64.b64encode(data).decode()}))
"""


def one_round() -> dict:
    env = {"PATH": os.environ.get("PATH", "")}
    run = subprocess.run([sys.executable, "-I", "-B", "-c", PROBE, str(ROOT)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    if run.returncode != 0:
        raise SystemExit(run.stderr[-2000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def check(encoded: str) -> None:
    from pypdf import PdfReader

    data = base64.b64decode(encoded)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if not data.startswith(b"%PDF") or "000000123" not in text or "Proof of timely filing" not in text:
        raise SystemExit("the letter was not rendered: no PDF, or not the letter's text")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    figures: dict[str, list[float]] = {"import_ms": [], "first_ms": [], "warm_ms": []}
    for _ in range(rounds):
        answer = one_round()
        check(answer["pdf"])
        for name in figures:
            figures[name].append(answer[name])
    print(f"{rounds} rounds, CPU ms, median (min to max); load average {os.getloadavg()[0]:.2f}")
    for name, values in figures.items():
        print(f"  {name:10} {statistics.median(values):7.1f} ({min(values):.1f} to {max(values):.1f})")


if __name__ == "__main__":
    main()
