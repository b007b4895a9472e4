"""The 005010X279A1 270 rules, as a checker: pyx12 ships no 5010 map for 270/271, so these stand in.

`check_270(text)` returns every rule a 270 breaks (an empty list for a good one). What it checks:
- the envelope (reader.py, strict): ISA/GS/ST pairing, SE01/GE01/IEA01 counts, control numbers; and
  ISA fixed widths, ISA12 00501, GS01 HS, GS08 and ST03 005010X279A1;
- segment order, required segments and repeat limits within each loop (X279A1 section 2.4, Table 2);
- the HL hierarchy (X279A1 2000A-2000D HL): HL01 counts up from 1; HL02 names the parent (none for
  20, a 20 for 21, a 21 for 22, a 22 for 23); HL04 is 1 exactly when a child level follows;
- code values (BHT01/02, NM101/102/108 per loop, DMG01/03, DTP01/02, TRN01), element lengths and dates.
Messages carry positions and rule names, never values (a 270 holds patient data).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Union

from chalicelib.edi.x12.reader import Interchange, TransactionSet, read_interchange
from chalicelib.edi.x12.segments import Segment, X12Error

VERSION = "005010X279A1"


@dataclass(frozen=True, slots=True)
class Violation:
    position: int | None  # segment position in the interchange (ISA = 1)
    rule: str  # where in the guide: "X279A1 2100C NM108", "envelope" ...
    message: str

    def __str__(self) -> str:
        return f"segment {self.position}: {self.rule}: {self.message}"


@dataclass(frozen=True, slots=True)
class Seg:
    id: str
    max: int
    min: int = 0
    hl_code: str = ""  # for HL: the HL03 that opens this loop


@dataclass(frozen=True, slots=True)
class Loop:
    name: str
    max: int
    min: int
    items: tuple[Union[Seg, "Loop"], ...]  # the first item opens the loop


Item = Union[Seg, Loop]


def _patient_loops(letter: str, eq_min: int) -> tuple[Item, ...]:
    """2000C/2000D after their HL: TRN, then the 2100 name loop holding the 2110 EQ loops."""
    eq_loop_items: tuple[Item, ...] = (Seg("EQ", 1, 1), Seg("AMT", 2), Seg("III", 10), Seg("REF", 1), Seg("DTP", 1))
    if letter == "D":
        eq_loop_items = tuple(i for i in eq_loop_items if not (isinstance(i, Seg) and i.id == "AMT"))
    name_loop = Loop(f"2100{letter}", 1, 1, (
        Seg("NM1", 1, 1), Seg("REF", 9), Seg("N3", 1), Seg("N4", 1), Seg("PRV", 1), Seg("DMG", 1),
        Seg("INS", 1), Seg("HI", 1), Seg("DTP", 2),
        Loop(f"2110{letter}", 99, eq_min, eq_loop_items)))  # EQ loop: up to 99 per patient
    return (Seg("TRN", 2), name_loop)


# One spec per HL level; the levels follow each other in the body, their nesting told by HL02.
LEVELS: dict[str, Loop] = {
    "20": Loop("2000A", 1, 1, (Seg("HL", 1, 1, "20"), Loop("2100A", 1, 1, (Seg("NM1", 1, 1),)))),
    "21": Loop("2000B", 1, 1, (Seg("HL", 1, 1, "21"), Loop("2100B", 1, 1, (
        Seg("NM1", 1, 1), Seg("REF", 9), Seg("N3", 1), Seg("N4", 1), Seg("PRV", 1))))),
    "22": Loop("2000C", 1, 1, (Seg("HL", 1, 1, "22"), *_patient_loops("C", 0))),
    "23": Loop("2000D", 1, 1, (Seg("HL", 1, 1, "23"), *_patient_loops("D", 1))),
}
PARENT_LEVEL = {"20": "", "21": "20", "22": "21", "23": "22"}

# Code values by (segment, loop or "*", element). NM1 qualifiers per loop: X279A1 2100A-2100D NM1.
CODES: dict[tuple[str, str, int], frozenset[str]] = {k: frozenset(v) for k, v in {
    ("BHT", "*", 1): {"0022"}, ("BHT", "*", 2): {"01", "13"},
    ("NM1", "2100A", 1): {"2B", "36", "GP", "P5", "PR"}, ("NM1", "2100A", 2): {"1", "2"},
    ("NM1", "2100A", 8): {"24", "46", "FI", "NI", "PI", "XV", "XX"},
    ("NM1", "2100B", 1): {"1P", "2B", "36", "80", "FA", "GP", "P5", "PR"}, ("NM1", "2100B", 2): {"1", "2"},
    ("NM1", "2100B", 8): {"24", "34", "FI", "PI", "PP", "SV", "XV", "XX"},
    ("NM1", "2100C", 1): {"IL"}, ("NM1", "2100C", 2): {"1"}, ("NM1", "2100C", 8): {"II", "MI"},
    ("NM1", "2100D", 1): {"03"}, ("NM1", "2100D", 2): {"1"}, ("NM1", "2100D", 8): {""},  # 2100D NM108 not used
    ("TRN", "*", 1): {"1"}, ("DMG", "*", 1): {"D8"}, ("DMG", "*", 3): {"", "F", "M", "U"},
    ("DTP", "2100C", 1): {"102", "291"}, ("DTP", "2100D", 1): {"102", "291"},
    ("DTP", "2110C", 1): {"291"}, ("DTP", "2110D", 1): {"291"}, ("DTP", "*", 2): {"D8", "RD8"},
    ("INS", "2100C", 1): {"Y"}, ("INS", "2100D", 1): {"N"}, ("PRV", "*", 2): {"PXC"},
}.items()}
# Element lengths (min, max) when present: the guide's AN/ID sizes for the elements a 270 carries.
LENGTHS: dict[tuple[str, int], tuple[int, int]] = {
    ("BHT", 3): (1, 50), ("NM1", 3): (1, 60), ("NM1", 4): (1, 35), ("NM1", 5): (1, 25), ("NM1", 7): (1, 10),
    ("NM1", 9): (2, 80), ("TRN", 2): (1, 50), ("TRN", 3): (10, 10), ("TRN", 4): (1, 50), ("REF", 2): (1, 50),
    ("N3", 1): (1, 55), ("N3", 2): (1, 55), ("N4", 1): (2, 30), ("N4", 2): (2, 2), ("N4", 3): (3, 15),
    ("PRV", 3): (1, 50), ("HL", 1): (1, 12), ("HL", 2): (1, 12), ("EQ", 1): (1, 2),
}
REQUIRED: dict[str, tuple[int, ...]] = {
    "BHT": (1, 2, 3, 4, 5), "HL": (1, 3, 4), "NM1": (1, 2), "TRN": (1, 2, 3), "DMG": (1, 2), "DTP": (1, 2, 3),
    "REF": (1, 2), "N3": (1,), "N4": (1,), "INS": (1, 2),
}
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # X12.5: ISA is fixed-width


def check_270(text: str) -> list[Violation]:
    return check_document(text, "HS", VERSION, _transaction)


def check_document(text: str, functional_id: str, version: str,
                   check_transaction: Callable[[TransactionSet], list[Violation]]) -> list[Violation]:
    """The envelope rules every guide shares, then each transaction set's own rules (270 here, 276 too)."""
    try:
        interchange = read_interchange(text)
    except X12Error as error:
        return [Violation(error.position, "envelope", str(error))]
    found = _envelope(interchange, functional_id, version)
    for transaction in interchange.transactions():
        found += check_transaction(transaction)
    return found


