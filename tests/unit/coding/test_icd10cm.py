"""The multi-year ICD-10-CM index: FY2026 against the package it was built from, FY2027 from CMS's addenda,
lookups, validity on a date of service judged with the year in force, prefix search, laziness."""
import importlib.metadata
import subprocess
import sys
import warnings
from datetime import date, datetime, timedelta

import pytest

from chalicelib.coding import icd10cm
from chalicelib.coding.icd10cm import Icd10Code
from tests.unit.coding.build_tool import ROOT, load_build_tool

FY2026_DAY, FY2027_DAY = date(2026, 1, 15), date(2026, 12, 1)
LAST_FY2026, FIRST_FY2027 = date(2026, 9, 30), date(2026, 10, 1)
# The fifteen FY2026 billable codes FY2027 subdivided into headers, and the codes it deleted outright
# (SOURCES.md beside the addenda, and the addenda's Delete/Add pairs).
SUBDIVIDED = {"D691", "I420", "I428", "I498", "M722", *(f"M868X{n}" for n in range(1, 9)), "Z681", "Z87890"}
DELETED = {"S23420", "S23420A", "S23420D", "S23420S", "T528X",
           *(f"T528X{n}{s}" for n in range(1, 5) for s in ("", "A", "D", "S"))}


def newest() -> icd10cm.CodeSet:
    return icd10cm.code_sets()[-1]


@pytest.fixture(scope="module")
def package():
    with warnings.catch_warnings():  # it reads its data with importlib.resources' deprecated read_text
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # a dev dependency (requirements-dev.txt): about 2 s to import, so only here
    return simple_icd_10_cm


def every_code(day: date) -> dict[str, Icd10Code]:
    return {c.code: c for c in icd10cm.search("", limit=1_000_000, day=day)}


@pytest.fixture(scope="module")
def fy2026() -> dict[str, Icd10Code]:
    return every_code(FY2026_DAY)


@pytest.fixture(scope="module")
def fy2027() -> dict[str, Icd10Code]:
    return every_code(FY2027_DAY)


# --- FY2026 against the package it was built from ---------------------------------------------------------

def test_fy2026_lists_exactly_the_packages_categories_and_codes(package, fy2026):
    expected = {c.replace(".", "") for c in package.get_all_codes() if package.is_category_or_subcategory(c)}
    assert set(fy2026) == expected


def test_fy2026_and_the_package_agree_on_billable_and_description_for_every_code(package, fy2026):
    disagreements = []
    for code, entry in fy2026.items():
        # The one deliberate difference: a tab some seventh-character notes start with (H35.31, S52.0) is dropped.
        description = package.get_description(code).replace("/\t", "/")
        if (entry.billable, entry.description) != (package.is_leaf(code), description):
            disagreements.append(code)
    assert disagreements == []


def test_fy2026_holds_its_published_counts(fy2026):
    # FY2025 (April 2025 release) had 74,260 billable codes; the October 2025 update added 487 and deleted 28.
    # The April 2026 release the package carries adds nothing to that, so it holds for the whole fiscal year.
    assert (len(fy2026), sum(c.billable for c in fy2026.values())) == (98_186, 74_719)


def test_the_index_names_each_code_set_and_what_it_was_built_from():
    fy26, fy27 = icd10cm.code_sets()[:2]
    assert (fy26.name, fy26.release, fy26.starts, fy26.ends) == \
        ("FY2026", date(2026, 4, 1), date(2025, 10, 1), date(2026, 9, 30))
    assert fy26.source == f"simple-icd-10-cm {importlib.metadata.version('simple-icd-10-cm')}"
    assert (fy27.name, fy27.starts, fy27.ends, fy27.source) == \
        ("FY2027", date(2026, 10, 1), date(2027, 9, 30), "icd10cm_order_addenda_2027.txt")


def test_committed_index_is_what_the_build_tool_makes_from_its_sources():
    tool = load_build_tool()
    recorded = tool.recorded(icd10cm.INDEX_PATH)
    absent = [year["source"] for year in recorded if not (tool.SOURCES / year["source"]).exists()]
    if absent:
        pytest.skip(f"CMS's files are not beside the clone ({', '.join(absent)} in {tool.SOURCES})")
    fresh = tool.render(tool.build(recorded, tool.SOURCES))
    assert icd10cm.INDEX_PATH.read_text(encoding="utf-8") == fresh, \
        "stale index: run .venv/bin/python tools/build_icd10cm_index.py"


# --- FY2027: FY2026 plus CMS's addenda -------------------------------------------------------------------

def test_fy2027_holds_the_counts_cms_publishes(fy2027):
    assert (len(fy2027), sum(c.billable for c in fy2027.values())) == (98_403, 74_879)


def test_fy2027_turns_fifteen_subdivided_codes_into_headers(fy2026, fy2027):
    became_headers = {code for code, c in fy2027.items() if not c.billable and fy2026.get(code, c).billable}
    assert became_headers == SUBDIVIDED


