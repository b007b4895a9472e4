"""Service line rules (rules_lines.py), with NCCI PTP and MUE tables loaded from small files in CMS's layout."""
from datetime import timedelta

import pytest

from chalicelib.edi.claim.document import Line
from chalicelib.scrubbing.mue import load_mue
from chalicelib.scrubbing.ncci import load_ptp
from chalicelib.scrubbing.scrub import ScrubContext, scrub
from tests.claims_factory import (
    DAY,
    TODAY,
    case,
    make_document,
    make_inpatient,
    make_institutional,
    make_lines,
    rule_flags,
    with_claim,
    with_line,
)

E, W = "error", "warning"
PTP_HEAD = ("CPT only copyright 2025 American Medical Association. All rights reserved.\n\n"
            "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
            "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n")
MUE_HEAD = ('"CPT codes and descriptions only are copyright 2025 American Medical Association."\n'
            '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n')


def ptp(*rows):
    return load_ptp((PTP_HEAD + "\n".join(rows)).splitlines())


def mue(*rows):
    return load_mue((MUE_HEAD + "\n".join(rows)).splitlines(keepends=True))


VENIPUNCTURE_BUNDLED = ptp("82962\t36415\t\t20200101\t*\t1\tStandards of medical / surgical practice")
THREE_LINES = make_document(lines=make_lines(3))  # 99213-25, 82962 x2, 36415 on DAY


def three_lines(index, **changes):
    return with_line(THREE_LINES, index, **changes)


SWAPPED = make_document(lines=(Line(1, "99213", 12500, 1, DAY, (1, 2), ("25",)), Line(2, "36415", 1000, 1, DAY, (1,)),
                               Line(3, "82962", 3000, 2, DAY, (1,))))


CASES = [
    case("none", "line-count", with_claim(make_document(), lines=(), total_charge_cents=0), (E, "claim.lines")),
    case("51 on a professional claim", "line-count", make_document(lines=make_lines(51)), (E, "claim.lines")),
    case("numbered out of order", "line-numbering", with_line(make_document(), 1, number=5),
         (E, "claim.lines.1.number")),
    case("control number reused", "line-control-number", with_line(make_document(), 1, control_number="L1"),
         (E, "claim.lines.1.control_number")),
    case("control number over 50 characters", "line-control-number",
         with_line(make_document(), 0, control_number="L" * 51), (E, "claim.lines.0.control_number")),
    case("four digits", "procedure-code", with_line(make_document(), 0, procedure_code="9921"),
         (E, "claim.lines.0.procedure_code")),
    case("missing on a professional line", "procedure-code", with_line(make_document(), 1, procedure_code=""),
         (E, "claim.lines.1.procedure_code")),
    case("code not on the fee schedule", "fee-schedule", make_document(), (W, "claim.lines.1.procedure_code"),
         fee_codes=frozenset({"99213"})),
    case("CPT II charged $5.00", "category-ii-charge", with_line(make_document(), 1, procedure_code="3074F",
                                                                  charge_cents=500, units=1),
         (W, "claim.lines.1.charge_cents")),
    case("zero charge", "line-charge", with_line(make_document(), 1, charge_cents=0),
         (E, "claim.lines.1.charge_cents")),
    case("negative CPT II charge", "line-charge", with_line(make_document(), 1, procedure_code="3074F",
                                                            charge_cents=-1),
         (E, "claim.lines.1.charge_cents")),
    case("zero units", "line-units", with_line(make_document(), 1, units=0), (E, "claim.lines.1.units")),
    case("59 with XS", "modifiers", with_line(make_document(), 1, modifiers=("59", "XS")),
         (E, "claim.lines.1.modifiers")),
    case("five modifiers", "modifiers", with_line(make_document(), 1, modifiers=("59", "LT", "91", "QW", "GA")),
         (E, "claim.lines.1.modifiers")),
    case("E/M-25 alone", "em-modifier-25", make_document(lines=make_lines(1)), (W, "claim.lines.0.modifiers")),
    case("E/M-25 with a procedure on another day", "em-modifier-25",
         with_line(make_document(service_to=DAY + timedelta(days=1)), 1, service_date=DAY + timedelta(days=1)),
         (W, "claim.lines.0.modifiers")),
    case("MAI 1: too many units on a line", "mue-units", make_document(), (E, "claim.lines.1.units"),
         mue=mue("82962,1,1 Line Edit,Clinical: Data")),
    case("MAI 2: the day's units summed", "mue-units", three_lines(1, procedure_code="36415", units=1),
         (E, "claim.lines.1.units"), mue=mue("36415,1,2 Date of Service Edit: Policy,Code Descriptor")),
    case("MAI 3: the day's units summed", "mue-units", three_lines(1, procedure_code="36415", units=1),
         (E, "claim.lines.1.units"), mue=mue("36415,1,3 Date of Service Edit: Clinical,Clinical: Data")),
    case("indicator 1 pair without a modifier", "ncci-ptp", THREE_LINES, (E, "claim.lines.2.modifiers"),
         ptp=VENIPUNCTURE_BUNDLED),
    case("indicator 0 pair even with 59", "ncci-ptp", three_lines(2, modifiers=("59",)),
         (E, "claim.lines.2.procedure_code"), ptp=ptp("82962\t36415\t\t20200101\t*\t0\tMutually exclusive")),
    case("column 2 code billed first", "ncci-ptp", SWAPPED, (E, "claim.lines.1.modifiers"), ptp=VENIPUNCTURE_BUNDLED),
    case("PTP and MUE not loaded", "ncci-tables", THREE_LINES, (W, "claim.lines"),
         missing_edit_tables=("ptp-practitioner", "mue-practitioner")),
    case("MUE not loaded", "ncci-tables", THREE_LINES, (W, "claim.lines"), ptp=VENIPUNCTURE_BUNDLED,
         missing_edit_tables=("mue-practitioner",)),
]


