"""Providers, payers and the fee schedule of a practice: CRUD, versions, pagination."""
import pytest

PROVIDER = {"entity_type": "individual", "npi": "1679576722", "first_name": "Ana", "last_name": "Lopez",
            "taxonomy_code": "207Q00000X", "roles": ["rendering"]}


@pytest.fixture
def practice(world):
    _, admin = world.firm()
    return world.practice(admin), admin


def test_a_provider_is_created_read_and_updated_with_its_version(api, practice):
    pid, key = practice
    status, created, _ = api.post(f"/practices/{pid}/providers", PROVIDER, key=key)
    assert status == 201 and created["version"] == 1 and created["active"] is True
    url = f"/practices/{pid}/providers/{created['id']}"
    assert api.get(url, key=key)[1] == created
    status, updated, _ = api.patch(url, {"roles": ["rendering", "billing"]}, key=key, headers={"If-Match": "1"})
    assert status == 200 and updated["roles"] == ["rendering", "billing"] and updated["version"] == 2


def test_a_stale_version_is_409_and_changes_nothing(api, practice):
    pid, key = practice
    created = api.post(f"/practices/{pid}/providers", PROVIDER, key=key)[1]
    url = f"/practices/{pid}/providers/{created['id']}"
    assert api.patch(url, {"last_name": "Ruiz"}, key=key, headers={"If-Match": "1"})[0] == 200
    status, body, _ = api.patch(url, {"last_name": "Diaz"}, key=key, headers={"If-Match": "1"})
    assert status == 409 and body["type"] == "/problems/conflict"
    assert api.get(url, key=key)[1]["last_name"] == "Ruiz"


def test_an_update_without_a_version_is_428(api, practice):
    pid, key = practice
    created = api.post(f"/practices/{pid}/providers", PROVIDER, key=key)[1]
    status, _, _ = api.patch(f"/practices/{pid}/providers/{created['id']}", {"last_name": "X"}, key=key)
    assert status == 428


def test_the_version_may_come_in_the_body(api, practice):
    pid, key = practice
    created = api.post(f"/practices/{pid}/providers", PROVIDER, key=key)[1]
    status, body, _ = api.patch(f"/practices/{pid}/providers/{created['id']}", {"active": False, "version": 1},
                                key=key)
    assert status == 200 and body["active"] is False


@pytest.mark.parametrize("change, field", [
    ({"npi": "1679576723"}, "npi"),
    ({"taxonomy_code": "207Q0000"}, "taxonomy_code"),
    ({"roles": []}, "roles"),
    ({"entity_type": "organization"}, "body"),  # an organization without organization_name
])
def test_invalid_providers_are_refused(api, practice, change, field):
    pid, key = practice
    status, body, _ = api.post(f"/practices/{pid}/providers", {**PROVIDER, **change}, key=key)
    assert status == 422 and field in [e["field"] for e in body["errors"]]


