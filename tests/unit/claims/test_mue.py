"""Loading CMS MUE files (small files written here in CMS's CSV layout, and the tab-delimited Medicaid one)."""
import pytest

from chalicelib.scrubbing.mue import MueEdit, MueFormatError, load_mue

CSV_FILE = (
    '"CPT codes, descriptions and other data only are copyright 2025 American Medical Association."\n'
    '\n'
    '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n'
    '99213,2,3 Date of Service Edit: Clinical,Clinical: Data\n'
    '36415,2,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction\n'
    'J1100,20,1 Line Edit,"Clinical: Data, Nature of Service"\n'
    '0001U,0,2 Date of Service Edit: Policy,CMS Policy\n'
)
TAB_FILE = ("Medicaid MUE, Practitioner Services\n"
            "HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\tMUE Rationale\n"
            "99213\t2\t3\tClinical: Data\n")


def test_a_cms_mue_file_loads_every_code_with_value_indicator_and_rationale():
    table = load_mue(CSV_FILE.splitlines(keepends=True))
    assert len(table) == 4
    assert table.get("J1100") == MueEdit("J1100", 20, 1, "Clinical: Data, Nature of Service")
    assert table.get("99213") == MueEdit("99213", 2, 3, "Clinical: Data") and table.get("99214") is None


def test_lines_stripped_of_their_endings_load_the_same():
    assert len(load_mue(CSV_FILE.splitlines())) == 4


def test_indicators_2_and_3_are_date_of_service_edits_and_1_a_line_edit():
    table = load_mue(CSV_FILE.splitlines())
    assert [table.get(code).per_date_of_service for code in ("99213", "36415", "J1100")] == [True, True, False]


def test_a_zero_value_means_no_unit_is_payable():
    assert load_mue(CSV_FILE.splitlines()).get("0001U").units == 0


def test_the_tab_delimited_medicaid_layout_with_bare_indicators_loads_too():
    assert load_mue(TAB_FILE.splitlines()).get("99213") == MueEdit("99213", 2, 3, "Clinical: Data")


@pytest.mark.parametrize("row, complaint", [
    ("99214,two,3 Date of Service Edit: Clinical,x", "MUE value 'two'"),
    ("99214,-1,3 Date of Service Edit: Clinical,x", "MUE value '-1'"),
    ("99214,2,4 Something Else,x", "adjudication indicator '4 Something Else'"),
    ("99214,2,Line Edit,x", "adjudication indicator 'Line Edit'"),
    ("9921,2,1 Line Edit,x", "'9921' is not a five-character"),
    ("99214,2", "2 fields"),
    ("99214,2,1 Line Edit,x,extra", "5 fields"),
    ("99213,1,1 Line Edit,x", "99213 is listed twice"),
])
def test_a_malformed_row_is_refused_naming_its_line(row, complaint):
    # The heading spans lines 3 and 4, so the four good rows are lines 5-8 and the bad one line 9.
    with pytest.raises(MueFormatError, match=rf"^line 9: .*{complaint}"):
        load_mue((CSV_FILE + row + "\n").splitlines(keepends=True))


def test_a_file_without_the_mue_headings_is_not_an_mue_file():
    with pytest.raises(MueFormatError, match="not a CMS MUE file"):
        load_mue(["Column 1\tColumn 2\t*=in existence prior to 1996", "99213\t36415\t\t20150101\t*\t1\tx"])
