"""CARC and RARC codes in plain words, read from the data files beside this module on first use.

X12 publishes the CARC list and, with CMS, the RARC list under X12's intellectual-property policy: their texts
may not be copied into a product without X12's licence (docs/remittance.md, "Denials"), so the words are short
descriptions of our own. An unknown code is shown as its code: a payer's new code stays visible, never vanishes.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def _table(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, text = line.split("\t", 1)
            table[code] = text
    return table


def carc(code: str) -> str:
    """The words of a claim adjustment reason code; the code itself when we have none."""
    return _table("carc.tsv").get(code, code)


def rarc(code: str) -> str:
    """The words of a remittance advice remark code; the code itself when we have none."""
    return _table("rarc.tsv").get(code, code)