def test_a_payer_has_defaults_and_can_be_retired(api, practice):
    pid, key = practice
    status, payer, _ = api.post(f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054"}, key=key)
    assert status == 201 and payer["claim_type"] == "professional" and payer["timely_filing_days"] == 365
    status, retired, _ = api.patch(f"/practices/{pid}/payers/{payer['id']}", {"active": False}, key=key,
                                   headers={"If-Match": '"1"'})
    assert status == 200 and retired["active"] is False


def test_fee_periods_of_one_code_never_overlap(api, practice):
    pid, key = practice
    url = f"/practices/{pid}/fee-schedule"
    first = api.post(url, {"code": "99213", "charge_cents": 12500, "effective_from": "2026-01-01",
                           "effective_to": "2026-06-30"}, key=key)
    assert first[0] == 201
    assert api.post(url, {"code": "99213", "charge_cents": 13000, "effective_from": "2026-06-01"}, key=key)[0] == 409
    assert api.post(url, {"code": "99213", "charge_cents": 13000, "effective_from": "2026-07-01"}, key=key)[0] == 201
    status, found, _ = api.get(f"{url}?code=99213&on=2026-08-15", key=key)
    assert status == 200 and [f["charge_cents"] for f in found["data"]] == [13000]


def test_a_fee_entry_is_deleted_with_its_version(api, practice):
    pid, key = practice
    entry = api.post(f"/practices/{pid}/fee-schedule", {"code": "G0439", "charge_cents": 17500,
                                                         "effective_from": "2026-01-01"}, key=key)[1]
    url = f"/practices/{pid}/fee-schedule/{entry['id']}"
    assert api.delete(url, key=key, headers={"If-Match": "2"})[0] == 409
    assert api.delete(url, key=key, headers={"If-Match": "1"})[0] == 204
    assert api.get(url, key=key)[0] == 404


@pytest.mark.parametrize("body, field", [
    ({"code": "9921", "charge_cents": 100, "effective_from": "2026-01-01"}, "code"),
    ({"code": "99213", "charge_cents": 0, "effective_from": "2026-01-01"}, "charge_cents"),
    ({"code": "99213", "charge_cents": 12.5, "effective_from": "2026-01-01"}, "charge_cents"),
    ({"code": "99213", "charge_cents": 100, "effective_from": "2026-13-01"}, "effective_from"),
])
def test_invalid_fee_entries_are_refused(api, practice, body, field):
    pid, key = practice
    status, answer, _ = api.post(f"/practices/{pid}/fee-schedule", body, key=key)
    assert status == 422 and field in [e["field"] for e in answer["errors"]]


def test_lists_page_with_a_cursor_and_end_with_null(api, practice):
    pid, key = practice
    made = [api.post(f"/practices/{pid}/payers", {"name": f"Payer {i}", "payer_id": f"P{i:04d}"}, key=key)[1]["id"]
            for i in range(5)]
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        status, page, _ = api.get(f"/practices/{pid}/payers{query}", key=key)
        assert status == 200 and len(page["data"]) <= 2
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


def test_a_cursor_from_another_practice_or_altered_is_refused(api, world):
    _, admin = world.firm()
    a, b = world.practice(admin), world.practice(admin)
    for i in range(3):
        api.post(f"/practices/{a}/payers", {"name": f"Payer {i}", "payer_id": f"P{i}"}, key=admin)
    cursor = api.get(f"/practices/{a}/payers?limit=1", key=admin)[1]["next_cursor"]
    assert api.get(f"/practices/{b}/payers?cursor={cursor}", key=admin)[0] == 400
    assert api.get(f"/practices/{a}/providers?cursor={cursor}", key=admin)[0] == 400
    tampered = ("A" if cursor[0] != "A" else "B") + cursor[1:]
    assert api.get(f"/practices/{a}/payers?cursor={tampered}", key=admin)[0] == 400


@pytest.mark.parametrize("if_match", ["9" * 5000, "١", "abc", ""])
def test_an_unusable_if_match_is_treated_as_absent(api, practice, if_match):
    pid, key = practice
    created = api.post(f"/practices/{pid}/providers", PROVIDER, key=key)[1]
    status, _, _ = api.patch(f"/practices/{pid}/providers/{created['id']}", {"last_name": "X"}, key=key,
                             headers={"If-Match": if_match})
    assert status == 428


def test_null_clears_only_fields_that_may_be_empty(api, practice):
    pid, key = practice
    payer = api.post(f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054", "address": {
        "line1": "PO Box 981106", "city": "El Paso", "state": "TX", "zip": "79998"}}, key=key)[1]
    url = f"/practices/{pid}/payers/{payer['id']}"
    status, body, _ = api.patch(url, {"name": None}, key=key, headers={"If-Match": "1"})
    assert status == 422 and "name" in body["errors"][0]["message"]
    status, body, _ = api.patch(url, {"address": None}, key=key, headers={"If-Match": "1"})
    assert status == 200 and body["address"] is None
    status, _, _ = api.patch(f"/practices/{pid}", {"address": None}, key=key, headers={"If-Match": "1"})
    assert status == 422
