"""Patients and coverages through the API: registration rules, duplicates, search, MRN, coverage orders."""
import base64
import json
from datetime import date

import pytest

PATIENT = {"first_name": "Maria", "last_name": "García-López", "birth_date": "1980-04-12", "sex": "F",
           "address": {"line1": "12 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62704"},
           "phone": "(217) 555-0134", "email": "maria@example.com", "mrn": "MRN-1001"}


@pytest.fixture
def practice(world, api):
    _, admin = world.firm()
    pid = world.practice(admin)
    payer = api.post(f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]["id"]
    return {"pid": pid, "key": admin, "payer": payer, "base": f"/practices/{pid}/patients"}


def register(api, practice, **overrides):
    return api.post(practice["base"], {**PATIENT, **overrides}, key=practice["key"])


def test_a_patient_is_registered_with_a_normalized_phone(api, practice):
    status, patient, _ = register(api, practice)
    assert status == 201 and patient["phone"] == "+12175550134" and patient["version"] == 1
    assert api.get(f"{practice['base']}/{patient['id']}", key=practice["key"])[1] == patient


@pytest.mark.parametrize("change, field", [
    ({"birth_date": "2999-01-01"}, "birth_date"),
    ({"birth_date": "1980-02-30"}, "birth_date"),
    ({"address": {"line1": "1 A St", "city": "X", "state": "XX", "zip": "62704"}}, "address.state"),
    ({"address": {"line1": "1 A St", "city": "X", "state": "IL", "zip": "627"}}, "address.zip"),
    ({"phone": "555-01"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"sex": "X"}, "sex"),
    ({"mrn": "MRN 1001"}, "mrn"),
])
def test_front_desk_checks_refuse_bad_fields(api, practice, change, field):
    status, body, _ = register(api, practice, **change)
    assert status == 422 and field in [e["field"] for e in body["errors"]]


def test_a_minor_needs_a_guarantor(api, practice):
    child = {"first_name": "Leo", "birth_date": date.today().replace(year=date.today().year - 8).isoformat(),
             "mrn": None}
    status, body, _ = register(api, practice, **child)
    assert status == 422 and "guarantor" in body["errors"][0]["message"]
    guarantor = {"relationship": "parent", "first_name": "Maria", "last_name": "García-López"}
    status, patient, _ = register(api, practice, **child, guarantor=guarantor)
    assert status == 201 and patient["guarantor"]["relationship"] == "parent"


def test_a_likely_duplicate_is_flagged_with_the_existing_id_unless_allowed(api, practice):
    first = register(api, practice)[1]
    status, body, _ = register(api, practice, mrn=None, last_name="Garcia Lopez", phone=None)
    assert status == 409 and body["duplicate_of"] == [first["id"]]
    status, second, _ = api.post(practice["base"] + "?allow_duplicate=true", {**PATIENT, "mrn": None},
                                 key=practice["key"])
    assert status == 201 and second["id"] != first["id"]


def test_an_mrn_belongs_to_one_patient_of_the_practice(api, practice):
    register(api, practice)
    status, body, _ = api.post(practice["base"] + "?allow_duplicate=true", PATIENT, key=practice["key"])
    assert status == 409 and body["errors"][0]["field"] == "mrn"


def search(api, practice, **terms):
    status, page, _ = api.post(practice["base"] + "/search", terms, key=practice["key"])
    assert status == 200, page
    return page


def found(api, practice, **terms):
    return [p["id"] for p in search(api, practice, **terms)["data"]]


def test_patients_are_found_by_name_prefix_birth_date_and_mrn(api, practice):
    maria = register(api, practice)[1]
    john = register(api, practice, first_name="John", last_name="Garner", birth_date="1975-09-30", mrn="MRN-2")[1]
    register(api, practice, first_name="Ann", last_name="Baker", birth_date="1980-04-12", mrn="MRN-3")
    assert found(api, practice, name="gar") == [maria["id"], john["id"]]
    assert found(api, practice, name="garner, jo") == [john["id"]]
    assert found(api, practice, name="garcia") == [maria["id"]]
    assert len(found(api, practice, birth_date="1980-04-12")) == 2
    assert found(api, practice, birth_date="1980-04-12", name="gar") == [maria["id"]]
    assert found(api, practice, mrn="MRN-2") == [john["id"]] and found(api, practice, mrn="NOPE") == []
    assert len(found(api, practice)) == 3


