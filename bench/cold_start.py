"""Cold start: a fresh Python process importing app.py, beside one importing only the floor
(chalice, boto3, pynamodb.models). Median of N runs each; each run times the import inside the child,
so interpreter start-up is left out of both sides alike.

    .venv/bin/python bench/cold_start.py [--runs 21]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
SIDES = {
    "floor: chalice, boto3, pynamodb.models": "chalice, boto3, pynamodb.models",
    "app.py": "app",
    "app.py, then the first request's modules": "app, chalicelib.core.http, chalicelib.tenants.setup, "
                                               "chalicelib.tenants.setup_models, chalicelib.core.settings",
    "stripe alone (for scale; loaded on first use)": "stripe",
}


def time_import(modules: str, runs: int) -> list[float]:
    code = PROBE.format(modules=modules)
    return [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                 text=True).stdout) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    medians = {label: statistics.median(time_import(mods, runs)) for label, mods in SIDES.items()}
    floor = medians["floor: chalice, boto3, pynamodb.models"]
    print(f"cold start, median of {runs} fresh processes (Python {sys.version.split()[0]})")
    for label, median in medians.items():
        print(f"  {label:<48} {median * 1000:7.1f} ms   {median / floor:4.2f}x floor")


if __name__ == "__main__":
    main()
