"""X12 files written for the tests (tests/fixtures/x12/), where the third-party samples have no such case.

A fixture may name values only known when a test runs (a batch id, a claim number) as `{BATCH}`, `{PCN1}`...;
`x12_fixture(name, BATCH=..., PCN1=...)` fills them in. Each placeholder stands for a whole element, and every
fixture is checked with a sample filling (tests/unit/edi/test_x12_fixtures.py), so a filled one stays valid.
"""
from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "x12"
_PLACEHOLDER = re.compile(r"\{([A-Z0-9_]+)\}")


def placeholders(name: str) -> set[str]:
    return set(_PLACEHOLDER.findall((FIXTURES / name).read_text()))


def x12_fixture(name: str, **values: str) -> str:
    text = (FIXTURES / name).read_text()
    missing = set(_PLACEHOLDER.findall(text)) - set(values)
    if missing:
        raise KeyError(f"{name} needs {sorted(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
