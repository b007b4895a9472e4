"""The 005010X212 276 rules, as a checker: pyx12 ships no 5010 map for 276/277, so these stand in.

`check_276(text)` returns every rule a 276 breaks (an empty list for a good one). What it checks:
- the envelope (reader.py, strict) and ISA widths/ISA12 as for the 270; GS01 HR, GS08 and ST03 005010X212;
- segment order, required segments and repeat limits per loop (X212 section 2.4, Table 2): 2000A payer,
  2000B information receiver, 2000C service provider, 2000D subscriber (DMG, 2100D, 2200D claims with
  2210D lines) and 2000E dependent (DMG required, 2100E, 2200E);
- the HL hierarchy: HL01 counts up from 1; HL02 names a level above (none for 20, a 20 for 21, a 21 for 19,
  a 19 for 22, a 22 for 23); HL04 is 1 under 20/21/19, 1 at 22 exactly when a 23 follows, absent at 23;
- the claim at the patient's level: a 2000D whose subscriber is the patient (HL04 0) asks about at least one
  claim (2200D), a 2000D with dependents asks none, and each 2000E asks at least one (2200E TRN required);
- code values (BHT, NM101/102/108 per loop, TRN01, DMG, REF01 per loop and once each, AMT01, DTP01/02,
  SVC01-1), dates and amounts. Messages carry positions and rule names, never values (a 276 holds patient data).

The 277 answers with the same HL tree, so the walk here is shared: `X212Tables` holds one transaction set's
loops and code lists, `check_x212_set` checks a set against them (rules_277.py gives the 277's tables).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from chalicelib.edi.x12.reader import TransactionSet
from chalicelib.edi.eligibility.rules_270 import (
    Loop,
    Seg,
    Violation,
    check_document,
    check_hierarchy,
    hl_blocks,
    match_level,
)
from chalicelib.edi.x12.segments import Segment

VERSION = "005010X212"
__all__ = ["VERSION", "Violation", "X212Tables", "check_276", "check_x212_set", "is_amount", "is_date"]


def _claim_loop(letter: str, minimum: int) -> Loop:
    line = Loop(f"2210{letter}", 10_000, 0, (Seg("SVC", 1, 1), Seg("REF", 1), Seg("DTP", 1, 1)))
    # Seven REFs are allowed, one per qualifier (1K, BLT, LU, 6P, EJ, XZ, D9): REF01 is checked below.
    return Loop(f"2200{letter}", 10_000, minimum, (Seg("TRN", 1, 1), Seg("REF", 7), Seg("AMT", 1), Seg("DTP", 1),
                                                   line))


LEVELS: dict[str, Loop] = {
    "20": Loop("2000A", 1, 1, (Seg("HL", 1, 1, "20"), Loop("2100A", 1, 1, (Seg("NM1", 1, 1),)))),
    "21": Loop("2000B", 1, 1, (Seg("HL", 1, 1, "21"), Loop("2100B", 1, 1, (Seg("NM1", 1, 1),)))),
    "19": Loop("2000C", 1, 1, (Seg("HL", 1, 1, "19"), Loop("2100C", 2, 1, (Seg("NM1", 1, 1),)))),
    "22": Loop("2000D", 1, 1, (Seg("HL", 1, 1, "22"), Seg("DMG", 1), Loop("2100D", 1, 1, (Seg("NM1", 1, 1),)),
                               _claim_loop("D", 0))),
    "23": Loop("2000E", 1, 1, (Seg("HL", 1, 1, "23"), Seg("DMG", 1, 1), Loop("2100E", 1, 1, (Seg("NM1", 1, 1),)),
                               _claim_loop("E", 1))),
}
PARENT_LEVEL = {"20": "", "21": "20", "19": "21", "22": "19", "23": "22"}

_CLAIM_REFS = {"1K", "BLT", "LU", "6P", "EJ", "XZ", "D9"}  # X212 2200D/2200E REF01
CODES: dict[tuple[str, str, int], frozenset[str]] = {k: frozenset(v) for k, v in {
    ("BHT", "*", 1): {"0010"}, ("BHT", "*", 2): {"13"}, ("BHT", "*", 6): {""},  # BHT06 not used in a 276
    ("NM1", "2100A", 1): {"PR"}, ("NM1", "2100A", 2): {"2"}, ("NM1", "2100A", 8): {"PI", "XV"},
    ("NM1", "2100B", 1): {"41"}, ("NM1", "2100B", 2): {"1", "2"}, ("NM1", "2100B", 8): {"46"},
    ("NM1", "2100C", 1): {"1P"}, ("NM1", "2100C", 2): {"1", "2"}, ("NM1", "2100C", 8): {"FI", "SV", "XX"},
    ("NM1", "2100D", 1): {"IL"}, ("NM1", "2100D", 2): {"1", "2"}, ("NM1", "2100D", 8): {"24", "II", "MI"},
    ("NM1", "2100E", 1): {"QC"}, ("NM1", "2100E", 2): {"1"}, ("NM1", "2100E", 8): {""},  # 2100E NM108 not used
    ("TRN", "*", 1): {"1"}, ("DMG", "*", 1): {"D8"}, ("DMG", "*", 3): {"", "F", "M"},
    ("REF", "2200D", 1): _CLAIM_REFS, ("REF", "2200E", 1): _CLAIM_REFS,
    ("REF", "2210D", 1): {"FJ"}, ("REF", "2210E", 1): {"FJ"},
    ("AMT", "*", 1): {"T3"}, ("DTP", "*", 1): {"472"}, ("DTP", "*", 2): {"D8", "RD8"},
}.items()}
LENGTHS: dict[tuple[str, int], tuple[int, int]] = {
    ("BHT", 3): (1, 50), ("NM1", 3): (1, 60), ("NM1", 4): (1, 35), ("NM1", 5): (1, 25), ("NM1", 9): (2, 80),
    ("TRN", 2): (1, 50), ("REF", 2): (1, 50), ("HL", 1): (1, 12), ("HL", 2): (1, 12), ("AMT", 2): (1, 18),
}
REQUIRED: dict[str, tuple[int, ...]] = {
    "BHT": (1, 2, 3, 4, 5), "HL": (1, 3), "NM1": (1, 2, 3), "TRN": (1, 2), "DMG": (1, 2), "DTP": (1, 2, 3),
    "REF": (1, 2), "AMT": (1, 2), "SVC": (1, 2),
}
_SVC_QUALIFIERS = {"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"}  # X212 2210D SVC01-1 (2220D in a 277)
_AMOUNT = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def _nothing_more(segment: Segment) -> list[tuple[bool, str]]:
    return []


@dataclass(frozen=True, slots=True)
class X212Tables:
    """One X212 transaction set's rules: its levels by HL03 and its element tables ("*" in CODES: any loop)."""

    set_id: str
    levels: dict[str, Loop]
    codes: dict[tuple[str, str, int], frozenset[str]]
    lengths: dict[tuple[str, int], tuple[int, int]]
    required: dict[str, tuple[int, ...]]
    special: Callable[[Segment], list[tuple[bool, str]]] = _nothing_more  # (ok, message) rules of its own