def _envelope(interchange: Interchange, functional_id: str, version: str) -> list[Violation]:
    isa, found = interchange.header, list[Violation]()
    if any(len(isa.element(n)) != width for n, width in enumerate(ISA_WIDTHS, start=1)):
        found.append(Violation(isa.position, "ISA", "an ISA element is not at its fixed width"))
    for ok, message in ((isa.element(12) == "00501", "ISA12 must be 00501"),
                        (isa.element(15) in ("T", "P"), "ISA15 must be T or P"),
                        (isa.element(14) in ("0", "1"), "ISA14 must be 0 or 1"),
                        (interchange.delimiters.repetition is not None, "ISA11 must be a repetition separator")):
        if not ok:
            found.append(Violation(isa.position, "ISA", message))
    for group in interchange.groups:
        if group.functional_id != functional_id or group.version != version:
            found.append(Violation(group.header.position, "GS", f"GS01 must be {functional_id} and GS08 {version}"))
    return found


def _transaction(transaction: TransactionSet) -> list[Violation]:
    st, body = transaction.header, transaction.body
    found: list[Violation] = []
    if transaction.set_id != "270" or transaction.convention != VERSION:
        found.append(Violation(st.position, "ST", f"ST01 must be 270 and ST03 {VERSION}"))
    if not 4 <= len(transaction.control_number) <= 9:
        found.append(Violation(st.position, "ST", "ST02 must be 4 to 9 characters"))
    first_hl = next((i for i, s in enumerate(body) if s.id == "HL"), len(body))
    if [s.id for s in body[:first_hl]] != ["BHT"]:
        found.append(Violation(st.position, "X279A1 header", "the header must be exactly one BHT"))
    loops: dict[int, str] = {s.position: "header" for s in body[:first_hl]}
    blocks = hl_blocks(body[first_hl:])
    for block in blocks:
        found += _structure(block, loops)
    found += check_hierarchy([block[0] for block in blocks], "X279A1", PARENT_LEVEL)
    for segment in body:
        found += _elements(segment, loops.get(segment.position, ""))
    return found


