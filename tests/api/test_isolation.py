"""Tenant isolation, route by route, read from the OpenAPI document: a new route is covered with no edit here.

For every route with {practice_id}, practice A's real objects are addressed with a key of another practice of
the same firm and with a key of another firm: the answer is always 403/404 and carries none of A's data.
"""
import re

import pytest

from tests.api.conftest import practice_body
from tests.api.denials_world import denied_claim, open_denials
from tests.api.test_remittances import an_835
from tests.api.test_tracking import answer_batches, deliver
from tests.dates import at_desk, days_ago, days_ahead

FORBIDDEN_STATUSES = {403, 404}


@pytest.fixture(scope="module")
def tenant_a(app, api):
    from tests.api.conftest import World

    world = World(api)
    firm_id, admin = world.firm("Tenant A")
    practice = world.practice(admin)
    sibling = world.practice(admin, name="Sibling Practice")
    ids = {"practice_id": practice}
    ids["provider_id"] = api.post(f"/practices/{practice}/providers", {
        "entity_type": "individual", "npi": "1679576722", "first_name": "Ana", "last_name": "Lopez",
        "taxonomy_code": "207Q00000X", "roles": ["rendering", "billing"]}, key=admin)[1]["id"]
    ids["payer_id"] = api.post(f"/practices/{practice}/payers", {"name": "Aetna", "payer_id": "60054"},
                               key=admin)[1]["id"]
    ids["entry_id"] = api.post(f"/practices/{practice}/fee-schedule", {
        "code": "99213", "charge_cents": 12500, "effective_from": "2026-01-01"}, key=admin)[1]["id"]
    ids["patient_id"] = api.post(f"/practices/{practice}/patients", {
        "first_name": "Iso", "last_name": "Lation", "birth_date": "1970-01-01", "sex": "U",
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}},
        key=admin)[1]["id"]
    ids["coverage_id"] = api.post(f"/practices/{practice}/patients/{ids['patient_id']}/coverages", {
        "payer_id": ids["payer_id"], "member_id": "ISO123", "effective_from": "2026-01-01"}, key=admin)[1]["id"]
    ids["check_id"] = api.post(f"/practices/{practice}/patients/{ids['patient_id']}/eligibility-checks", {},
                               key=admin)[1]["id"]
    ids["visit_id"] = api.post(f"/practices/{practice}/visits", {
        "patient_id": ids["patient_id"], "provider_id": ids["provider_id"],
        "scheduled_at": at_desk(days_ahead(7))}, key=admin)[1]["id"]
    api.post(f"/practices/{practice}/stripe/account", {"account_id": f"acct_{practice}"}, key=admin)
    # The claim's visit is in the past: a date of service in the future is a scrubber error, not ready to send.
    past_visit = api.post(f"/practices/{practice}/visits", {
        "patient_id": ids["patient_id"], "provider_id": ids["provider_id"],
        "scheduled_at": at_desk(days_ago(10))}, key=admin)[1]["id"]
    visit_url = f"/practices/{practice}/visits/{past_visit}"
    api.post(f"{visit_url}/check-in", {"version": 1}, key=admin)
    api.post(f"{visit_url}/check-out", {"version": 2}, key=admin)
    assert api.call("PUT", f"{visit_url}/coding", {"diagnoses": ["I10"], "lines": [
        {"code": "99213", "diagnosis_pointers": [1]}]}, key=admin)[0] == 200
    ids["claim_id"], ids["visit_id"] = api.post(f"{visit_url}/claim", {}, key=admin)[1]["id"], past_visit
    submission = api.post(f"/practices/{practice}/claim-batches", {"claim_ids": [ids["claim_id"]]}, key=admin)[1]
    ids["batch_id"] = submission["batches"][0]["id"]
    answer_batches(app, submission)  # the sandbox's 999 and 277CA: the practice has inbound files
    ids["file_id"] = api.get(f"/practices/{practice}/edi-files", key=admin)[1]["data"][0]["id"]
    made = api.get(f"/practices/{practice}/claims/{ids['claim_id']}", key=admin)[1]
    # the practice has a remittance, which denies the claim: a denial
    deliver(app, f"inbox/{firm_id}/tenant-a.835", an_835([denied_claim(made, "29")]))
    ids["remittance_id"] = api.get(f"/practices/{practice}/remittances", key=admin)[1]["data"][0]["id"]
    open_denials(practice, firm_id)
    ids["denial_id"] = api.get(f"/practices/{practice}/denials", key=admin)[1]["data"][0]["id"]
    ids["task_id"] = api.post(f"/practices/{practice}/tasks", {"title": "Call the payer",
                                                              "claim_id": ids["claim_id"]}, key=admin)[1]["id"]
    sibling_key = world.key(admin, "firm_admin", [sibling])
    _, other_firm = world.firm("Tenant B")
    world.practice(other_firm)
    return {"ids": ids, "admin": admin, "outsiders": {"sibling practice": sibling_key, "other firm": other_firm}}