TABLES_276 = X212Tables("276", LEVELS, CODES, LENGTHS, REQUIRED)


def check_276(text: str) -> list[Violation]:
    return check_document(text, "HR", VERSION, partial(check_x212_set, TABLES_276))


def check_x212_set(tables: X212Tables, transaction: TransactionSet) -> list[Violation]:
    st, body = transaction.header, transaction.body
    found: list[Violation] = []
    if transaction.set_id != tables.set_id or transaction.convention != VERSION:
        found.append(Violation(st.position, "ST", f"ST01 must be {tables.set_id} and ST03 {VERSION}"))
    first_hl = next((i for i, s in enumerate(body) if s.id == "HL"), len(body))
    if [s.id for s in body[:first_hl]] != ["BHT"]:
        found.append(Violation(st.position, "X212 header", "the header must be exactly one BHT"))
    loops: dict[int, str] = {s.position: "header" for s in body[:first_hl]}
    blocks = hl_blocks(body[first_hl:])
    for block in blocks:
        found += _structure(tables.levels, block, loops)
    found += check_hierarchy([block[0] for block in blocks], "X212", PARENT_LEVEL, frozenset({"23"}))
    for segment in body:
        found += _elements(tables, segment, loops.get(segment.position, ""))
    return found


def _structure(levels: dict[str, Loop], block: list[Segment], loops: dict[int, str]) -> list[Violation]:
    spec = levels.get(block[0].element(3))
    if spec is None:
        return [Violation(block[0].position, "X212 HL03", "HL03 must be 20, 21, 19, 22 or 23")]
    found = _claim_rule(block) + match_level("X212", spec, block, loops)
    return found + _once_per_claim(block, loops)