def test_fy2027_deletes_the_sternoclavicular_sprain_and_organic_solvent_codes(fy2026, fy2027):
    assert set(fy2026) - set(fy2027) == DELETED and len(DELETED) == 21


def test_fy2027_adds_190_billable_codes(fy2026, fy2027):
    added = {code for code, c in fy2027.items() if code not in fy2026 and c.billable}
    assert len(added) == 190 and {"I4200", "I4281", "D6911", "E89830"} <= added


def test_a_revised_title_is_kept_for_each_year():
    assert icd10cm.lookup("Z29.14", FY2026_DAY).description == "Encounter for prophylactic rabies immune globin"
    assert icd10cm.lookup("Z29.14", FY2027_DAY).description == "Encounter for prophylactic rabies immune globulin"


# --- lookups ---------------------------------------------------------------------------------------------

def test_e11_9_is_billable_type_2_diabetes_without_complications():
    assert icd10cm.lookup("E11.9") == Icd10Code("E119", True, "Type 2 diabetes mellitus without complications")


def test_e11_is_a_category_header_and_not_billable():
    assert icd10cm.lookup("E11") == Icd10Code("E11", False, "Type 2 diabetes mellitus")
    assert not icd10cm.is_billable("E11")


def test_seventh_character_codes_are_in_the_index_with_their_placeholder():
    code = icd10cm.lookup("S00.00XA")
    assert code.billable and code.description == "Unspecified superficial injury of scalp, initial encounter"
    assert not icd10cm.is_billable("S00.00")


def test_a_lookup_without_a_date_reads_the_newest_code_set():
    assert icd10cm.is_billable("I42.0", FY2026_DAY) and not icd10cm.is_billable("I42.0")
    assert icd10cm.lookup("S23.420A") is None and icd10cm.lookup("S23.420A", FY2026_DAY).billable


def test_history_lists_each_code_set_that_has_the_code():
    assert [(s.name, c.billable) for s, c in icd10cm.history("I42.0")] == [("FY2026", True), ("FY2027", False)]
    assert [s.name for s, _ in icd10cm.history("I42.00")] == ["FY2027"]
    assert icd10cm.history("E11.99X") == []


@pytest.mark.parametrize("made_up", ["E11.99", "Q99.99", "Z00.000", "A000Z", "U99"])
def test_made_up_codes_are_absent(made_up):
    assert icd10cm.history(made_up) == [] and not icd10cm.is_billable(made_up)


@pytest.mark.parametrize("spelling", ["E11.9", "E119", "e11.9", "e119", " E11.9 "])
def test_a_code_is_found_with_or_without_its_dot_in_any_case(spelling):
    assert icd10cm.lookup(spelling).code == "E119"


@pytest.mark.parametrize("malformed", ["", "E", "E1", "E1.19", "E11.", "E11..9", "11E9", "E11\t9", "E11.98765",
                                       "A00-A09", "#icd10cm", "#code_set", "E11.9\n1"])
def test_malformed_codes_are_not_found(malformed):
    assert icd10cm.lookup(malformed) is None and icd10cm.history(malformed) == []


def test_dotted_form_puts_the_dot_after_the_category():
    assert [icd10cm.lookup(c).dotted for c in ("E11", "E119", "S0000XA")] == ["E11", "E11.9", "S00.00XA"]


def test_every_indexed_code_is_found_by_its_dotted_and_undotted_forms(fy2026, fy2027):
    # Proves the bisection over lines (first and last lines included) and the code-shape rule together:
    # FY2026's QA0 broke the old "letter, digit" rule for categories.
    missed = [c.code for day, codes in ((FY2026_DAY, fy2026), (FY2027_DAY, fy2027)) for c in codes.values()
              if icd10cm.lookup(c.dotted, day) != c or icd10cm.lookup(c.code.lower(), day) != c]
    assert missed == []


# --- validity on a date of service -----------------------------------------------------------------------

def problems(code, day):
    return [(p.severity, p.message) for p in icd10cm.validate_diagnosis(code, day)]


@pytest.mark.parametrize("day", [date(2025, 10, 1), FY2026_DAY, LAST_FY2026, FIRST_FY2027, FY2027_DAY,
                                 datetime(2026, 4, 1, 9, 30)])
def test_a_code_billable_in_both_years_has_no_problems(day):
    assert icd10cm.validate_diagnosis("E119", day) == []


def test_i42_0_is_billable_on_the_last_day_of_fy2026_and_a_header_from_the_first_of_fy2027():
    assert problems("I42.0", LAST_FY2026) == []
    [(severity, message)] = problems("I42.0", FIRST_FY2027)
    assert severity == "error" and message.startswith("I42.0 (Dilated cardiomyopathy) is a header in ICD-10-CM "
                                                      "FY2027, not billable")
    assert "billable until 2026-09-30" in message


def test_a_deleted_code_is_refused_from_its_deletion_on():
    assert problems("S23.420A", LAST_FY2026) == []
    assert problems("S23.420A", FIRST_FY2027) == [
        ("error", "S23.420A is not in ICD-10-CM FY2027: it was deleted on 2026-10-01, after FY2026")]


