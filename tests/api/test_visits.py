"""Visits through the API: scheduling rules, the day list, and the lifecycle of a visit."""
import pytest

PATIENT = {"first_name": "Ana", "last_name": "Ruiz", "birth_date": "1985-03-03", "sex": "F",
           "address": {"line1": "5 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"}}
PROVIDER = {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam", "last_name": "Lee",
            "taxonomy_code": "207Q00000X", "roles": ["rendering", "billing"]}


@pytest.fixture
def desk(world, api):
    _, admin = world.firm()
    pid = world.practice(admin)
    base = f"/practices/{pid}"
    payer = api.post(f"{base}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]["id"]
    patient = api.post(f"{base}/patients", PATIENT, key=admin)[1]["id"]
    coverage = api.post(f"{base}/patients/{patient}/coverages", {
        "payer_id": payer, "member_id": "ACT100", "effective_from": "2026-01-01"}, key=admin)[1]["id"]
    provider = api.post(f"{base}/providers", PROVIDER, key=admin)[1]["id"]
    key = world.key(admin, "front_desk", [pid])
    return {"key": key, "base": base, "patient": patient, "provider": provider, "coverage": coverage,
            "admin": admin}


def book(api, desk, at="2026-12-01T09:30:00-06:00", **overrides):
    body = {"patient_id": desk["patient"], "provider_id": desk["provider"], "scheduled_at": at, **overrides}
    return api.post(f"{desk['base']}/visits", body, key=desk["key"])


def test_a_visit_takes_the_primary_coverage_and_the_local_day(api, desk):
    status, visit, _ = book(api, desk, at="2026-12-01T21:30:00-06:00")  # 03:30 UTC the next day
    assert status == 201 and visit["status"] == "scheduled" and visit["coverage_id"] == desk["coverage"]
    assert visit["visit_date"] == "2026-12-01" and visit["scheduled_at"] == "2026-12-02T03:30:00.000Z"


def test_the_day_list_is_in_time_order_and_filters_by_status(api, desk):
    late = book(api, desk, at="2026-12-03T15:00:00-06:00")[1]
    early = book(api, desk, at="2026-12-03T08:00:00-06:00")[1]
    book(api, desk, at="2026-12-04T08:00:00-06:00")
    status, day, _ = api.get(f"{desk['base']}/visits?date=2026-12-03", key=desk["key"])
    assert status == 200 and [v["id"] for v in day["data"]] == [early["id"], late["id"]]
    api.post(f"{desk['base']}/visits/{early['id']}/cancel", {"version": 1, "reason": "patient called"},
             key=desk["key"])
    _, scheduled, _ = api.get(f"{desk['base']}/visits?date=2026-12-03&status=scheduled", key=desk["key"])
    assert [v["id"] for v in scheduled["data"]] == [late["id"]]


def test_a_visit_moves_from_scheduled_to_checked_in_to_checked_out(api, desk):
    visit = book(api, desk)[1]
    url = f"{desk['base']}/visits/{visit['id']}"
    status, checked_in, _ = api.post(f"{url}/check-in", {"version": 1}, key=desk["key"])
    assert status == 200 and checked_in["status"] == "checked_in" and checked_in["checked_in_at"]
    status, checked_out, _ = api.post(f"{url}/check-out", {}, key=desk["key"], headers={"If-Match": "2"})
    assert status == 200 and checked_out["status"] == "checked_out" and checked_out["version"] == 3


@pytest.mark.parametrize("move", ["check-out", "no-show", "cancel"])
def test_moves_out_of_order_are_409(api, desk, move):
    visit = book(api, desk)[1]
    url = f"{desk['base']}/visits/{visit['id']}"
    api.post(f"{url}/check-in", {"version": 1}, key=desk["key"])
    api.post(f"{url}/check-out", {"version": 2}, key=desk["key"])
    status, body, _ = api.post(f"{url}/{move}", {"version": 3}, key=desk["key"])
    assert status == 409 and body["status"] == 409


def test_a_stale_version_cannot_check_in(api, desk):
    visit = book(api, desk)[1]
    assert api.post(f"{desk['base']}/visits/{visit['id']}/check-in", {"version": 2}, key=desk["key"])[0] == 409


@pytest.mark.parametrize("change, field", [
    ({"scheduled_at": "2026-12-01T09:30:00"}, "scheduled_at"),
    ({"place_of_service": "30"}, "place_of_service"),
    ({"visit_type": "spa"}, "visit_type"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"provider_id": "01M840610B9DZ0GRXFN6GWBSXG"}, "provider_id"),
    ({"coverage_id": "01M840610B9DZ0GRXFN6GWBSXG"}, "coverage_id"),
])
def test_bad_bookings_are_refused(api, desk, change, field):
    status, body, _ = book(api, desk, **change)
    assert status == 422 and field in [e["field"] for e in body["errors"]]


