"""ICD-10-CM diagnosis codes: look a code up, tell a billable code from a header, and say whether a code may
go on a claim for a date of service, judged with the code set in force on that date.

ICD-10-CM changes every October 1 (a federal fiscal year: FY2027 runs 2026-10-01 to 2027-09-30), so the index
`data/icd10cm.tsv` holds every loaded year at once: one line per code that any of them has, with one
character per year (1 billable, 0 a header, - not in it). tools/build_icd10cm_index.py generates it from the
simple-icd-10-cm package's data (the oldest year) and CMS's order files or addenda (each later year). The file
is sorted by code, so a lookup is a binary search over a read-only memory map of it: nothing is read at
import, the first lookup opens the file, and only the pages a search touches become resident.
"""
from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

INDEX_PATH = Path(__file__).resolve().parent / "data" / "icd10cm.tsv"

# ICD-10-CM code shape (CDC/NCHS tabular list): a three-character category, a letter then two letters or
# digits (E11, O9A, and since FY2026 QA0), then up to four more characters after a dot, seven in all
# (S00.00XA). The digit-second rule often quoted is no longer true: the index has the last word.
_CODE_RE = re.compile(r"([A-Z][A-Z0-9]{2})(?:\.?([A-Z0-9]{1,4}))?")
_PREFIX_RE = re.compile(r"[A-Z0-9]{0,7}")


@dataclass(frozen=True, slots=True)
class Icd10Code:
    """A code as one year's code set has it."""
    code: str  # without the dot, as the 837 HI segment carries it (E119)
    billable: bool  # a leaf of the tabular list; a header (a category with codes under it) is not billable
    description: str

    @property
    def dotted(self) -> str:
        return dotted(self.code)


@dataclass(frozen=True, slots=True)
class CodeSet:
    """One fiscal year's code set in the index, valid for dates of service in [starts, ends]."""
    name: str  # FY2027
    fiscal_year: int
    release: date  # the release it was built from (CMS may publish an April 1 update within the year)
    starts: date
    ends: date
    source: str  # the package and version, or the CMS file, it was built from
    position: int  # its character in each line's code_sets field

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


@dataclass(frozen=True, slots=True)
class Basis:
    """The code set that judges a date of service: the one in force that day when it is loaded, else the
    nearest loaded one (the newest for a later date, the oldest for an earlier one)."""
    in_force: int  # the fiscal year whose code set is in force on the date
    code_set: CodeSet

    @property
    def loaded(self) -> bool:
        return self.in_force == self.code_set.fiscal_year

    def note(self) -> str | None:
        """Said once per claim or coding, not per diagnosis, when the year in force is not loaded."""
        if self.loaded:
            return None
        starts, ends = fiscal_year_bounds(self.in_force)
        which = "newest" if self.in_force > self.code_set.fiscal_year else "oldest"
        return (f"the ICD-10-CM code set for FY{self.in_force} (dates of service {starts} to {ends}) is not loaded: "
                f"the diagnoses were judged with {self.code_set.name}, the {which} loaded")


@dataclass(frozen=True, slots=True)
class Problem:
    """What stands in the way of a code on a claim: an error stops the claim, a warning asks a biller to look."""
    severity: Literal["error", "warning"]
    message: str


def normalize(code: str) -> str | None:
    """The undotted upper-case form of a well-formed code (`e11.9` -> `E119`), or None if it is not one."""
    match = _CODE_RE.fullmatch(code.strip().upper())
    return match[1] + (match[2] or "") if match else None


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def fiscal_year(day: date) -> int:
    """The federal fiscal year of a date, and so its ICD-10-CM code set: 2026-10-01 is in FY2027."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """October 1 to September 30; cut at the calendar's ends (FY1 and FY10000 of a date a client may send)."""
    starts = date(year - 1, 10, 1) if year > date.min.year else date.min
    return starts, date(year, 9, 30) if year <= date.max.year else date.max