def test_a_new_code_is_refused_before_it_existed():
    assert problems("I42.00", FIRST_FY2027) == []
    assert problems("I42.00", LAST_FY2026) == [
        ("error", "I42.00 is not in ICD-10-CM FY2026: it took effect on 2026-10-01 (FY2027)")]


def test_a_header_is_refused_as_not_billable():
    [(severity, message)] = problems("E11", FY2027_DAY)
    assert severity == "error" and "E11 (Type 2 diabetes mellitus) is a header in ICD-10-CM FY2027" in message


def test_a_code_missing_its_seventh_character_is_refused_naming_the_characters():
    [(severity, message)] = problems("S72.001", FY2027_DAY)
    assert severity == "error" and "needs its 7th character" in message and "S72.001A" in message


def test_an_unknown_code_is_refused_as_not_in_the_code_set():
    assert problems("E11.99X", FY2027_DAY) == [("error", "E11.99X is not an ICD-10-CM code in FY2027")]


def test_a_malformed_code_is_refused_whatever_the_date():
    assert problems("E1.19", date(2030, 1, 1)) == [("error", "'E1.19' is not a well-formed ICD-10-CM code")]


@pytest.mark.parametrize("day", [FY2026_DAY, FY2027_DAY, date(2026, 10, 1)])
def test_a_loaded_year_judges_its_own_dates(day):
    judge = icd10cm.basis(day)
    assert judge.loaded and judge.code_set.covers(day) and judge.note() is None


def test_a_date_past_the_newest_code_set_is_judged_with_the_newest():
    later = newest().ends + timedelta(days=1)
    judge = icd10cm.basis(later)
    assert judge.code_set == newest() and not judge.loaded
    assert judge.note().startswith(f"the ICD-10-CM code set for FY{newest().fiscal_year + 1} (dates of service "
                                   f"{later} to ")
    assert f"judged with {newest().name}, the newest loaded" in judge.note()


def test_past_the_newest_code_set_a_header_is_an_error_and_an_unknown_code_a_warning():
    later = newest().ends + timedelta(days=1)
    assert problems("E11", later)[0][0] == "error"
    assert problems("E11.99X", later) == [
        ("warning", f"E11.99X is not in ICD-10-CM {newest().name}, the newest code set loaded: it may be new in "
                    f"FY{newest().fiscal_year + 1}; check it")]
    assert problems("E11.9", later) == []


def test_past_the_newest_code_set_a_deleted_code_stays_refused():
    assert problems("S23.420A", newest().ends + timedelta(days=1))[0][0] == "error"


def test_before_the_oldest_code_set_unknown_codes_and_headers_are_warnings():
    earlier = icd10cm.code_sets()[0].starts - timedelta(days=1)
    assert problems("E11.9", earlier) == []
    assert [severity for severity, _ in problems("E11.99X", earlier) + problems("E11", earlier)] == \
        ["warning", "warning"]
    assert icd10cm.basis(earlier).note().endswith("the diagnoses were judged with FY2026, the oldest loaded")


# --- prefix search ---------------------------------------------------------------------------------------

def test_search_returns_codes_starting_with_the_prefix_in_code_order():
    found = [c.dotted for c in icd10cm.search("E11.3", limit=5)]
    assert found == ["E11.3", "E11.31", "E11.311", "E11.319", "E11.32"]


def test_search_stops_at_the_limit_and_at_the_end_of_the_prefix():
    assert len(icd10cm.search("E11", limit=3)) == 3
    under_e119 = icd10cm.search("e11.9", limit=100)
    assert [c.code for c in under_e119] == ["E119"]


def test_search_can_leave_out_headers():
    found = icd10cm.search("E11.3", limit=3, billable_only=True)
    assert [c.dotted for c in found] == ["E11.311", "E11.319", "E11.3211"] and all(c.billable for c in found)


def test_search_reads_the_code_set_of_the_date_given():
    assert [c.code for c in icd10cm.search("I420", day=LAST_FY2026)] == ["I420"]
    assert [c.code for c in icd10cm.search("I420", day=FIRST_FY2027)] == ["I420", "I4200", "I4201", "I4209"]


def test_search_for_a_prefix_nothing_starts_with_finds_nothing():
    assert icd10cm.search("E11.999") == [] and icd10cm.search("ZZ") == [] and icd10cm.search("E1-") == []


def test_search_refuses_a_limit_below_one():
    with pytest.raises(ValueError):
        icd10cm.search("E11", limit=0)


# --- loaded lazily ---------------------------------------------------------------------------------------

def test_importing_the_app_does_not_load_the_index_and_the_first_lookup_does():
    # The index is memory-mapped on first use, so /proc/self/maps shows whether it has been opened.
    probe = ("import app, chalicelib.coding.icd10cm as m; mapped = lambda: 'icd10cm.tsv' in open('/proc/self/maps')"
             ".read(); before = mapped(); m.lookup('E11.9'); print(before, mapped())")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
