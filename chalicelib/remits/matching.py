"""Which line of our claim each SVC of an 835 answers (pure).

X221A1 2110 REF*6R echoes the line item control number our 837 sent in 2400 REF*6R: that is the match. A
payer may drop it; then the line billed with the same procedure (SVC06 when the payer changed the code, else
SVC01), the same modifiers (in any order) and the same date of service (DTM*472, else the claim's statement
date) is the one, each of our lines answered once. Lines matched by 6R are taken first, so a line without 6R
never takes the line another SVC names. What matches nothing stays unmatched, with the reason in words.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from chalicelib.edi.remittance.result import Procedure, ServiceLine

BY_CONTROL_NUMBER, BY_PROCEDURE = "control_number", "procedure_and_date"
REVENUE_QUALIFIER = "NU"  # SVC01-1 NU: a revenue code alone (an institutional line without a procedure)


@dataclass(frozen=True, slots=True)
class OurLine:
    number: int  # LX01 of the 837
    control_number: str  # 2400 REF*6R
    procedure_code: str
    modifiers: tuple[str, ...]
    revenue_code: str
    service_date: date


@dataclass(frozen=True, slots=True)
class LineMatch:
    line: ServiceLine
    ours: OurLine | None
    matched_by: str | None  # BY_CONTROL_NUMBER, BY_PROCEDURE, or None with the reason
    reason: str | None = None


def our_lines(document: str) -> list[OurLine]:
    """The claim's lines from its stored document (claims/codec.py JSON), only what matching needs."""
    return [OurLine(int(line["number"]), line.get("control_number") or "", line["procedure_code"],
                    tuple(line.get("modifiers") or ()), line.get("revenue_code") or "",
                    date.fromisoformat(line["service_date"]))
            for line in json.loads(document)["claim"]["lines"]]


def billed(line: ServiceLine) -> Procedure:
    """What we billed, as the payer echoes it: SVC06 when it adjudicated another code, else SVC01."""
    return line.original_procedure or line.procedure


def _same_service(line: ServiceLine, ours: OurLine, day: date | None) -> bool:
    procedure = billed(line)
    if procedure.qualifier == REVENUE_QUALIFIER:
        same_code = procedure.code == ours.revenue_code
    else:
        same_code = procedure.code == ours.procedure_code
    return (same_code and sorted(m for m in procedure.modifiers if m) == sorted(ours.modifiers)
            and (day is None or day == ours.service_date))


def _words(line: ServiceLine, day: date | None) -> str:
    procedure = billed(line)
    code = "-".join((procedure.code, *[m for m in procedure.modifiers if m]))
    when = f" on {day.isoformat()}" if day else ""
    refused = f"its REF*6R {line.control_number} is none of the claim's line control numbers and " \
        if line.control_number else "it carries no REF*6R and "
    return f"service line {line.number}: {refused}no other line of the claim bills {code or '(no code)'}{when}"


def match_lines(lines: Sequence[ServiceLine], ours: Sequence[OurLine], claim_date: date | None) -> list[LineMatch]:
    """Each SVC with the line of ours it answers, in the 835's order."""
    by_number = {line.control_number: line for line in ours if line.control_number}
    taken: set[int] = set()
    found: dict[int, LineMatch] = {}
    for line in lines:
        mine = by_number.get(line.control_number) if line.control_number else None
        if mine is not None and mine.number not in taken:
            taken.add(mine.number)
            found[line.number] = LineMatch(line, mine, BY_CONTROL_NUMBER)
    for line in lines:
        if line.number in found:
            continue
        day = line.service_from or claim_date
        mine = next((o for o in ours if o.number not in taken and _same_service(line, o, day)), None)
        if mine is None:
            found[line.number] = LineMatch(line, None, None, _words(line, day))
        else:
            taken.add(mine.number)
            found[line.number] = LineMatch(line, mine, BY_PROCEDURE)
    return [found[line.number] for line in lines]
