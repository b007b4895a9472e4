from tests.api.conftest import ROOT_KEY, practice_body


def test_root_key_creates_a_firm_with_a_working_admin_key(api):
    status, body, _ = api.post("/admin/firms", {"name": "Acme Billing"}, key=ROOT_KEY)
    assert status == 201
    assert body["firm"]["name"] == "Acme Billing"
    status, me, _ = api.get("/me", key=body["api_key"])
    assert status == 200
    assert me["role"] == "firm_admin" and me["firm_id"] == body["firm"]["id"] and me["practice_ids"] == "all"


def test_a_firm_key_cannot_create_firms_and_the_root_key_cannot_read_practices(api, world):
    _, key = world.firm()
    assert api.post("/admin/firms", {"name": "Other"}, key=key)[0] == 403
    assert api.get("/practices", key=ROOT_KEY)[0] == 403


def test_an_unknown_or_missing_key_is_refused(api, world):
    firm_id, key = world.firm()
    assert api.get("/me")[0] in (401, 403)
    assert api.get("/me", key=key[:-2] + "xx")[0] == 403
    assert api.get("/me", key="rc_garbage")[0] == 403


def test_firm_key_creates_and_lists_practices(api, world):
    _, key = world.firm()
    status, practice, _ = api.post("/practices", practice_body(), key=key)
    assert status == 201 and practice["npi"] == "1245319599" and practice["tax_id"] == "123456789"
    status, listed, _ = api.get("/practices", key=key)
    assert status == 200
    assert [p["id"] for p in listed["data"]] == [practice["id"]] and listed["next_cursor"] is None


def test_a_practice_with_a_wrong_npi_check_digit_is_refused(api, world):
    _, key = world.firm()
    status, body, headers = api.post("/practices", practice_body(npi="1245319598"), key=key)
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == "npi"


def test_a_key_for_one_practice_sees_only_that_practice(api, world):
    _, admin = world.firm()
    mine, other = world.practice(admin), world.practice(admin, name="Lakeside Clinic")
    desk = world.key(admin, "front_desk", [mine])
    status, listed, _ = api.get("/practices", key=desk)
    assert status == 200 and [p["id"] for p in listed["data"]] == [mine]
    assert api.get(f"/practices/{mine}", key=desk)[0] == 200
    status, body, _ = api.get(f"/practices/{other}", key=desk)
    assert status == 404 and other not in str(body)


def test_a_role_without_the_permission_gets_403(api, world):
    _, admin = world.firm()
    practice = world.practice(admin)
    viewer = world.key(admin, "viewer", [practice])
    status, body, _ = api.post(f"/practices/{practice}/payers",
                               {"name": "Aetna", "payer_id": "60054"}, key=viewer)
    assert status == 403 and body["status"] == 403
    assert api.post("/api-keys", {"role": "viewer", "practice_ids": "all"}, key=viewer)[0] == 403


def test_a_key_cannot_name_practices_of_another_firm(api, world):
    _, admin = world.firm()
    _, stranger = world.firm("Other Billing")
    theirs = world.practice(stranger)
    status, body, _ = api.post("/api-keys", {"role": "biller", "practice_ids": [theirs]}, key=admin)
    assert status == 422 and body["errors"][0]["field"] == "practice_ids.0"


def test_a_revoked_key_is_refused_at_once(api, world):
    _, admin = world.firm()
    status, created, _ = api.post("/api-keys", {"role": "biller", "practice_ids": "all"}, key=admin)
    assert status == 201 and api.get("/me", key=created["api_key"])[0] == 200
    assert api.delete(f"/api-keys/{created['id']}", key=admin)[0] == 204
    assert api.get("/me", key=created["api_key"])[0] == 403
    status, keys, _ = api.get("/api-keys", key=admin)
    revoked = next(k for k in keys["data"] if k["id"] == created["id"])
    assert revoked["revoked_at"] is not None and "api_key" not in revoked


def test_a_revoked_key_is_refused_at_once_on_a_practice_the_container_remembers(api, world):
    _, admin = world.firm()
    practice = world.practice(admin)
    status, created, _ = api.post("/api-keys", {"role": "biller", "practice_ids": [practice]}, key=admin)
    assert api.get(f"/practices/{practice}/payers", key=created["api_key"])[0] == 200  # the practice remembered
    assert api.delete(f"/api-keys/{created['id']}", key=admin)[0] == 204
    assert api.get(f"/practices/{practice}/payers", key=created["api_key"])[0] == 403


def test_a_practice_the_container_remembers_for_its_firm_is_still_not_found_for_another_firm(api, world):
    _, admin = world.firm()
    _, stranger = world.firm("Other Billing")
    practice = world.practice(admin)
    assert api.get(f"/practices/{practice}/payers", key=admin)[0] == 200  # remembered as the first firm's
    status, body, _ = api.get(f"/practices/{practice}/payers", key=stranger)
    assert status == 404 and body["detail"] == "No such practice."


def test_keys_are_stored_only_as_hashes(api, world, aws):
    import boto3

    firm_id, admin = world.firm()
    items = boto3.client("dynamodb").query(
        TableName="revcycle", KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"FIRM#{firm_id}"}})["Items"]
    secret = admin.split("_", 3)[3]
    assert items and secret not in str(items) and admin not in str(items)