def hl_blocks(segments: list[Segment]) -> list[list[Segment]]:
    """Table 2 cut at each HL: one block per hierarchical level."""
    blocks: list[list[Segment]] = []
    for segment in segments:
        if segment.id == "HL" or not blocks:
            blocks.append([])
        blocks[-1].append(segment)
    return blocks


def _structure(block: list[Segment], loops: dict[int, str]) -> list[Violation]:
    spec = LEVELS.get(block[0].element(3))
    if spec is None:
        return [Violation(block[0].position, "X279A1 HL03", "HL03 must be 20, 21, 22 or 23")]
    return _patient_rule(block) + match_level("X279A1", spec, block, loops)


def _patient_rule(block: list[Segment]) -> list[Violation]:
    """X279A1 2110C EQ: required when the subscriber is the patient (no dependent level below, HL04 0);
    when a dependent is the patient, the inquiry goes in 2110D and 2110C is not sent."""
    hl = block[0]
    if hl.element(3) != "22":
        return []
    asks = any(s.id == "EQ" for s in block)
    if asks != (hl.element(4) == "0"):
        return [Violation(hl.position, "X279A1 2110C", "EQ belongs at the subscriber level exactly when "
                                                      "the subscriber is the patient")]
    return []


def _opens(item: Item, segment: Segment) -> bool:
    first = item
    while isinstance(first, Loop):
        first = first.items[0]
    return segment.id == first.id and (not first.hl_code or segment.element(3) == first.hl_code)


def match_level(guide: str, spec: Loop, block: list[Segment], loops: dict[int, str]) -> list[Violation]:
    """One HL block against its level's loop: order, repeats and required parts, each segment's loop noted in
    `loops`; what is left over is out of order. `guide` names the rules broken (X279A1, X212)."""
    found: list[Violation] = []
    end = _match(guide, spec, block, 0, loops, found)
    if end < len(block):
        found.append(Violation(block[end].position, f"{guide} {loops.get(block[end - 1].position, spec.name)}",
                               f"{block[end].id} is out of order or not allowed here"))
    return found


def _match(guide: str, loop: Loop, block: list[Segment], i: int, loops: dict[int, str],
           found: list[Violation]) -> int:
    """Consume one iteration of `loop` from block[i] (which opens it); return the index after it."""
    loops[block[i].position] = loop.name
    i += 1  # the opening segment (HL, NM1, EQ or TRN): one per iteration
    for item in loop.items[1:]:
        count = 0
        while i < len(block) and _opens(item, block[i]):
            if count == item.max:
                found.append(Violation(block[i].position, f"{guide} {loop.name}",
                                       f"{_label(item)} repeats more than {item.max} times"))
            if isinstance(item, Seg):
                loops[block[i].position] = loop.name
                i += 1
            else:
                i = _match(guide, item, block, i, loops, found)
            count += 1
        if count < item.min:
            at = block[min(i, len(block) - 1)].position
            found.append(Violation(at, f"{guide} {loop.name}", f"required {_label(item)} is missing"))
    return i


