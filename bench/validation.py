"""Request validation: what parsing a body costs, accepted and refused, with every refusal worded for a biller.

The bodies go through `chalicelib.core.http.parse_body`, as the API parses them: a patient registration, a
visit's coding at its largest (50 lines, 12 diagnoses, 4 modifiers a line: the most coded fields a request can
carry), and a registration with every field wrong (the refusal, its messages included). Median of rounds.

    .venv/bin/python bench/validation.py [--rounds 9 --passes 2000]
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

from chalicelib.core.errors import DomainError  # noqa: E402
from chalicelib.core.http import parse_body  # noqa: E402
from chalicelib.patients.models import PatientCreate  # noqa: E402
from chalicelib.visits.coding_models import CodingIn  # noqa: E402

ADDRESS = {"line1": "12 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62704"}
PATIENT = {"first_name": "Maria", "last_name": "García-López", "birth_date": "1980-04-12", "sex": "F",
           "address": ADDRESS, "phone": "(217) 555-0134", "email": "maria@example.com", "mrn": "MRN-1001"}
CODING = {"diagnoses": ["E11.9", "I10", "E78.5", "J45.909", "M54.50", "R51.9", "K21.9", "F41.1", "N39.0", "R05.9",
                        "Z00.00", "E66.9"],
          "lines": [{"code": "99213", "modifiers": ["25", "59", "LT", "RT"], "units": 2, "diagnosis_pointers": [1, 2, 3],
                     "revenue_code": "0450"}] * 50}
WRONG = {"first_name": 12, "middle_name": "", "last_name": "~*:", "birth_date": "1980-02-30", "sex": "X",
         "address": {"line1": "", "city": "~", "state": "ZZ", "zip": "6270"}, "phone": "12", "email": "nobody",
         "mrn": "#1", "guarantor": 5, "surprise": True}


def refused(model: Any, raw: bytes) -> Callable[[], None]:
    def run() -> None:
        try:
            parse_body(model, raw, "application/json", 1 << 20)
        except DomainError:
            return
        raise AssertionError("the body was meant to be refused")
    return run


CASES: dict[str, Callable[[], Any]] = {
    "patient registration, accepted": lambda: parse_body(PatientCreate, json.dumps(PATIENT).encode(),
                                                         "application/json", 1 << 20),
    "coding of 50 lines, accepted": lambda: parse_body(CodingIn, json.dumps(CODING).encode(), "application/json",
                                                       1 << 20),
    "patient registration, every field wrong": refused(PatientCreate, json.dumps(WRONG).encode()),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--passes", type=int, default=2000)
    args = parser.parse_args()
    print(f"request validation, median of {args.rounds} rounds of {args.passes} (Python {sys.version.split()[0]})")
    for label, case in CASES.items():
        case()  # warm: lazy imports (phonenumbers, email-validator) load once per container, outside the figure
        rounds = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            for _ in range(args.passes):
                case()
            rounds.append((time.perf_counter() - started) / args.passes)
        print(f"  {label:<42} {statistics.median(rounds) * 1e6:8.1f} µs per body")


if __name__ == "__main__":
    main()
