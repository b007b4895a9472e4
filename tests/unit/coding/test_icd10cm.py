import importlib.metadata
import importlib.util
import subprocess
import sys
import warnings
from datetime import date, datetime
from pathlib import Path

import pytest

from chalicelib.coding import icd10cm
from chalicelib.coding.icd10cm import Icd10Code

ROOT = Path(__file__).resolve().parents[3]
IN_YEAR = date(2026, 1, 15)


def load_build_tool():
    spec = importlib.util.spec_from_file_location("build_icd10cm_index", ROOT / "tools" / "build_icd10cm_index.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package():
    with warnings.catch_warnings():  # it reads its data with importlib.resources' deprecated read_text
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # a dev dependency (requirements-dev.txt): about 2 s to import, so only here
    return simple_icd_10_cm


@pytest.fixture(scope="module")
def every_indexed_code() -> dict[str, Icd10Code]:
    return {c.code: c for c in icd10cm.search("", limit=1_000_000)}


# --- the index against the package it was built from ---------------------------------------------------

def test_index_lists_exactly_the_packages_categories_and_codes(package, every_indexed_code):
    expected = {c.replace(".", "") for c in package.get_all_codes() if package.is_category_or_subcategory(c)}
    assert set(every_indexed_code) == expected


def test_index_and_package_agree_on_billable_and_description_for_every_code(package, every_indexed_code):
    disagreements = []
    for code, entry in every_indexed_code.items():
        # The one deliberate difference: a tab some seventh-character notes start with (H35.31, S52.0) is dropped.
        description = package.get_description(code).replace("/\t", "/")
        if (entry.billable, entry.description) != (package.is_leaf(code), description):
            disagreements.append(code)
    assert disagreements == []


def test_index_holds_the_fy2026_billable_count(every_indexed_code):
    # FY2025 (April 2025 release) had 74,260 billable codes; the October 2025 update added 487 and deleted 28.
    # The April 2026 release the package carries adds nothing to that, so it holds for the whole fiscal year.
    assert sum(c.billable for c in every_indexed_code.values()) == 74_719


def test_committed_index_is_what_the_build_tool_makes_from_the_installed_package():
    tool = load_build_tool()
    fresh = tool.render(tool.find_source())
    assert icd10cm.INDEX_PATH.read_text(encoding="utf-8") == fresh, \
        "stale index: run .venv/bin/python tools/build_icd10cm_index.py"


def test_index_header_names_the_package_version_and_code_set_year():
    with icd10cm.INDEX_PATH.open(encoding="utf-8") as index:
        header = index.readline()
    assert f"source=simple-icd-10-cm {importlib.metadata.version('simple-icd-10-cm')}" in header
    assert "code_set=FY2026" in header


def test_code_set_is_fy2026_from_the_april_2026_release():
    codes = icd10cm.code_set()
    assert (codes.name, codes.release, codes.starts, codes.ends) == \
        ("FY2026", date(2026, 4, 1), date(2025, 10, 1), date(2026, 9, 30))


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


@pytest.mark.parametrize("made_up", ["E11.99", "Q99.99", "Z00.000", "A000Z", "U99"])
def test_made_up_codes_are_absent(made_up):
    assert icd10cm.lookup(made_up) is None and not icd10cm.is_billable(made_up)


@pytest.mark.parametrize("spelling", ["E11.9", "E119", "e11.9", "e119", " E11.9 "])
def test_a_code_is_found_with_or_without_its_dot_in_any_case(spelling):
    assert icd10cm.lookup(spelling).code == "E119"


@pytest.mark.parametrize("malformed", ["", "E", "E1", "E1.19", "E11.", "E11..9", "11E9", "E11\t9", "E11.98765",
                                       "A00-A09", "#icd10cm", "E11.9\n1"])
def test_malformed_codes_are_not_found(malformed):
    assert icd10cm.lookup(malformed) is None


def test_dotted_form_puts_the_dot_after_the_category():
    assert [icd10cm.lookup(c).dotted for c in ("E11", "E119", "S0000XA")] == ["E11", "E11.9", "S00.00XA"]


def test_every_indexed_code_is_found_by_its_dotted_and_undotted_forms(every_indexed_code):
    # Proves the bisection over lines (first and last lines included) and the code-shape rule together:
    # FY2026's QA0 broke the old "letter, digit" rule for categories.
    missed = [c.code for c in every_indexed_code.values()
              if icd10cm.lookup(c.dotted) != c or icd10cm.lookup(c.code.lower()) != c]
    assert missed == []


# --- validity on a date of service ---------------------------------------------------------------------

def test_a_billable_code_in_the_code_sets_year_has_no_problems():
    assert icd10cm.validate_diagnosis("E11.9", IN_YEAR) == []


@pytest.mark.parametrize("day", [date(2025, 10, 1), date(2026, 9, 30), datetime(2026, 4, 1, 9, 30)])
def test_the_code_sets_first_and_last_days_are_in_it(day):
    assert icd10cm.validate_diagnosis("E119", day) == []


def test_a_header_is_refused_as_not_billable():
    [problem] = icd10cm.validate_diagnosis("E11", IN_YEAR)
    assert "E11 (Type 2 diabetes mellitus) is a header, not billable" in problem


def test_an_unknown_code_is_refused_as_not_in_the_code_set():
    assert icd10cm.validate_diagnosis("Q99.99", IN_YEAR) == ["Q99.99 is not an ICD-10-CM code in FY2026"]


def test_a_malformed_code_is_refused_whatever_the_date():
    assert icd10cm.validate_diagnosis("E1.19", date(2030, 1, 1)) == ["'E1.19' is not a well-formed ICD-10-CM code"]


@pytest.mark.parametrize("day", [date(2025, 9, 30), date(2026, 10, 1), date(2026, 11, 23)])
def test_a_date_outside_the_code_sets_year_is_unknown_rather_than_guessed(day):
    [problem] = icd10cm.validate_diagnosis("E11.9", day)
    assert problem.startswith(f"validity of E11.9 on {day} is unknown for that date")
    assert "FY2026" in problem and not icd10cm.code_set().covers(day)


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
