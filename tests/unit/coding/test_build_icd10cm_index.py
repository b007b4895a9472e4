"""The ICD-10-CM build tool: a later year from CMS's full order file or from its addenda on the year before,
and the checks that refuse a file applied to the wrong year or changed since the index was built."""
from datetime import date

import pytest

from chalicelib.coding import icd10cm
from tests.unit.coding.build_tool import load_build_tool

FY2027_DAY = date(2026, 12, 1)

ADDENDA_2027 = "icd10cm_order_addenda_2027.txt"


@pytest.fixture(scope="module")
def tool():
    return load_build_tool()


@pytest.fixture(scope="module")
def fy2026(tool):
    return tool.package_year(tool.find_source())  # about 1.5 s: parses the package's tabular XML once here


def addenda_line(action, billable, code, title):
    return f"{action:<13}{int(billable)} {code:<7} {title[:60]:<60} {title}"


def order_line(number, billable, code, title):
    return f"{number:05d} {code:<7} {int(billable)} {title[:60]:<60} {title}"


def footer(before, after):
    (h0, b0), (h1, b1) = before, after
    return ["", "Headers", f"  {h0} headers in icd10cm_order_2026.txt", f"  {h1} headers in icd10cm_order_2027.txt",
            "Codes", f"  {b0} codes in icd10cm_order_2026.txt", f"  {b1} codes in icd10cm_order_2027.txt"]


def write(path, lines):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())  # CMS's files end lines with CRLF
    return path


def small_addenda(tool, fy2026, path, **footer_change):
    """I42.0 subdivided (a header with I42.00 under it) and Z29.14 retitled, as CMS's FY2027 addenda do."""
    headers, billable = tool.counts(fy2026.codes)
    after = (headers + 1 + footer_change.get("headers", 0), billable)
    return write(path, [addenda_line("Delete:", True, "I420", "Dilated cardiomyopathy"),
                        addenda_line("Add:", False, "I420", "Dilated cardiomyopathy"),
                        addenda_line("Add:", True, "I4200", "Dilated cardiomyopathy, unspecified"),
                        addenda_line("Revise from:", True, "Z2914", "Encounter for prophylactic rabies immune globin"),
                        addenda_line("Revise to:", True, "Z2914", "Encounter for prophylactic rabies immune globulin"),
                        *footer((headers, billable), after)])


def test_an_addenda_applies_its_deletions_additions_and_revisions_to_the_year_before(tool, fy2026, tmp_path):
    year = tool.cms_year(small_addenda(tool, fy2026, tmp_path / ADDENDA_2027), fy2026)
    assert (year.fiscal_year, year.kind, year.release) == (2027, "addenda", date(2026, 10, 1))
    assert year.codes["I420"] == (False, "Dilated cardiomyopathy") and year.codes["I4200"][0] is True
    assert year.codes["Z2914"] == (True, "Encounter for prophylactic rabies immune globulin")
    assert len(year.codes) == len(fy2026.codes) + 1


def test_the_index_keeps_both_years_and_each_years_title(tool, fy2026, tmp_path):
    text = tool.render([fy2026, tool.cms_year(small_addenda(tool, fy2026, tmp_path / ADDENDA_2027), fy2026)])
    lines = {line.split("\t", 1)[0]: line for line in text.splitlines() if not line.startswith("#")}
    assert lines["I420"] == "I420\t10\tDilated cardiomyopathy"
    assert lines["I4200"] == "I4200\t-1\tDilated cardiomyopathy, unspecified"
    assert lines["Z2914"] == ("Z2914\t11\tEncounter for prophylactic rabies immune globulin"
                              "\tFY2026=Encounter for prophylactic rabies immune globin")


def test_an_addenda_whose_footer_disagrees_with_the_result_is_refused(tool, fy2026, tmp_path):
    path = small_addenda(tool, fy2026, tmp_path / ADDENDA_2027, headers=1)
    with pytest.raises(SystemExit, match="footer counts"):
        tool.cms_year(path, fy2026)


def test_an_addenda_deleting_a_code_the_year_before_lacks_is_refused_naming_its_line(tool, fy2026, tmp_path):
    path = write(tmp_path / ADDENDA_2027, [addenda_line("Delete:", True, "E1199", "Made up")])
    with pytest.raises(SystemExit, match="line 1: Delete: E1199"):
        tool.cms_year(path, fy2026)


def test_a_line_out_of_cms_layout_is_refused(tool, fy2026, tmp_path):
    path = write(tmp_path / ADDENDA_2027, ["Add:  1 I4200 Dilated cardiomyopathy, unspecified"])
    with pytest.raises(SystemExit, match="line 1: not in CMS's layout"):
        tool.cms_year(path, fy2026)


def test_a_file_for_a_year_other_than_the_next_is_refused(tool, fy2026, tmp_path):
    path = small_addenda(tool, fy2026, tmp_path / "icd10cm_order_addenda_2028.txt")
    with pytest.raises(SystemExit, match="the next year to load is FY2027"):
        tool.cms_year(path, fy2026)


def test_a_full_order_file_builds_the_same_year_as_the_addenda_on_the_year_before(tool, fy2026, tmp_path):
    # FY2027 as the committed index holds it, written out in CMS's order-file layout.
    codes = [(c.code, c.billable, c.description) for c in icd10cm.search("", limit=1_000_000, day=FY2027_DAY)]
    path = write(tmp_path / "icd10cm_order_2027.txt",
                 [order_line(n, billable, code, title) for n, (code, billable, title) in enumerate(codes, start=1)])
    year = tool.cms_year(path, fy2026)
    assert year.kind == "order" and year.codes == {code: (billable, title) for code, billable, title in codes}


def test_a_rebuild_refuses_a_cms_file_that_changed_since_the_index_was_built(tool, fy2026, tmp_path):
    path = small_addenda(tool, fy2026, tmp_path / ADDENDA_2027)
    index = tmp_path / "icd10cm.tsv"
    index.write_text(tool.render([fy2026, tool.cms_year(path, fy2026)]), encoding="utf-8")
    assert [year["source"] for year in tool.recorded(index)] == [ADDENDA_2027]
    path.write_bytes(path.read_bytes().replace(b"globulin", b"globulins"))
    with pytest.raises(SystemExit, match="SHA-256 differs"):
        tool.build(tool.recorded(index), tmp_path)


def test_cms_fy2027_addenda_on_fy2026_gives_cms_fy2027_counts_and_fits_no_other_year(tool, fy2026):
    path = tool.SOURCES / ADDENDA_2027
    if not path.exists():
        pytest.skip(f"CMS's FY2027 addenda is not beside the clone ({path})")
    fy2027 = tool.cms_year(path, fy2026)  # the build checks the footer's counts for both years itself
    assert tool.counts(fy2027.codes) == (98_403 - 74_879, 74_879)
    with pytest.raises(SystemExit, match="adds C7831, which the year before already holds"):
        tool.cms_year(path, fy2027, 2028)