def test_search_pages_with_cursors_that_carry_no_patient_data(api, practice):
    for i, last in enumerate(["Adams", "Allen", "Alvarez", "Archer"]):
        register(api, practice, last_name=last, mrn=f"M{i}")
    seen, cursor = [], None
    while True:
        paging = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = search(api, practice, name="al", birth_date="1980-04-12", **paging)
        seen += [p["last_name"] for p in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
        decoded = base64.urlsafe_b64decode(cursor.split(".")[0] + "==").decode()
        assert "NAME#AL" not in decoded and "1980-04-12" not in decoded
    assert seen == ["Allen", "Alvarez"]


def test_a_list_of_patients_takes_no_search_terms_in_its_url(api, practice):
    register(api, practice)
    for query in ("name=garcia", "birth_date=1980-04-12", "mrn=MRN-1001&limit=5"):
        status, body, _ = api.get(f"{practice['base']}?{query}", key=practice["key"])
        assert status == 400 and body["type"] == "/problems/bad-request", query
        assert "POST /practices/{practice_id}/patients/search" in body["detail"]
        assert query.split("=")[0] in {e["field"].removeprefix("query.") for e in body["errors"]}
    status, page, _ = api.get(f"{practice['base']}?limit=5", key=practice["key"])
    assert status == 200 and len(page["data"]) == 1


def test_a_search_is_audited_as_a_read(api, practice):
    register(api, practice)
    search(api, practice, name="garcia")
    trail = api.get(f"/practices/{practice['pid']}/audit", key=practice["key"])[1]["data"]
    assert [(r["action"], r["entity_id"]) for r in trail if r["entity"] == "patient"][0] == ("read", None)


def test_an_update_moves_the_patient_in_searches_and_frees_the_old_mrn(api, practice):
    patient = register(api, practice)[1]
    url = f"{practice['base']}/{patient['id']}"
    status, updated, _ = api.patch(url, {"last_name": "Zamora", "mrn": "MRN-9"}, key=practice["key"],
                                   headers={"If-Match": "1"})
    assert status == 200 and updated["version"] == 2
    assert found(api, practice, name="zam") == [patient["id"]]
    assert found(api, practice, name="garcia") == []
    assert register(api, practice, first_name="Other", mrn="MRN-1001")[0] == 201


def coverage(practice, **overrides):
    body = {"payer_id": practice["payer"], "member_id": "ACT123456", "group_number": "G-100",
            "plan_name": "Aetna Choice POS II", "effective_from": "2026-01-01"}
    return {**body, **overrides}


def test_one_active_primary_coverage_at_a_time(api, practice):
    patient = register(api, practice)[1]
    url = f"{practice['base']}/{patient['id']}/coverages"
    status, primary, _ = api.post(url, coverage(practice), key=practice["key"])
    assert status == 201 and primary["order"] == "primary" and primary["active"] is True
    status, body, _ = api.post(url, coverage(practice, member_id="ACT999"), key=practice["key"])
    assert status == 409 and body["errors"][0]["field"] == "order"
    assert api.post(url, coverage(practice, order="secondary"), key=practice["key"])[0] == 201
    status, ended, _ = api.patch(f"{url}/{primary['id']}", {"active": False, "effective_to": "2026-06-30"},
                                 key=practice["key"], headers={"If-Match": "1"})
    assert status == 200 and ended["active"] is False
    assert api.post(url, coverage(practice, member_id="ACT999", effective_from="2026-07-01"),
                    key=practice["key"])[0] == 201
    assert len(api.get(url, key=practice["key"])[1]["data"]) == 3


def test_a_dependent_coverage_names_its_subscriber(api, practice):
    patient = register(api, practice)[1]
    url = f"{practice['base']}/{patient['id']}/coverages"
    assert api.post(url, coverage(practice, relationship="child"), key=practice["key"])[0] == 422
    subscriber = {"first_name": "Jorge", "last_name": "García", "birth_date": "1955-02-01", "sex": "M"}
    status, body, _ = api.post(url, coverage(practice, relationship="child", subscriber=subscriber),
                               key=practice["key"])
    assert status == 201 and body["subscriber"]["birth_date"] == "1955-02-01"


@pytest.mark.parametrize("change, field", [
    ({"member_id": "A"}, "member_id"),
    ({"member_id": "ACT~1"}, "member_id"),
    ({"effective_from": "2026-02-30"}, "effective_from"),
    ({"order": "quaternary"}, "order"),
])
def test_bad_coverages_are_refused(api, practice, change, field):
    patient = register(api, practice)[1]
    status, body, _ = api.post(f"{practice['base']}/{patient['id']}/coverages", coverage(practice, **change),
                               key=practice["key"])
    assert status == 422 and field in [e["field"] for e in body["errors"]]


def test_a_payer_of_another_practice_is_refused(api, practice, world):
    other = world.practice(practice["key"])
    foreign = api.post(f"/practices/{other}/payers", {"name": "Cigna", "payer_id": "62308"},
                       key=practice["key"])[1]["id"]
    patient = register(api, practice)[1]
    status, body, _ = api.post(f"{practice['base']}/{patient['id']}/coverages",
                               coverage(practice, payer_id=foreign), key=practice["key"])
    assert status == 422 and body["errors"][0]["field"] == "payer_id"


def test_a_coverage_of_another_patient_is_not_found_through_this_one(api, practice):
    a, b = register(api, practice)[1], register(api, practice, first_name="Bo", mrn="MRN-B")[1]
    cov = api.post(f"{practice['base']}/{a['id']}/coverages", coverage(practice), key=practice["key"])[1]
    assert api.get(f"{practice['base']}/{b['id']}/coverages/{cov['id']}", key=practice["key"])[0] == 404


def test_patient_reads_are_audited(api, practice):
    patient = register(api, practice)[1]
    api.get(f"{practice['base']}/{patient['id']}", key=practice["key"])
    trail = api.get(f"/practices/{practice['pid']}/audit", key=practice["key"])[1]["data"]
    assert [(r["action"], r["entity_id"]) for r in trail if r["entity"] == "patient"][:2] == [
        ("read", patient["id"]), ("create", patient["id"])]


@pytest.mark.parametrize("escaped", [True, False])  # "Zoe\\u0301" in the JSON text, or the character itself
def test_a_name_typed_with_a_combining_accent_is_kept_as_the_same_name_typed_precomposed(api, practice, escaped):
    body = {**PATIENT, "first_name": "Zoe\u0301", "last_name": "Moreau", "mrn": None}
    status, zoe, _ = api.call("POST", practice["base"], key=practice["key"],
                              raw=json.dumps(body, ensure_ascii=escaped).encode())
    assert status == 201 and zoe["first_name"] == "Zoé"  # NFC: "e" + U+0301 became one "é"
    status, body, _ = register(api, practice, first_name="Zoé", last_name="Moreau", mrn=None)
    assert status == 409 and body["duplicate_of"] == [zoe["id"]]
