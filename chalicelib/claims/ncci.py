"""CMS NCCI procedure-to-procedure (PTP) edits: load the published edit file, look a pair of codes up.

CMS publishes the practitioner and the hospital outpatient PTP edits each quarter as zips of tab-delimited
.txt files (one file per code range). Each file opens with an AMA copyright line, blank lines and the column
headings, sometimes spread over several physical rows, then one edit per line:

    Column 1 | Column 2 | * = in existence prior to 1996 | Effective Date | Deletion Date (* = no data) |
    Modifier (0 = not allowed, 1 = allowed, 9 = not applicable) | PTP Edit Rationale

Dates are YYYYMMDD. An edit applies to dates of service from its effective date up to, not including, its
deletion date: CMS deletes edits as of the first day of a quarter, and an edit deleted the day it took
effect never applied. Indicator 9 marks an edit deleted retroactively: there is no edit for the pair.
(CMS "Medicare NCCI Procedure to Procedure (PTP) Edits" page and the MLN booklet "How to Use the Medicare
NCCI Tools"; the column headings as CMS's files spell them.)

The caller decodes the files (CMS writes them in Windows-1252/Latin-1) and passes their lines; the zips stay
outside.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

ModifierIndicator = Literal[0, 1, 9]
# HCPCS/CPT codes as NCCI files carry them: five letters or digits (99213, G0439, 0001A, 0042T).
_CODE = re.compile(r"[0-9A-Z]{5}")
_DATE = re.compile(r"\d{8}")
_HEADING = re.compile(r"column\s*1\b", re.IGNORECASE)
_COPYRIGHT = re.compile(r"copyright", re.IGNORECASE)
_INDICATORS: dict[str, ModifierIndicator] = {"0": 0, "1": 1, "9": 9}


class PtpFormatError(ValueError):
    """The file is not a PTP edit file, or one of its rows is malformed (the message names the line)."""


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column_1: str  # the comprehensive code: paid when both are billed
    column_2: str  # the component or mutually exclusive code: denied unless a modifier is allowed and used
    effective: date
    deletion: date | None  # None when the file says "*" (no deletion date)
    modifier_indicator: ModifierIndicator
    rationale: str
    prior_to_1996: bool = False

    def in_effect(self, day: date) -> bool:
        return self.effective <= day and (self.deletion is None or day < self.deletion)


class PtpTable:
    """Edits keyed by column 1 code, then column 2 code; a pair may have several rows over time."""

    def __init__(self, edits: Iterable[PtpEdit] = ()) -> None:
        self._by_column_1: dict[str, dict[str, tuple[PtpEdit, ...]]] = {}
        self._count = 0
        for edit in edits:
            self.add(edit)

    def add(self, edit: PtpEdit) -> None:
        pairs = self._by_column_1.setdefault(edit.column_1, {})
        pairs[edit.column_2] = pairs.get(edit.column_2, ()) + (edit,)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def edit(self, column_1: str, column_2: str, on: date) -> PtpEdit | None:
        """The edit with `column_1` as column 1 and `column_2` as column 2 in effect `on`, if any."""
        rows = self._by_column_1.get(column_1, {}).get(column_2, ())
        return next((row for row in rows if row.in_effect(on)), None)

    def edits_between(self, code_a: str, code_b: str, on: date) -> PtpEdit | None:
        """The edit in effect `on` between two codes billed together, whichever of them is column 1."""
        return self.edit(code_a, code_b, on) or self.edit(code_b, code_a, on)

    def merge(self, other: PtpTable) -> PtpTable:
        """This table with `other`'s edits added: CMS splits each quarter's edits over several files."""
        merged = PtpTable()
        for table in (self, other):
            for pairs in table._by_column_1.values():
                for rows in pairs.values():
                    for row in rows:
                        merged.add(row)
        return merged


def load_ptp(lines: Iterable[str]) -> PtpTable:
    """The edits of CMS PTP .txt files, given as lines (with or without their line endings).

    Lines before the first edit are the copyright and heading block; it must include the "Column 1" heading.
    After it every non-blank line must be an edit, except that a copyright line opens another file's block:
    CMS splits a quarter's practitioner edits by code range, and the files concatenated load as one table.
    """
    table, seen_heading, in_data = PtpTable(), False, False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split("\t")]
        if in_data and _COPYRIGHT.search(line):
            seen_heading, in_data = False, False
        if not in_data and not (len(fields) >= 6 and _CODE.fullmatch(fields[0])):
            seen_heading = seen_heading or bool(_HEADING.match(line.strip()))
            continue
        if not seen_heading:
            raise PtpFormatError(f"line {number}: an edit before the 'Column 1' heading: not a CMS PTP file")
        in_data = True
        table.add(_parse_row(fields, number))
    if not seen_heading:
        raise PtpFormatError("no 'Column 1' heading: not a CMS PTP file")
    return table


def _parse_row(fields: list[str], number: int) -> PtpEdit:
    if len(fields) not in (6, 7):
        raise PtpFormatError(f"line {number}: {len(fields)} tab-separated fields, expected 7")
    column_1, column_2, prior, effective, deletion, indicator = fields[:6]
    for name, code in (("column 1", column_1), ("column 2", column_2)):
        if not _CODE.fullmatch(code):
            raise PtpFormatError(f"line {number}: {name} {code!r} is not a five-character HCPCS/CPT code")
    if prior not in ("", "*"):
        raise PtpFormatError(f"line {number}: the prior-to-1996 flag is {prior!r}, expected '*' or nothing")
    if indicator not in _INDICATORS:
        raise PtpFormatError(f"line {number}: modifier indicator {indicator!r}, expected 0, 1 or 9")
    starts = _parse_date(effective, number, "effective date")
    ends = None if deletion == "*" else _parse_date(deletion, number, "deletion date")
    if ends is not None and ends < starts:
        raise PtpFormatError(f"line {number}: deletion date {deletion} is before effective date {effective}")
    return PtpEdit(column_1, column_2, starts, ends, _INDICATORS[indicator], fields[6] if len(fields) == 7 else "",
                   prior == "*")


def _parse_date(text: str, number: int, name: str) -> date:
    try:
        if _DATE.fullmatch(text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        pass  # eight digits that are no calendar date: reported below like any other malformed date
    raise PtpFormatError(f"line {number}: {name} {text!r} is not a YYYYMMDD date")