@dataclass(frozen=True, slots=True)
class _Entry:
    """One line of the index: a code across every loaded year."""
    code: str
    states: str  # one character per code set: 1 billable, 0 a header, - not in it
    title: str  # the newest year's
    earlier: tuple[tuple[int, str], ...]  # (last fiscal year, title) for earlier runs of years titled otherwise

    def as_in(self, code_set: CodeSet) -> Icd10Code | None:
        state = self.states[code_set.position]
        if state == "-":
            return None
        title = next((t for year, t in self.earlier if code_set.fiscal_year <= year), self.title)
        return Icd10Code(self.code, state == "1", title)


class _Index:
    """The sorted index file, searched in place through mmap."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._start, heads = 0, []
        while self._map[self._start:self._start + 1] == b"#":  # header lines sort apart: read, then skip them
            line, self._start = self._line(self._start)
            heads.append(line.decode())
        self.code_sets = _parse_header(heads)
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

    def get(self, code: str) -> _Entry | None:
        pos = self.seek(code.encode())
        if pos >= self._end:
            return None
        found = _parse_line(self._line(pos)[0])
        return found if found.code == code else None

    def starting_with(self, prefix: str, code_set: CodeSet, limit: int, billable_only: bool) -> list[Icd10Code]:
        key, pos, found = prefix.encode(), self.seek(prefix.encode()), []
        while pos < self._end and len(found) < limit:
            line, pos = self._line(pos)
            if not line.startswith(key):
                break
            item = _parse_line(line).as_in(code_set)
            if item is not None and (item.billable or not billable_only):
                found.append(item)
        return found


def _parse_line(line: bytes) -> _Entry:
    code, states, title, *earlier = line.decode("utf-8").split("\t")
    runs = tuple((int(name[2:6]), text) for name, text in (field.split("=", 1) for field in earlier))
    return _Entry(code, states, title, runs)


def _parse_header(heads: list[str]) -> tuple[CodeSet, ...]:
    if not heads or not heads[0].startswith("#icd10cm\tformat=2\t"):
        raise ValueError(f"{INDEX_PATH} is not a multi-year ICD-10-CM index: rebuild it with "
                         "tools/build_icd10cm_index.py")
    sets = []
    for head in heads:
        tag, *rest = head.split("\t")
        if tag == "#code_set":
            fields = dict(pair.split("=", 1) for pair in rest[1:])
            starts, ends = (date.fromisoformat(d) for d in fields["in_effect"].split("/"))
            sets.append(CodeSet(rest[0], int(rest[0][2:]), date.fromisoformat(fields["release"]), starts, ends,
                                fields["source"], len(sets)))
    return tuple(sets)


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index(INDEX_PATH)


def code_sets() -> tuple[CodeSet, ...]:
    """Every loaded year's code set, oldest first."""
    return _index().code_sets


def basis(day: date) -> Basis:
    """Which code set judges `day` (a discharge date for an inpatient claim, else the date of service)."""
    year, sets = fiscal_year(_as_date(day)), code_sets()
    nearest = next((s for s in sets if s.fiscal_year == year), sets[-1] if year > sets[-1].fiscal_year else sets[0])
    return Basis(year, nearest)


def code_set_for(day: date | None) -> CodeSet:
    """The code set judging `day`; the newest when no day is given."""
    return code_sets()[-1] if day is None else basis(day).code_set


def lookup(code: str, day: date | None = None) -> Icd10Code | None:
    """The code, with or without its dot, in any case, as the code set judging `day` has it (the newest when no
    day is given); None if it is malformed or not in that code set."""
    key = normalize(code)
    entry = _index().get(key) if key else None
    return entry.as_in(code_set_for(day)) if entry else None


def history(code: str) -> list[tuple[CodeSet, Icd10Code]]:
    """Each loaded code set that has the code, oldest first, with the code as that year has it."""
    key = normalize(code)
    entry = _index().get(key) if key else None
    if entry is None:
        return []
    return [(code_set, found) for code_set in code_sets() if (found := entry.as_in(code_set)) is not None]