def _claim_rule(block: list[Segment]) -> list[Violation]:
    """X212 2200D: the claim is asked at the patient's level, so a subscriber level asks about claims exactly
    when the subscriber is the patient (HL04 0, no 2000E below it)."""
    hl = block[0]
    if hl.element(3) != "22":
        return []
    if any(s.id == "TRN" for s in block) != (hl.element(4) == "0"):
        return [Violation(hl.position, "X212 2200D", "a subscriber level holds a claim (TRN) exactly when the "
                                                    "subscriber is the patient")]
    return []


def _once_per_claim(block: list[Segment], loops: dict[int, str]) -> list[Violation]:
    """Each 2200 REF qualifier at most once (X212 lists each REF of 2200D/E with a repeat of 1)."""
    found: list[Violation] = []
    seen: set[tuple[int, str]] = set()
    claim = 0
    for segment in block:
        if segment.id == "TRN":
            claim = segment.position
        elif segment.id == "REF" and loops.get(segment.position, "").startswith("2200"):
            key = (claim, segment.element(1))
            if key in seen:
                found.append(Violation(segment.position, f"X212 {loops[segment.position]} REF01",
                                       "each REF qualifier appears at most once per claim"))
            seen.add(key)
    return found


def _elements(tables: X212Tables, segment: Segment, loop: str) -> list[Violation]:
    sid, found = segment.id, list[Violation]()
    rule = f"X212 {loop} {sid}"
    for n in tables.required.get(sid, ()):
        if not segment.element(n):
            found.append(Violation(segment.position, rule + f"{n:02d}", "required element is missing"))
    for n in range(1, max(len(segment.elements), 8) + 1):
        codes = tables.codes.get((sid, loop, n), tables.codes.get((sid, "*", n)))
        value = segment.element(n)
        if codes is not None and (value or n == 8 and sid == "NM1") and value not in codes:
            found.append(Violation(segment.position, rule + f"{n:02d}", "code value not allowed here"))
        low, high = tables.lengths.get((sid, n), (0, 10_000))
        if value and not low <= len(value) <= high:
            found.append(Violation(segment.position, rule + f"{n:02d}", f"length must be {low} to {high}"))
    checks = _special(segment) + tables.special(segment)
    found += [Violation(segment.position, rule, message) for ok, message in checks if not ok]
    return found


def _special(segment: Segment) -> list[tuple[bool, str]]:
    """Rules that are not a code list or a length: dates, amounts, paired elements, the SVC qualifier."""
    sid = segment.id
    if sid == "BHT":
        return [(is_date(segment.element(4)), "BHT04 must be a CCYYMMDD date"),
                (bool(re.fullmatch(r"\d{4}(\d{2}){0,2}", segment.element(5))), "BHT05 must be HHMM[SS[DD]]")]
    if sid == "DMG":
        return [(is_date(segment.element(2)), "DMG02 must be a CCYYMMDD date")]
    if sid == "DTP":
        parts = segment.element(3).split("-")
        return [(len(parts) == (2 if segment.element(2) == "RD8" else 1) and all(map(is_date, parts))
                 and parts == sorted(parts), "DTP03 must be a date (D8) or a date range (RD8)")]
    if sid == "NM1":  # NM108 and NM109 come together (X12 syntax note P0809)
        return [(bool(segment.element(8)) == bool(segment.element(9)), "NM108 and NM109 go together")]
    if sid == "AMT":
        return [(is_amount(segment.element(2)), "AMT02 must be an amount")]
    if sid == "SVC":
        return [(segment.component(1, 1) in _SVC_QUALIFIERS and bool(segment.component(1, 2)),
                 "SVC01 must be a product qualifier and code"),
                (is_amount(segment.element(2)), "SVC02 must be an amount")]
    return []


def is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(text))


def is_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return len(text) == 8