def _label(item: Item) -> str:
    return f"loop {item.name}" if isinstance(item, Loop) else f"segment {item.id}"


def check_hierarchy(headers: list[Segment], guide: str, parent_level: dict[str, str],
                    no_child_flag: frozenset[str] = frozenset()) -> list[Violation]:
    """The HL tree: HL01 counts from 1, HL02 names an earlier HL of the level above (`parent_level`: HL03 ->
    its parent's HL03), HL04 says whether a child follows (not used at the levels in `no_child_flag`), and the
    information source (20) comes first."""
    found: list[Violation] = []
    levels: dict[str, str] = {}
    rule = f"{guide} HL"
    parents = {hl.element(2) for hl in headers}
    unused = f" (and is not used at {', '.join(sorted(no_child_flag))})" if no_child_flag else ""
    for expected, hl in enumerate(headers, start=1):
        number, parent, code, child = hl.element(1), hl.element(2), hl.element(3), hl.element(4)
        if number != str(expected):
            found.append(Violation(hl.position, rule, "HL01 must count up by one from 1"))
        if levels.get(parent, "") != parent_level.get(code, "?") or (code == "20") != (parent == ""):
            found.append(Violation(hl.position, rule, "HL02 must name an earlier HL of the level above"))
        wanted = "" if code in no_child_flag else ("1" if number in parents else "0")
        if child != wanted:
            found.append(Violation(hl.position, rule, "HL04 must be 1 exactly when a child level follows" + unused))
        levels[number] = code
    if not headers or headers[0].element(3) != "20":
        found.append(Violation(headers[0].position if headers else None, rule,
                               "the first level must be the information source (HL03 20)"))
    return found


def _elements(segment: Segment, loop: str) -> list[Violation]:
    sid, found = segment.id, list[Violation]()
    rule = f"X279A1 {loop} {sid}"
    for n in REQUIRED.get(sid, ()):
        if not segment.element(n):
            found.append(Violation(segment.position, rule + f"{n:02d}", "required element is missing"))
    for n in range(1, len(segment.elements) + 1):
        codes = CODES.get((sid, loop, n), CODES.get((sid, "*", n)))
        value = segment.element(n)
        if codes is not None and value and value not in codes:
            found.append(Violation(segment.position, rule + f"{n:02d}", "code value not allowed here"))
        low, high = LENGTHS.get((sid, n), (0, 10_000))
        if value and not low <= len(value) <= high:
            found.append(Violation(segment.position, rule + f"{n:02d}", f"length must be {low} to {high}"))
    found += _special(segment, rule)
    return found


def _special(segment: Segment, rule: str) -> list[Violation]:
    """Rules that are not a code list or a length: dates, EQ's repetitions, paired elements."""
    checks: list[tuple[bool, str]] = []
    if segment.id == "BHT":
        checks += [(_is_date(segment.element(4)), "BHT04 must be a CCYYMMDD date"),
                   (bool(re.fullmatch(r"\d{4}(\d{2}){0,2}", segment.element(5))), "BHT05 must be HHMM[SS[DD]]")]
    elif segment.id == "DMG":
        checks.append((_is_date(segment.element(2)), "DMG02 must be a CCYYMMDD date"))
    elif segment.id == "DTP":
        parts = segment.element(3).split("-")
        checks.append((len(parts) == (2 if segment.element(2) == "RD8" else 1) and all(map(_is_date, parts)),
                       "DTP03 must be a date (D8) or a date range (RD8)"))
    elif segment.id == "NM1":
        # NM108 and NM109 come together (X12 syntax note P0809).
        checks.append((bool(segment.element(8)) == bool(segment.element(9)), "NM108 and NM109 go together"))
    elif segment.id == "EQ":
        codes = segment.repetitions(1)
        checks += [(bool(codes) or bool(segment.element(2)), "EQ01 or EQ02 is required (syntax R0102)"),
                   (len(codes) <= 99, "EQ01 repeats at most 99 times"),
                   (all(re.fullmatch(r"[0-9A-Z]{1,2}", c) for c in codes), "EQ01 must be service type codes")]
    return [Violation(segment.position, rule, message) for ok, message in checks if not ok]


def _is_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return len(text) == 8