EXAMPLES = {"date": "2026-12-01", "date-time": "2026-12-01T09:00:00Z"}


def practice_routes(api):
    """(method, path with its required query string) of every route under a practice."""
    document = api.get("/openapi.json")[1]
    for path, operations in document["paths"].items():
        if "{practice_id}" in path:
            for method, operation in operations.items():
                required = [p for p in operation.get("parameters", []) if p["in"] == "query" and p["required"]]
                query = "&".join(f"{p['name']}={EXAMPLES[p['schema'].get('format', 'date')]}" for p in required)
                yield method.upper(), path + (f"?{query}" if query else "")


def fill(path, ids):
    unknown = set(re.findall(r"{(\w+)}", path)) - ids.keys()  # noqa: the query string has no braces
    assert not unknown, f"{path}: make a {unknown} in the tenant_a fixture so this route is checked too"
    return re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)


def test_the_document_has_practice_routes_to_check(api):
    assert len(list(practice_routes(api))) >= 10


@pytest.mark.parametrize("outsider", ["sibling practice", "other firm"])
def test_no_practice_route_answers_an_outsider(api, tenant_a, outsider):
    key = tenant_a["outsiders"][outsider]
    secrets = set(tenant_a["ids"].values())
    for method, path in practice_routes(api):
        url = fill(path, tenant_a["ids"])
        body = {} if method in {"POST", "PATCH"} else None
        status, answer, _ = api.call(method, url, body, key=key, headers={"If-Match": "1"})
        assert status in FORBIDDEN_STATUSES, f"{method} {path} answered {status} to the {outsider}"
        leaked = [s for s in secrets if s in str(answer)]
        assert not leaked, f"{method} {path} showed {leaked} to the {outsider}"


def test_the_owner_reaches_every_practice_read_route(api, tenant_a):
    for method, path in practice_routes(api):
        if method == "GET":
            status, _, _ = api.get(fill(path, tenant_a["ids"]), key=tenant_a["admin"])
            assert status == 200, f"GET {path} answered {status} to its owner"


def test_a_key_part_with_the_delimiter_is_refused():
    from chalicelib.db import keys

    with pytest.raises(ValueError):
        keys.practice_pk("acme#PAYER")
    assert keys.practice_pk("acme") != keys.practice_pk("acme-2")


def test_a_practice_id_that_is_a_prefix_of_another_reaches_nothing(api, tenant_a):
    practice = tenant_a["ids"]["practice_id"]
    for variant in (practice[:-1], practice + "0", practice.lower()):
        assert api.get(f"/practices/{variant}/payers", key=tenant_a["admin"])[0] == 404


def test_creating_in_another_firms_practice_writes_nothing(api, tenant_a, world):
    practice = tenant_a["ids"]["practice_id"]
    status, _, _ = api.post(f"/practices/{practice}/payers", {"name": "Cigna", "payer_id": "62308"},
                            key=tenant_a["outsiders"]["other firm"])
    assert status == 404
    _, payers, _ = api.get(f"/practices/{practice}/payers", key=tenant_a["admin"])
    assert [p["name"] for p in payers["data"]] == ["Aetna"]
    assert practice_body()  # the factory stays importable for other modules
