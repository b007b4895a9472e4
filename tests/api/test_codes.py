def test_a_billable_code_is_found_dotted_or_not(api, world):
    _, key = world.firm()
    for spelling in ("E11.9", "e119"):
        status, code, _ = api.get(f"/codes/icd10cm/{spelling}", key=key)
        assert status == 200 and code["code"] == "E119" and code["billable"] is True
        assert code["description"] == "Type 2 diabetes mellitus without complications"


def test_a_header_is_not_billable_and_dates_outside_the_code_set_are_said_plainly(api, world):
    _, key = world.firm()
    status, header, _ = api.get("/codes/icd10cm/E11?date=2026-03-01", key=key)
    assert status == 200 and header["billable"] is False and header["problems_on_date"]
    status, later, _ = api.get("/codes/icd10cm/E119?date=2026-11-23", key=key)
    assert status == 200 and later["problems_on_date"] and later["code_set"]["name"] == "FY2026"
    status, ok, _ = api.get("/codes/icd10cm/E119?date=2026-03-01", key=key)
    assert ok["problems_on_date"] == []


def test_an_unknown_code_is_404_and_a_prefix_lists_codes_in_order(api, world):
    _, key = world.firm()
    assert api.get("/codes/icd10cm/E1199", key=key)[0] == 404
    status, page, _ = api.get("/codes/icd10cm?prefix=E11.6&limit=5&billable_only=true", key=key)
    codes = [c["code"] for c in page["data"]]
    assert status == 200 and len(codes) == 5 and codes == sorted(codes) and all(c.startswith("E116") for c in codes)
    assert all(c["billable"] for c in page["data"])


def test_code_lookups_need_a_key(api):
    assert api.get("/codes/icd10cm/E119")[0] in (401, 403)
