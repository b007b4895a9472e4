"""The code-set lookups a coder's tool uses: one code across the loaded ICD-10-CM years, judged on a date."""
from datetime import timedelta

from chalicelib.coding import icd10cm


def test_a_billable_code_is_found_dotted_or_not(api, world):
    _, key = world.firm()
    for spelling in ("E11.9", "e119"):
        status, code, _ = api.get(f"/codes/icd10cm/{spelling}", key=key)
        assert status == 200 and code["code"] == "E119" and code["billable"] is True
        assert code["description"] == "Type 2 diabetes mellitus without complications"


def test_a_header_is_not_billable_and_its_problem_on_a_date_is_said(api, world):
    _, key = world.firm()
    status, header, _ = api.get("/codes/icd10cm/E11?date=2026-03-01", key=key)
    assert status == 200 and header["billable"] is False and header["problems_on_date"]
    status, ok, _ = api.get("/codes/icd10cm/E119?date=2026-11-23", key=key)
    assert ok["problems_on_date"] == [] and ok["warnings_on_date"] == [] and ok["code_set"]["name"] == "FY2027"


def test_a_code_is_judged_with_the_code_set_in_force_on_the_date(api, world):
    _, key = world.firm()
    status, before, _ = api.get("/codes/icd10cm/I42.0?date=2026-09-30", key=key)
    assert status == 200 and before["billable"] is True and before["code_set"]["name"] == "FY2026"
    assert before["problems_on_date"] == []
    status, after, _ = api.get("/codes/icd10cm/I42.0?date=2026-10-01", key=key)
    assert after["billable"] is False and after["code_set"]["in_effect_from"] == "2026-10-01"
    assert "is a header in ICD-10-CM FY2027" in after["problems_on_date"][0]
    assert [(s["name"], s["billable"]) for s in after["code_sets"]] == [("FY2026", True), ("FY2027", False)]


def test_a_deleted_code_is_found_with_its_last_year_and_refused_after_it(api, world):
    _, key = world.firm()
    status, deleted, _ = api.get("/codes/icd10cm/S23.420A?date=2026-10-01", key=key)
    assert status == 200 and deleted["code_set"]["name"] == "FY2026"
    assert deleted["problems_on_date"] == ["S23.420A is not in ICD-10-CM FY2027: it was deleted on 2026-10-01, "
                                           "after FY2026"]


def test_a_date_past_the_newest_code_set_is_judged_with_it_and_says_so(api, world):
    _, key = world.firm()
    newest = icd10cm.code_sets()[-1]
    later = newest.ends + timedelta(days=1)
    status, code, _ = api.get(f"/codes/icd10cm/E11.9?date={later}", key=key)
    assert status == 200 and code["code_set"]["name"] == newest.name and code["problems_on_date"] == []
    [note] = code["warnings_on_date"]
    assert f"FY{newest.fiscal_year + 1}" in note and "is not loaded" in note


def test_an_unknown_code_is_404_and_a_prefix_lists_codes_in_order(api, world):
    _, key = world.firm()
    assert api.get("/codes/icd10cm/E1199", key=key)[0] == 404
    status, page, _ = api.get("/codes/icd10cm?prefix=E11.6&limit=5&billable_only=true", key=key)
    codes = [c["code"] for c in page["data"]]
    assert status == 200 and len(codes) == 5 and codes == sorted(codes) and all(c.startswith("E116") for c in codes)
    assert all(c["billable"] for c in page["data"])


def test_a_prefix_search_reads_the_code_set_of_its_date(api, world):
    _, key = world.firm()
    _, before, _ = api.get("/codes/icd10cm?prefix=I42.0&date=2026-09-30", key=key)
    _, after, _ = api.get("/codes/icd10cm?prefix=I42.0&date=2026-10-01", key=key)
    assert [c["code"] for c in before["data"]] == ["I420"]
    assert [c["code"] for c in after["data"]] == ["I420", "I4200", "I4201", "I4209"]
    assert {c["code_set"]["name"] for c in after["data"]} == {"FY2027"}


def test_dates_at_the_ends_of_the_calendar_are_judged_with_the_nearest_code_set(api, world):
    _, key = world.firm()
    for day, nearest in (("0001-01-01", icd10cm.code_sets()[0]), ("9999-12-31", icd10cm.code_sets()[-1])):
        status, code, _ = api.get(f"/codes/icd10cm/E11.9?date={day}", key=key)
        assert status == 200 and code["code_set"]["name"] == nearest.name and len(code["warnings_on_date"]) == 1


def test_a_malformed_date_is_a_422(api, world):
    _, key = world.firm()
    assert api.get("/codes/icd10cm/E119?date=2026-13-01", key=key)[0] == 422


def test_code_lookups_need_a_key(api):
    assert api.get("/codes/icd10cm/E119")[0] in (401, 403)