def test_a_coder_reads_the_schedule_but_cannot_book(api, desk, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    coder = world.key(admin, "coder", [pid])
    assert api.get(f"/practices/{pid}/visits?date=2026-12-01", key=coder)[0] == 200
    status, _, _ = api.post(f"/practices/{pid}/visits", {"patient_id": desk["patient"]}, key=coder)
    assert status == 403


def test_check_in_checks_eligibility_and_shows_the_co_pay(api, desk):
    visit = book(api, desk)[1]  # the fixture's coverage has member id ACT100: active, $25 co-pay
    status, checked_in, _ = api.post(f"{desk['base']}/visits/{visit['id']}/check-in", {"version": 1},
                                     key=desk["key"])
    assert status == 200 and checked_in["expected_copay_cents"] == 2500 and checked_in["eligibility_check_id"]
    checks = api.get(f"{desk['base']}/patients/{desk['patient']}/eligibility-checks", key=desk["key"])[1]["data"]
    assert [c["id"] for c in checks] == [checked_in["eligibility_check_id"]]
    assert checks[0]["visit_id"] == visit["id"] and checks[0]["service_date"] == "2026-12-01"


def test_a_recent_check_is_reused_and_an_old_one_renewed(api, desk):
    url = f"{desk['base']}/patients/{desk['patient']}/eligibility-checks"
    recent = api.post(url, {}, key=desk["key"])[1]
    first = book(api, desk)[1]
    checked_in = api.post(f"{desk['base']}/visits/{first['id']}/check-in", {"version": 1}, key=desk["key"])[1]
    assert checked_in["eligibility_check_id"] == recent["id"]
    second = book(api, desk, at="2026-12-02T09:00:00-06:00")[1]
    forced = api.post(f"{desk['base']}/visits/{second['id']}/check-in",
                      {"version": 1, "recheck_eligibility": True}, key=desk["key"])[1]
    assert forced["eligibility_check_id"] != recent["id"]
    assert len(api.get(url, key=desk["key"])[1]["data"]) == 2


def test_a_stale_check_in_sends_nothing_to_the_payer(api, desk):
    visit = book(api, desk)[1]
    url = f"{desk['base']}/patients/{desk['patient']}/eligibility-checks"
    assert api.post(f"{desk['base']}/visits/{visit['id']}/check-in", {"version": 7}, key=desk["key"])[0] == 409
    assert api.get(url, key=desk["key"])[1]["data"] == []


def test_a_check_older_than_the_practice_allows_is_renewed_at_check_in(api, desk):
    url = f"{desk['base']}/patients/{desk['patient']}/eligibility-checks"
    earlier = api.post(url, {}, key=desk["key"])[1]
    assert api.patch(desk["base"], {"eligibility_max_age_days": 0}, key=desk["admin"],
                     headers={"If-Match": "1"})[0] == 200
    visit = book(api, desk)[1]
    checked_in = api.post(f"{desk['base']}/visits/{visit['id']}/check-in", {"version": 1}, key=desk["key"])[1]
    assert checked_in["eligibility_check_id"] != earlier["id"]