def is_billable(code: str, day: date | None = None) -> bool:
    found = lookup(code, day)
    return found is not None and found.billable


def search(prefix: str, limit: int = 20, *, billable_only: bool = False, day: date | None = None) -> list[Icd10Code]:
    """Codes starting with `prefix` (dot and case ignored) in the code set judging `day` (the newest when no day
    is given), in code order, at most `limit` of them."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    key = prefix.strip().upper().replace(".", "")
    if not _PREFIX_RE.fullmatch(key):
        return []
    return _index().starting_with(key, code_set_for(day), limit, billable_only)


def validate_diagnosis(code: str, date_of_service: date) -> list[Problem]:
    """What stands in the way of `code` on a claim for `date_of_service`; empty if nothing does. The message
    names codes and code sets, never the date of service (a patient's date)."""
    key = normalize(code)
    if key is None:
        return [Problem("error", f"{code!r} is not a well-formed ICD-10-CM code")]
    judge, entry = basis(date_of_service), _index().get(key)
    found = entry.as_in(judge.code_set) if entry else None
    if entry is None or found is None:
        return [_absent(key, entry, judge)]
    return [] if found.billable else [_header(found, entry, judge)]


def _absent(key: str, entry: _Entry | None, judge: Basis) -> Problem:
    name, year = judge.code_set.name, judge.code_set.fiscal_year
    held = [s for s in code_sets() if entry is not None and entry.as_in(s) is not None]
    before, after = [s for s in held if s.fiscal_year < year], [s for s in held if s.fiscal_year > year]
    if before:  # CMS does not bring a deleted code back, whatever year the date is in
        deleted_on = fiscal_year_bounds(before[-1].fiscal_year + 1)[0]
        return Problem("error", f"{dotted(key)} is not in ICD-10-CM {name}: it was deleted on {deleted_on}, "
                                f"after {before[-1].name}")
    if after:
        return Problem("error", f"{dotted(key)} is not in ICD-10-CM {name}: it took effect on {after[0].starts} "
                                f"({after[0].name})")
    if judge.loaded:
        return Problem("error", f"{dotted(key)} is not an ICD-10-CM code in {name}")
    if judge.in_force > year:
        return Problem("warning", f"{dotted(key)} is not in ICD-10-CM {name}, the newest code set loaded: it may be "
                                  f"new in FY{judge.in_force}; check it")
    return Problem("warning", f"{dotted(key)} is not in ICD-10-CM {name}, the oldest code set loaded: it may have "
                              f"been deleted when {name} took effect; check it")


def _header(found: Icd10Code, entry: _Entry, judge: Basis) -> Problem:
    name = judge.code_set.name
    if judge.in_force < judge.code_set.fiscal_year:
        # Before the oldest loaded year: the code may have been billable then and subdivided since.
        return Problem("warning", f"{found.dotted} ({found.description}) is a header in ICD-10-CM {name}, the "
                                  f"oldest code set loaded: it may have been billable in FY{judge.in_force}; check it")
    # A code whose children differ only by a seventh character (S72.001 -> S72.001A) is missing that character.
    padded = found.code.ljust(6, "X")
    sevenths = [c.dotted for c in _index().starting_with(padded, judge.code_set, 3, True) if len(c.code) == 7]
    if sevenths:
        return Problem("error", f"{found.dotted} ({found.description}) needs its 7th character in ICD-10-CM {name}, "
                                f"as in {', '.join(sevenths)}: it is not billable without one")
    was_billable = [s for s in code_sets() if s.fiscal_year < judge.code_set.fiscal_year
                    and (earlier := entry.as_in(s)) is not None and earlier.billable]
    since = f" (it was billable until {was_billable[-1].ends}, then subdivided)" if was_billable else ""
    return Problem("error", f"{found.dotted} ({found.description}) is a header in ICD-10-CM {name}, not billable: "
                            f"code to the most specific code under it{since}")


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day