@pytest.mark.parametrize("rule_id, document, expected, context", CASES)
def test_a_line_rule_names_the_field_to_fix(rule_id, document, expected, context):
    assert rule_flags(document, rule_id, **context) == expected


@pytest.mark.parametrize("modifiers, index", [(("59",), 2), (("XU",), 2), (("RT",), 2), (("25", "XS"), 1),
                                              (("91",), 1)])
def test_an_ncci_modifier_on_either_line_of_an_indicator_1_pair_lets_both_through(modifiers, index):
    assert rule_flags(three_lines(index, modifiers=modifiers), "ncci-ptp", ptp=VENIPUNCTURE_BUNDLED) == []


@pytest.mark.parametrize("row", [
    "82962\t36415\t\t20200101\t*\t9\tDeleted retroactively",
    "82962\t36415\t\t20200101\t20260101\t1\tDeleted before the date of service",
    "82962\t36415\t\t20260311\t*\t1\tEffective the day after the service",
])
def test_pairs_with_no_edit_in_effect_on_the_date_of_service_pass(row):
    assert rule_flags(THREE_LINES, "ncci-ptp", ptp=ptp(row)) == []


def test_an_edit_deleted_the_day_after_the_service_still_applies():
    table = ptp("82962\t36415\t\t20200101\t20260311\t1\tDeleted the next day")
    assert rule_flags(THREE_LINES, "ncci-ptp", ptp=table) == [(E, "claim.lines.2.modifiers")]


def test_a_pair_billed_on_different_days_is_not_an_ncci_pair():
    later = DAY + timedelta(days=1)
    document = with_line(with_claim(THREE_LINES, service_to=later), 2, service_date=later)
    assert rule_flags(document, "ncci-ptp", ptp=VENIPUNCTURE_BUNDLED) == []


def test_without_tables_the_ncci_rules_do_not_run():
    assert rule_flags(THREE_LINES, "ncci-ptp") == [] and rule_flags(make_document(), "mue-units") == []


@pytest.mark.parametrize("missing, message", [
    (("ptp-practitioner", "mue-practitioner"),
     "NCCI PTP and MUE edits were not checked: CMS's tables ptp-practitioner and mue-practitioner are not loaded"),
    (("mue-outpatient",), "NCCI MUE edits were not checked: CMS's table mue-outpatient is not loaded"),
])
def test_a_claim_scrubbed_without_its_edit_tables_says_in_one_warning_which_were_not_checked(missing, message):
    found = scrub(THREE_LINES, ScrubContext(today=TODAY, missing_edit_tables=missing))
    assert [(f.severity, f.message) for f in found if f.rule_id == "ncci-tables"] == [("warning", message)]


def test_a_line_edit_judges_each_line_alone_even_when_the_day_adds_up_to_more():
    document = three_lines(1, procedure_code="36415", units=1)  # two lines of 36415, one unit each
    assert rule_flags(document, "mue-units", mue=mue("36415,1,1 Line Edit,Clinical: Data")) == []


def test_units_at_the_mue_value_pass():
    assert rule_flags(make_document(), "mue-units", mue=mue("82962,2,3 Date of Service Edit: Clinical,x")) == []


@pytest.mark.parametrize("cents", [0, 1])
def test_cpt_ii_codes_at_zero_or_one_cent_pass_both_charge_rules(cents):
    document = with_line(make_document(), 1, procedure_code="3074F", charge_cents=cents, units=1)
    assert rule_flags(document, "category-ii-charge") == [] and rule_flags(document, "line-charge") == []


def test_cpt_ii_codes_need_not_be_on_the_fee_schedule():
    document = with_line(make_document(), 1, procedure_code="3074F", charge_cents=0, units=1)
    assert rule_flags(document, "fee-schedule", fee_codes=frozenset({"99213"})) == []


def test_an_em_with_25_beside_only_a_quality_code_has_no_procedure_that_day():
    document = with_line(make_document(), 1, procedure_code="3074F", charge_cents=0, units=1)
    assert rule_flags(document, "em-modifier-25") == [(W, "claim.lines.0.modifiers")]


def test_an_institutional_line_may_be_billed_by_revenue_code_alone():
    assert rule_flags(make_inpatient(), "procedure-code") == []


def test_999_lines_fit_an_institutional_claim_and_1000_do_not():
    lines = tuple(Line(n, "85025", 100, 1, DAY, revenue_code="0300") for n in range(1, 1001))
    assert rule_flags(make_institutional(lines=lines[:999]), "line-count") == []
    assert rule_flags(make_institutional(lines=lines), "line-count") == [(E, "claim.lines")]
