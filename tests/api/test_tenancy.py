from tests.api.conftest import ROOT_KEY, practice_body


def test_root_key_creates_a_firm_with_a_working_admin_key(api):
    status, body, _ = api.post("/admin/firms", {"name": "Acme Billing"}, key=ROOT_KEY)
    assert status == 201
    assert body["firm"]["name"] == "Acme Billing"
    status, me, _ = api.get("/me", key=body["api_key"])
    assert status == 200
    assert me["role"] == "firm_admin" and me["firm_id"] == body["firm"]["id"] and me["practice_ids"] == "all"


def test_firm_key_creates_and_lists_practices(api, world):
    _, key = world.firm()
    status, practice, _ = api.post("/practices", practice_body(), key=key)
    assert status == 201 and practice["npi"] == "1245319599" and practice["tax_id"] == "123456789"
    status, listed, _ = api.get("/practices", key=key)
    assert status == 200
    assert [p["id"] for p in listed["data"]] == [practice["id"]] and listed["next_cursor"] is None
