"""CMS Medically Unlikely Edits (MUE): the most units of a HCPCS/CPT code a provider would report for one
patient on one date of service. Read CMS's published file, write it as a compact index
(scrubbing/edit_index.py), look a code up in it.

CMS publishes practitioner, outpatient hospital and DME supplier MUE tables each quarter, as CSV in zips,
after a few copyright lines; the column headings are

    HCPCS/CPT Code | Practitioner (or Outpatient Hospital, DME Supplier) Services MUE Values |
    MUE Adjudication Indicator | MUE Rationale

where the first heading may hold a line break inside its quotes. The adjudication indicator (MAI) is written
with its meaning: "1 Line Edit" (units on one claim line are compared with the value), "2 Date of Service
Edit: Policy" or "3 Date of Service Edit: Clinical" (the units of every line of the code on one date of
service are summed first; 2 is absolute, 3 may be paid on appeal with documentation). (CMS "Medically
Unlikely Edits" page and the MLN booklet "How to Use the Medicare NCCI Tools".) A tab in the first lines
switches the delimiter, so tab-delimited text exports of the table load the same way; an indicator written
as the bare digit is read too.

Pass the file's lines, with or without their line endings (a quoted heading split over two lines is read
as one field either way).
"""
from __future__ import annotations

import csv
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from chalicelib.scrubbing.edit_index import EditIndex, IndexInfo, IndexWriter, in_memory

AdjudicationIndicator = Literal[1, 2, 3]
_CODE = re.compile(r"[0-9A-Z]{5}")
_UNITS = re.compile(r"[0-9]+")
_INDICATOR = re.compile(r"([123])(?:\s|$)")
_INDICATORS: dict[str, AdjudicationIndicator] = {"1": 1, "2": 2, "3": 3}


class MueFormatError(ValueError):
    """The file is not an MUE file, or one of its rows is malformed (the message names the line)."""


@dataclass(frozen=True, slots=True)
class MueEdit:
    code: str
    units: int  # the MUE value: most units payable (per line for MAI 1, per date of service for 2 and 3)
    indicator: AdjudicationIndicator
    rationale: str = ""

    @property
    def per_date_of_service(self) -> bool:
        return self.indicator in (2, 3)


class MueIndex(EditIndex):
    """A quarter's MUE values, as a compact index (scrubbing/edit_index.py): one row per code."""

    KIND, KEY_WIDTH = "mue", 5
    RECORD = struct.Struct("<5sIBH")  # code, MUE value, adjudication indicator, the rationale's number. 12 bytes.

    def get(self, code: str) -> MueEdit | None:
        key = code.encode()
        if len(code) != 5 or len(key) != 5:
            return None
        for _, units, indicator, rationale in self._file.matching(key):
            return MueEdit(code, units, indicator, self._file.text(rationale))
        return None


def write_mue(out: BinaryIO, edits: Iterable[MueEdit], **facts: Any) -> IndexInfo:
    """Write the index of `edits` to `out` (a code listed twice is refused); `facts` as IndexInfo's."""
    writer = IndexWriter(MueIndex.KIND, MueIndex.RECORD, MueIndex.KEY_WIDTH, unique=True)
    for edit in edits:
        writer.add(edit.code.encode(), edit.units, edit.indicator, writer.text(edit.rationale))
    return writer.write(out, **facts)


def load_mue(lines: Iterable[str]) -> MueIndex:
    """The index of one CMS MUE file's lines, built in memory (tests, benchmarks)."""
    return MueIndex(in_memory(write_mue, read_mue(lines)))


def read_mue(lines: Iterable[str]) -> Iterator[MueEdit]:
    """The edits of one CMS MUE file, one at a time. Records before the column headings are skipped; every
    record after them must be an edit, or a MueFormatError names its line."""
    text_lines = list(lines)
    delimiter = "\t" if any("\t" in line for line in text_lines[:50]) else ","
    reader = csv.reader(text_lines, delimiter=delimiter)
    seen: set[str] = set()
    seen_heading = False
    for record in reader:
        fields = [field.strip() for field in record]
        if not any(fields):
            continue
        if not seen_heading:
            seen_heading = _is_heading(fields)
            continue
        edit = _parse_row(fields, reader.line_num)
        if edit.code in seen:
            raise MueFormatError(f"line {reader.line_num}: {edit.code} is listed twice")
        seen.add(edit.code)
        yield edit
    if not seen_heading:
        raise MueFormatError("no 'HCPCS/CPT Code' and 'MUE Values' headings: not a CMS MUE file")


def _is_heading(fields: list[str]) -> bool:
    first = re.sub(r"\s+", "", fields[0]).upper()
    return len(fields) >= 3 and "CPT" in first and "MUE" in fields[1].upper()


def _parse_row(fields: list[str], number: int) -> MueEdit:
    if len(fields) not in (3, 4):
        raise MueFormatError(f"line {number}: {len(fields)} fields, expected 4")
    code, value, indicator = fields[:3]
    if not _CODE.fullmatch(code):
        raise MueFormatError(f"line {number}: {code!r} is not a five-character HCPCS/CPT code")
    if not _UNITS.fullmatch(value):
        raise MueFormatError(f"line {number}: MUE value {value!r} is not a whole number of units")
    match = _INDICATOR.match(indicator)
    if not match:
        raise MueFormatError(f"line {number}: adjudication indicator {indicator!r}, expected 1, 2 or 3")
    return MueEdit(code, int(value), _INDICATORS[match[1]], fields[3] if len(fields) == 4 else "")
