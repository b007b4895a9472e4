"""CMS NCCI procedure-to-procedure (PTP) edits: read the published edit files, write them as a compact index
(scrubbing/edit_index.py), look a pair of codes up in it.

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
outside. `read_ptp` streams the edits, so a quarter's million rows never sit in memory as objects: the
index keeps each as a 21-byte record.
"""
from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import Any, BinaryIO, Literal, NamedTuple

from chalicelib.scrubbing.edit_index import EditIndex, IndexInfo, IndexWriter, in_memory

ModifierIndicator = Literal[0, 1, 9]
# HCPCS/CPT codes as NCCI files carry them: five letters or digits (99213, G0439, 0001A, 0042T).
_CODE = re.compile(r"[0-9A-Z]{5}")
_DATE = re.compile(r"\d{8}")
_HEADING = re.compile(r"column\s*1\b", re.IGNORECASE)
_COPYRIGHT = re.compile(r"copyright", re.IGNORECASE)
_INDICATORS: dict[str, ModifierIndicator] = {"0": 0, "1": 1, "9": 9}
# A well-formed edit row exactly as CMS writes it, read with one match: over a million rows a quarter, so
# the common case must be cheap. Anything else (spaces around fields, a bad date) takes the slow path,
# which accepts the same rows the careful way or names what is wrong.
_ROW = re.compile(r"([0-9A-Z]{5})\t([0-9A-Z]{5})\t(\*?)\t(\d{8})\t(\d{8}|\*)\t([019])(?:\t([^\t]*))?")


class PtpFormatError(ValueError):
    """The file is not a PTP edit file, or one of its rows is malformed (the message names the line)."""


class PtpEdit(NamedTuple):  # a tuple, not a dataclass: a quarter's file makes a million of them in turn
    column_1: str  # the comprehensive code: paid when both are billed
    column_2: str  # the component or mutually exclusive code: denied unless a modifier is allowed and used
    effective: date
    deletion: date | None  # None when the file says "*" (no deletion date)
    modifier_indicator: ModifierIndicator
    rationale: str
    prior_to_1996: bool = False

    def in_effect(self, day: date) -> bool:
        return self.effective <= day and (self.deletion is None or day < self.deletion)


_PRIOR = 128


class PtpIndex(EditIndex):
    """A quarter's PTP edits, as a compact index (scrubbing/edit_index.py): a pair may have several rows over time."""

    KIND, KEY_WIDTH = "ptp", 10
    # column 1, column 2, effective and deletion dates (proleptic ordinals, 0: none), the modifier indicator
    # (+128 when the edit predates 1996), the rationale's number among the index's texts. 21 bytes.
    RECORD = struct.Struct("<5s5sIIBH")

    def edit(self, column_1: str, column_2: str, on: date) -> PtpEdit | None:
        """The edit with `column_1` as column 1 and `column_2` as column 2 in effect `on`, if any."""
        key = (column_1 + column_2).encode()
        if len(column_1) != 5 or len(key) != 10:
            return None  # not two five-character codes: no edit can name them
        day = on.toordinal()
        for c1, c2, effective, deletion, flags, rationale in self._file.matching(key):
            if effective <= day and (not deletion or day < deletion):
                return PtpEdit(column_1, column_2, date.fromordinal(effective),
                               date.fromordinal(deletion) if deletion else None, flags & ~_PRIOR,
                               self._file.text(rationale), bool(flags & _PRIOR))
        return None

    def edits_between(self, code_a: str, code_b: str, on: date) -> PtpEdit | None:
        """The edit in effect `on` between two codes billed together, whichever of them is column 1."""
        return self.edit(code_a, code_b, on) or self.edit(code_b, code_a, on)


def write_ptp(out: BinaryIO, edits: Iterable[PtpEdit], **facts: Any) -> IndexInfo:
    """Write the index of `edits` to `out`; `facts` are IndexInfo's table, quarter, loaded_at, sources."""
    writer = IndexWriter(PtpIndex.KIND, PtpIndex.RECORD, PtpIndex.KEY_WIDTH)
    for edit in edits:
        writer.add(edit.column_1.encode(), edit.column_2.encode(), edit.effective.toordinal(),
                   edit.deletion.toordinal() if edit.deletion else 0,
                   edit.modifier_indicator | (_PRIOR if edit.prior_to_1996 else 0), writer.text(edit.rationale))
    return writer.write(out, **facts)


def load_ptp(lines: Iterable[str]) -> PtpIndex:
    """The index of CMS PTP .txt lines, built in memory (tests, benchmarks; the API builds it in a file)."""
    return PtpIndex(in_memory(write_ptp, read_ptp(lines)))


def read_ptp(lines: Iterable[str]) -> Iterator[PtpEdit]:
    """The edits of CMS PTP .txt files, given as lines (with or without their line endings), one at a time.

    Lines before the first edit are the copyright and heading block; it must include the "Column 1" heading.
    After it every non-blank line must be an edit, except that a copyright line opens another file's block:
    CMS splits a quarter's practitioner edits by code range, and the files concatenated load as one table.
    """
    seen_heading, in_data = False, False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        fast = _ROW.fullmatch(line) if in_data else None
        edit = _fast_row(fast) if fast else None
        if edit is not None:
            yield edit
            continue
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
        yield _parse_row(fields, number)
    if not seen_heading:
        raise PtpFormatError("no 'Column 1' heading: not a CMS PTP file")


def _fast_row(match: re.Match[str]) -> PtpEdit | None:
    """The edit of a row the fast pattern matched, or None when its dates need the slow path's verdict."""
    column_1, column_2, prior, effective, deletion, indicator, rationale = match.groups()
    starts, ends = _day(effective), None if deletion == "*" else _day(deletion)
    if starts is None or (deletion != "*" and (ends is None or ends < starts)):
        return None
    return PtpEdit(column_1, column_2, starts, ends, _INDICATORS[indicator], (rationale or "").strip(), prior == "*")


@lru_cache(maxsize=4096)  # a quarter's file has a few thousand distinct dates over a million rows
def _day(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


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
