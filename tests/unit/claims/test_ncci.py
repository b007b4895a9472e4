"""Loading CMS NCCI PTP edit files (small files written here in CMS's tab-delimited layout) into the compact
index and looking pairs up by date."""
from datetime import date

import pytest

from chalicelib.scrubbing.ncci import PtpEdit, PtpFormatError, load_ptp

COPYRIGHT = "CPT only copyright 2025 American Medical Association. All rights reserved."
HEADING = ("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
           "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale")
ROWS = [
    "11042\t97597\t\t20130101\t*\t1\tMisuse of column two code with column one code",
    "29881\t29877\t*\t19960101\t*\t0\tMutually exclusive procedures",
    "12001\t11042\t\t19960101\t20200101\t1\tDeleted edit",
    "20610\tJ1030\t\t20190101\t*\t9\tNot applicable",
]


def ptp_file(*rows: str, head: tuple[str, ...] = (COPYRIGHT, "", "", HEADING)) -> list[str]:
    return [f"{line}\r\n" for line in (*head, *rows)]


def test_a_cms_ptp_file_loads_every_edit_with_its_fields():
    table = load_ptp(ptp_file(*ROWS))
    assert len(table) == 4
    assert table.edit("29881", "29877", date(2026, 3, 10)) == PtpEdit(
        "29881", "29877", date(1996, 1, 1), None, 0, "Mutually exclusive procedures", prior_to_1996=True)


def test_a_heading_spread_over_several_rows_is_skipped():
    head = (COPYRIGHT, "Column1/Column2 Edits", "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\t"
            "PTP Edit Rationale", "\t\tprior to 1996\tDate\tDate\t0=not allowed\t", "\t\t\t\t*=no data\t1=allowed\t")
    assert len(load_ptp(ptp_file(*ROWS, head=head))) == 4


def test_lines_without_line_endings_load_the_same():
    assert len(load_ptp([COPYRIGHT, HEADING, *ROWS])) == 4


def test_a_pair_is_found_whichever_code_is_billed_first_but_edit_is_directional():
    table, day = load_ptp(ptp_file(*ROWS)), date(2026, 3, 10)
    assert table.edits_between("97597", "11042", day).column_2 == "97597"
    assert table.edit("97597", "11042", day) is None and table.edit("11042", "97597", day) is not None


@pytest.mark.parametrize("day, in_effect", [(date(2019, 12, 31), True), (date(2020, 1, 1), False),
                                            (date(1995, 12, 31), False), (date(1996, 1, 1), True)])
def test_an_edit_applies_from_its_effective_date_until_the_day_before_its_deletion(day, in_effect):
    table = load_ptp(ptp_file(*ROWS))
    assert (table.edits_between("12001", "11042", day) is not None) == in_effect


def test_a_pair_deleted_and_added_again_answers_with_the_row_in_effect_that_day():
    table = load_ptp(ptp_file("99213\t36415\t\t20150101\t20230101\t0\tOld", "99213\t36415\t\t20230101\t*\t1\tNew"))
    assert table.edit("99213", "36415", date(2022, 6, 1)).modifier_indicator == 0
    assert table.edit("99213", "36415", date(2024, 6, 1)).modifier_indicator == 1


def test_concatenated_files_each_with_their_heading_load_as_one_table():
    lines = ptp_file(*ROWS[:2]) + ptp_file(*ROWS[2:])
    assert len(load_ptp(lines)) == 4


def test_files_given_out_of_code_order_are_sorted_into_one_index():
    later_codes_first = ptp_file(*ROWS[2:]) + ptp_file(*ROWS[:2])
    table = load_ptp(later_codes_first)
    assert len(table) == 4 and table.edit("20610", "J1030", date(2026, 1, 1)).modifier_indicator == 9
    assert table.edit("11042", "97597", date(2026, 1, 1)).rationale == ROWS[0].split("\t")[-1]


@pytest.mark.parametrize("row, complaint", [
    ("11042\t97597\t\t20130101\t*", "5 tab-separated fields"),
    ("1104\t97597\t\t20130101\t*\t1\tx", "column 1 '1104'"),
    ("11042\t97597 X\t\t20130101\t*\t1\tx", "column 2 '97597 X'"),
    ("11042\t97597\tY\t20130101\t*\t1\tx", "prior-to-1996 flag"),
    ("11042\t97597\t\t20131301\t*\t1\tx", "effective date '20131301'"),
    ("11042\t97597\t\t20130101\t2013\t1\tx", "deletion date '2013'"),
    ("11042\t97597\t\t20130101\t20120101\t1\tx", "before effective date"),
    ("11042\t97597\t\t20130101\t*\t2\tx", "modifier indicator '2'"),
    ("bad row", "1 tab-separated fields"),
])
def test_a_malformed_row_is_refused_naming_its_line(row, complaint):
    with pytest.raises(PtpFormatError, match=rf"^line 6: .*{complaint}"):
        load_ptp(ptp_file(ROWS[0], row))


def test_a_file_without_the_column_headings_is_not_a_ptp_file():
    with pytest.raises(PtpFormatError, match="line 1: an edit before the 'Column 1' heading"):
        load_ptp(ROWS)
    with pytest.raises(PtpFormatError, match="no 'Column 1' heading"):
        load_ptp(["HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale",
                  "99213,2,3 Date of Service Edit: Clinical,Clinical: Data"])


def test_a_file_with_headings_and_no_edits_is_an_empty_table_that_finds_nothing():
    assert load_ptp(ptp_file()).edits_between("99213", "36415", date(2026, 1, 1)) is None


@pytest.mark.parametrize("pair", [("2988", "129877"), ("29881 ", "29877"), ("", "2988129877"), ("29881", "2987é")])
def test_codes_that_are_not_two_five_character_codes_match_no_edit(pair):
    assert load_ptp(ptp_file(*ROWS)).edit(*pair, date(2026, 3, 10)) is None


def test_rows_with_spaces_around_their_fields_read_as_the_same_edit():
    spaced = "29881 \t 29877\t*\t19960101 \t*\t0\tMutually exclusive procedures "
    table, day = load_ptp(ptp_file(spaced)), date(2026, 3, 10)
    assert table.edit("29881", "29877", day) == load_ptp(ptp_file(ROWS[1])).edit("29881", "29877", day)
