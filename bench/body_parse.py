"""What reading a request body costs: pydantic's strict JSON validation alone, and the API's whole body read.

The API's read (`chalicelib.core.http.parse_body`) first parses the body with the standard library to refuse a
key twice in one object and to put every string in Unicode NFC, then writes it out again for pydantic's strict
JSON validation. This prints both, per body, so the cost of that first pass is a figure rather than a guess.

    .venv/bin/python bench/body_parse.py [--rounds 15] [--passes 1000]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import BaseModel  # noqa: E402 (after the path is set)

from chalicelib.core.http import parse_body  # noqa: E402
from chalicelib.patients.models import PatientCreate  # noqa: E402
from chalicelib.tenants.models import PracticeCreate  # noqa: E402
from chalicelib.visits.coding_models import CodingIn  # noqa: E402

MAX_BYTES = 262_144
ADDRESS = {"line1": "100 Main St", "city": "Springfield", "state": "IL", "zip": "627011234"}
BODIES: dict[str, tuple[type[BaseModel], dict[str, Any]]] = {
    "practice (POST /practices)": (PracticeCreate, {"name": "Riverside Family Medicine", "npi": "1245319599",
                                                    "tax_id": "12-3456789", "address": ADDRESS}),
    "patient (POST .../patients)": (PatientCreate, {
        "first_name": "Zoé", "last_name": "García-López", "birth_date": "1980-04-12", "sex": "F",
        "address": ADDRESS, "phone": "(217) 555-0134", "email": "zoe@example.com", "mrn": "MRN-1001"}),
    "coding, 50 lines (PUT .../coding)": (CodingIn, {
        "diagnoses": ["E11.9", "I10"],
        "lines": [{"code": "99213", "modifiers": ["25"], "units": 1, "diagnosis_pointers": [1, 2]}] * 50}),
}


def fastest_us(actions: list[Callable[[], object]], rounds: int, passes: int) -> list[float]:
    """Per action, its fastest round in µs per call. The actions take turns within each round, so a busy
    moment of a shared machine falls on all of them; the fastest round is the least disturbed (as timeit does)."""
    for action in actions:
        for _ in range(max(1, passes // 10)):
            action()  # warm-up
    best = [float("inf")] * len(actions)
    for _ in range(rounds):
        for i, action in enumerate(actions):
            start = time.perf_counter()
            for _ in range(passes):
                action()
            best[i] = min(best[i], (time.perf_counter() - start) / passes)
    return [seconds * 1e6 for seconds in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--passes", type=int, default=1000)
    args = parser.parse_args()
    print(f"body read, fastest of {args.rounds} rounds of {args.passes} (Python {sys.version.split()[0]}); µs per body")
    print(f"  {'body':<36}{'bytes':>7}{'pydantic only':>15}{'parse_body':>12}{'added':>9}")
    for name, (model, body) in BODIES.items():
        raw = json.dumps(body).encode()
        alone, whole = fastest_us([lambda: model.model_validate_json(raw),
                                   lambda: parse_body(model, raw, "application/json", MAX_BYTES)],
                                  args.rounds, args.passes)
        print(f"  {name:<36}{len(raw):>7}{alone:>15.1f}{whole:>12.1f}{whole - alone:>9.1f}")


if __name__ == "__main__":
    main()
