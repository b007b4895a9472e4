"""Rules about service lines (837 loop 2400): codes, modifiers, charges, units, and the CMS NCCI edits
(procedure-to-procedure pairs and medically unlikely units) when the context carries their tables.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from chalicelib.coding.modifiers import modifier_problems
from chalicelib.coding.procedures import is_cpt_category_ii, is_procedure_code
from chalicelib.edi.claim.document import ClaimDocument, Line
from chalicelib.scrubbing.scrub import Flag, RuleSet, ScrubContext, error, line_field, warning

RULES = RuleSet()

MAX_LINES = {"professional": 50, "institutional": 999}  # X222A1 / X223A2 2400 LX loop repeat
CATEGORY_II_NOMINAL_CENTS = 1  # CPT II quality codes go out at $0.00, or $0.01 where a payer refuses zero
_LINE_CONTROL_NUMBER = re.compile(r"[A-Za-z0-9-]{1,50}")  # REF*6R REF02: 1 to 50 characters
# CMS NCCI Policy Manual, ch. I, section E: the modifiers that may bypass a PTP edit whose modifier
# indicator is 1. Anatomic: E1-E4, FA, F1-F9, TA, T1-T9, LT, RT, LC, LD, RC, LM, RI; global surgery: 24, 25,
# 57, 58, 78, 79; other: 27, 59, 91, XE, XS, XP, XU.
NCCI_MODIFIERS = frozenset({
    "E1", "E2", "E3", "E4", "FA", *(f"F{n}" for n in range(1, 10)), "TA", *(f"T{n}" for n in range(1, 10)),
    "LT", "RT", "LC", "LD", "RC", "LM", "RI", "24", "25", "57", "58", "78", "79", "27", "59", "91",
    "XE", "XS", "XP", "XU"})


def is_evaluation_and_management(code: str) -> bool:
    """CPT E/M section, 99202-99499 (office visits, hospital care, consultations ...)."""
    return len(code) == 5 and code.isascii() and code.isdigit() and 99202 <= int(code) <= 99499


@RULES.rule("line-count", "The claim has at least one line and no more than the 837 holds.",
            "X222A1 2400 LX (50 lines); X223A2 2400 LX (999 lines)")
def line_count(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    most = MAX_LINES[claim.claim_type]
    if not claim.lines:
        yield error("the claim needs at least one service line", "claim.lines")
    elif len(claim.lines) > most:
        yield error(f"{len(claim.lines)} lines: a {claim.claim_type} claim holds at most {most}; split it",
                    "claim.lines")


@RULES.rule("line-numbering", "Lines are numbered 1, 2, 3 ... in order.", "X222A1/X223A2 2400 LX01")
def line_numbering(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for index, line in enumerate(document.claim.lines):
        if line.number != index + 1:
            yield error(f"line {index + 1} is numbered {line.number}: LX01 counts up from 1",
                        line_field(index, "number"))


@RULES.rule("line-control-number", "Line item control numbers are unique and at most 50 characters.",
            "X222A1/X223A2 2400 REF*6R (echoed on the 835 to match payments to lines)")
def line_control_number(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    seen: set[str] = set()
    for index, line in enumerate(document.claim.lines):
        if not line.control_number:
            continue
        if not _LINE_CONTROL_NUMBER.fullmatch(line.control_number):
            yield error("a line item control number is 1 to 50 letters, digits or hyphens",
                        line_field(index, "control_number"))
        elif line.control_number in seen:
            yield error("the line item control number is on another line too: the 835 could not tell the lines "
                        "apart", line_field(index, "control_number"))
        seen.add(line.control_number)


@RULES.rule("procedure-code", "Each line's procedure code is a CPT or HCPCS Level II code.",
            "X222A1 2400 SV101-2 (required); X223A2 SV202-2 (when billed); AMA CPT / CMS HCPCS shapes")
def procedure_code(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    professional = document.claim.claim_type == "professional"
    for index, line in enumerate(document.claim.lines):
        if not line.procedure_code:
            if professional:
                yield error("a professional line needs a CPT or HCPCS code", line_field(index, "procedure_code"))
        elif not is_procedure_code(line.procedure_code):
            yield error(f"{line.procedure_code!r} is not a CPT or HCPCS Level II code",
                        line_field(index, "procedure_code"))


@RULES.rule("fee-schedule", "Each billed code is on the practice's fee schedule.", "practice fee schedule")
def fee_schedule(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if context.fee_codes is None:
        return
    for index, line in enumerate(document.claim.lines):
        code = line.procedure_code
        # CPT II quality codes carry no fee, so schedules rarely list them.
        if code and not is_cpt_category_ii(code) and code not in context.fee_codes:
            yield warning(f"{code} is not on the practice's fee schedule: check the code or add its fee",
                          line_field(index, "procedure_code"))


@RULES.rule("category-ii-charge", "CPT Category II quality codes are billed at $0.00 or $0.01.",
            "AMA CPT Category II (performance measurement, no payment); CMS quality data code reporting")
def category_ii_charge(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for index, line in enumerate(document.claim.lines):
        if is_cpt_category_ii(line.procedure_code) and line.charge_cents > CATEGORY_II_NOMINAL_CENTS:
            yield warning(f"{line.procedure_code} is a CPT II quality code: payers pay nothing for it, so bill it "
                          "at $0.00 (or $0.01)", line_field(index, "charge_cents"))


@RULES.rule("line-charge", "Each line has a positive charge (CPT II quality codes may be $0.00).",
            "X222A1 2400 SV102 / X223A2 SV203 (monetary amount)")
def line_charge(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for index, line in enumerate(document.claim.lines):
        least = 0 if is_cpt_category_ii(line.procedure_code) else 1
        if line.charge_cents < least:
            yield error("the line charge must be positive" if least else "the line charge cannot be negative",
                        line_field(index, "charge_cents"))


@RULES.rule("line-units", "Each line bills at least one unit.", "X222A1 2400 SV104 / X223A2 SV205")
def line_units(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for index, line in enumerate(document.claim.lines):
        if line.units < 1:
            yield error("the line must bill at least one unit", line_field(index, "units"))


@RULES.rule("modifiers", "Each line's modifiers are well formed, at most four, and do not contradict.",
            "X222A1 SV101-3..6 / X223A2 SV202-3..6; CMS MLN MM8863 (59 with X{EPSU})")
def modifiers(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for index, line in enumerate(document.claim.lines):
        for problem in modifier_problems(line.modifiers):
            yield error(problem, line_field(index, "modifiers"))


@RULES.rule("em-modifier-25", "An E/M with modifier 25 has another procedure the same day.",
            "CPT modifier 25: a separately identifiable E/M on the day of a procedure")
def em_modifier_25(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    lines = document.claim.lines
    for index, line in enumerate(lines):
        if not (is_evaluation_and_management(line.procedure_code) and "25" in line.modifiers):
            continue
        if not any(_is_procedure_beside_em(other, line.service_date) for other in lines if other is not line):
            yield warning(f"{line.procedure_code} carries modifier 25 but no other procedure is billed that day: "
                          "remove 25 or add the procedure", line_field(index, "modifiers"))


def _is_procedure_beside_em(line: Line, day: date) -> bool:
    code = line.procedure_code
    return line.service_date == day and bool(code) and not is_evaluation_and_management(code) \
        and not is_cpt_category_ii(code)


@RULES.rule("mue-units", "Units stay within CMS's Medically Unlikely Edits.",
            "CMS NCCI MUE (MAI 1 per line; MAI 2 and 3 per date of service)")
def mue_units(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if context.mue is None:
        return
    per_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    for index, line in enumerate(document.claim.lines):
        edit = context.mue.get(line.procedure_code) if line.procedure_code else None
        if edit is None:
            continue
        if edit.per_date_of_service:
            per_day[(line.procedure_code, line.service_date)].append(index)
        elif line.units > edit.units:
            yield error(f"{line.units} units of {line.procedure_code} on one line: the MUE allows {edit.units} per "
                        "line", line_field(index, "units"))
    for (code, _), indexes in per_day.items():
        edit, total = context.mue.get(code), sum(document.claim.lines[i].units for i in indexes)
        if edit is not None and total > edit.units:
            kind = "policy" if edit.indicator == 2 else "clinical, payable on appeal with documentation"
            yield error(f"{total} units of {code} on one date of service: the MUE allows {edit.units} per day "
                        f"({kind})", line_field(indexes[0], "units"))


@RULES.rule("ncci-ptp", "No NCCI procedure-to-procedure pair is billed together without an allowed modifier.",
            "CMS NCCI PTP edits; NCCI Policy Manual ch. I section E (PTP-associated modifiers)")
def ncci_ptp(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if context.ptp is None:
        return
    lines = document.claim.lines
    for i, j in _same_day_pairs(lines):
        first, second = lines[i], lines[j]
        edit = context.ptp.edits_between(first.procedure_code, second.procedure_code, first.service_date)
        if edit is None or edit.modifier_indicator == 9:
            continue  # no edit, or one CMS deleted retroactively
        column_2 = i if first.procedure_code == edit.column_2 else j
        if edit.modifier_indicator == 0:
            yield error(f"{edit.column_2} is bundled into {edit.column_1} on the same day (NCCI PTP, no modifier "
                        "allowed): remove it", line_field(column_2, "procedure_code"))
        elif not NCCI_MODIFIERS & {*first.modifiers, *second.modifiers}:
            # CMS reads the modifier on either code of the pair.
            yield error(f"{edit.column_2} is bundled into {edit.column_1} on the same day (NCCI PTP): bill it only "
                        "if distinct, with an NCCI modifier (59, XE/XS/XP/XU, anatomic ...)",
                        line_field(column_2, "modifiers"))


def _same_day_pairs(lines: tuple[Line, ...]) -> Iterator[tuple[int, int]]:
    """Indexes of every two lines with different codes on the same date (a PTP edit needs both)."""
    for i, first in enumerate(lines):
        for j in range(i + 1, len(lines)):
            second = lines[j]
            if first.service_date == second.service_date and first.procedure_code and second.procedure_code \
                    and first.procedure_code != second.procedure_code:
                yield i, j


@RULES.rule("ncci-tables", "CMS's NCCI PTP and MUE tables for the claim's setting were loaded when it was scrubbed.",
            "CMS NCCI PTP and MUE tables, published quarterly; loaded with POST /admin/edit-tables/{name}/load")
def ncci_tables(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    missing = context.missing_edit_tables
    if not missing:
        return
    kinds = " and ".join(kind for kind in ("PTP", "MUE") if any(name.startswith(kind.lower()) for name in missing))
    tables = f"table {missing[0]} is" if len(missing) == 1 else f"tables {' and '.join(missing)} are"
    yield warning(f"NCCI {kinds} edits were not checked: CMS's {tables} not loaded", "claim.lines")
