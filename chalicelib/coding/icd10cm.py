"""ICD-10-CM diagnosis codes: look a code up, tell a billable code from a header, and say whether a code may
go on a claim for a date of service.

The codes come from `data/icd10cm.tsv`, which tools/build_icd10cm_index.py generates from the
simple-icd-10-cm package's data (importing that package takes about 3 s and 176 MB, too much for a Lambda).
The file is sorted by code, so a lookup is a binary search over a read-only memory map of it: nothing is
read at import, the first lookup opens the file, and only the pages a search touches become resident.
"""
from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

INDEX_PATH = Path(__file__).resolve().parent / "data" / "icd10cm.tsv"

# ICD-10-CM code shape (CDC/NCHS tabular list): a three-character category, a letter then two letters or
# digits (E11, O9A, and since FY2026 QA0), then up to four more characters after a dot, seven in all
# (S00.00XA). The digit-second rule often quoted is no longer true: the index has the last word.
_CODE_RE = re.compile(r"([A-Z][A-Z0-9]{2})(?:\.?([A-Z0-9]{1,4}))?")
_PREFIX_RE = re.compile(r"[A-Z0-9]{0,7}")


@dataclass(frozen=True, slots=True)
class Icd10Code:
    code: str  # without the dot, as the 837 HI segment carries it (E119)
    billable: bool  # a leaf of the tabular list; a header (a category with codes under it) is not billable
    description: str

    @property
    def dotted(self) -> str:
        return dotted(self.code)


@dataclass(frozen=True, slots=True)
class CodeSet:
    """Which code set the index holds: one fiscal year's, valid for dates of service in [starts, ends]."""
    name: str  # FY2026
    release: date  # the release the package carries (CMS may publish an April 1 update within the year)
    starts: date
    ends: date
    source: str  # the package and version the index was built from

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


def normalize(code: str) -> str | None:
    """The undotted upper-case form of a well-formed code (`e11.9` -> `E119`), or None if it is not one."""
    match = _CODE_RE.fullmatch(code.strip().upper())
    return match[1] + (match[2] or "") if match else None


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


class _Index:
    """A sorted `code<TAB>billable<TAB>description` file, searched in place through mmap."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        first_line = self._map[:self._map.find(b"\n")].decode()
        self.code_set = _parse_header(first_line)
        self._start = 0
        while self._map[self._start:self._start + 1] == b"#":  # header lines sort apart: skip them
            self._start = self._map.find(b"\n", self._start) + 1
        self._end = len(self._map)

    def _line(self, start: int) -> tuple[bytes, int]:
        end = self._map.find(b"\n", start)
        return self._map[start:end], end + 1

    def seek(self, key: bytes) -> int:
        """Offset of the first line whose code is >= key (or the end): a bisection over whole lines."""
        lo, hi = self._start, self._end  # both are always line starts
        while lo < hi:
            mid = (lo + hi) // 2
            start = self._map.rfind(b"\n", lo, mid) + 1 or lo  # the start of the line holding mid
            line, next_start = self._line(start)
            if line[:line.index(b"\t")] < key:
                lo = next_start
            else:
                hi = start
        return lo

    def get(self, code: str) -> Icd10Code | None:
        pos = self.seek(code.encode())
        if pos >= self._end:
            return None
        found = _parse_line(self._line(pos)[0])
        return found if found.code == code else None

    def starting_with(self, prefix: str, limit: int, billable_only: bool) -> list[Icd10Code]:
        key, pos, found = prefix.encode(), self.seek(prefix.encode()), []
        while pos < self._end and len(found) < limit:
            line, pos = self._line(pos)
            if not line.startswith(key):
                break
            item = _parse_line(line)
            if item.billable or not billable_only:
                found.append(item)
        return found


def _parse_line(line: bytes) -> Icd10Code:
    code, billable, description = line.decode("utf-8").split("\t")
    return Icd10Code(code, billable == "1", description)


def _parse_header(line: str) -> CodeSet:
    tag, *pairs = line.split("\t")
    if tag != "#icd10cm":
        raise ValueError(f"{INDEX_PATH} is not an ICD-10-CM index: rebuild it with tools/build_icd10cm_index.py")
    fields = dict(pair.split("=", 1) for pair in pairs)
    starts, ends = fields["in_effect"].split("/")
    return CodeSet(fields["code_set"], date.fromisoformat(fields["release"]), date.fromisoformat(starts),
                   date.fromisoformat(ends), fields["source"])


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(INDEX_PATH)


def code_set() -> CodeSet:
    return _index().code_set


def lookup(code: str) -> Icd10Code | None:
    """The code, with or without its dot, in any case; None if it is malformed or not in the code set."""
    key = normalize(code)
    return _index().get(key) if key else None


def is_billable(code: str) -> bool:
    found = lookup(code)
    return found is not None and found.billable


def search(prefix: str, limit: int = 20, *, billable_only: bool = False) -> list[Icd10Code]:
    """Codes starting with `prefix` (dot and case ignored), in code order, at most `limit` of them."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    key = prefix.strip().upper().replace(".", "")
    if not _PREFIX_RE.fullmatch(key):
        return []
    return _index().starting_with(key, limit, billable_only)


def validate_diagnosis(code: str, date_of_service: date) -> list[str]:
    """What stops `code` from going on a claim for `date_of_service`; empty if nothing does."""
    key = normalize(code)
    if key is None:
        return [f"{code!r} is not a well-formed ICD-10-CM code"]
    day = date_of_service.date() if isinstance(date_of_service, datetime) else date_of_service
    codes = code_set()
    if not codes.covers(day):
        # Another year's code set adds, deletes and revises codes: judging by this one would be a guess.
        return [f"validity of {dotted(key)} on {day} is unknown for that date: the loaded ICD-10-CM code set "
                f"({codes.name}) covers dates of service {codes.starts} to {codes.ends}"]
    found = _index().get(key)
    if found is None:
        return [f"{dotted(key)} is not an ICD-10-CM code in {codes.name}"]
    if not found.billable:
        return [f"{found.dotted} ({found.description}) is a header, not billable: "
                "code to the most specific code under it"]
    return []
