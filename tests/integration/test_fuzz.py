"""Schemathesis against the running app (chalice local on DynamoDB Local), driven by GET /openapi.json.

Every documented operation gets generated requests, both fitting the schema and not (positive and
negative modes), with real ids of one practice in the path so requests get past the 404 and reach
validation and the services. Two properties must hold: no 5xx, and every 4xx the app answers is
problem+json. Bounded: FUZZ_EXAMPLES examples per operation and mode (a few minutes at most).

The operations are shared between two processes that fuzz at once, each with its own firm and practice, so that
neither meets the other's objects: about half of each one's time is Hypothesis and schemathesis generating a
request (CPU in this process) and half is the stack answering it, so one generates while the other waits.
Processes, not threads: Hypothesis's caches and CPython 3.11's `ast.parse`, which it calls, failed under two
threads here.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
from concurrent.futures import ProcessPoolExecutor

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from tests.dates import at_desk, days_ago, days_ahead

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SHARES = 2


def post(stack, path, body, key, status=201):
    answer = requests.post(stack.api + path, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert answer.status_code == status, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def tenants(stack):
    return [tenant(stack) for _ in range(SHARES)]


def tenant(stack):
    admin = post(stack, "/admin/firms", {"name": "Fuzz Billing"}, stack.root_key)["api_key"]
    practice = post(stack, "/practices", {"name": "Fuzz Clinic", "npi": "1245319599", "tax_id": "12-3456789",
                                          "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL",
                                                      "zip": "627011234"}}, admin)["id"]
    base = f"/practices/{practice}"
    ids = {"practice_id": practice,
           "payer_id": post(stack, base + "/payers", {"name": "Aetna", "payer_id": "60054"}, admin)["id"],
           "provider_id": post(stack, base + "/providers", {
               "entity_type": "organization", "npi": "1679576722", "organization_name": "Fuzz Group",
               "taxonomy_code": "261QP2300X", "roles": ["billing"]}, admin)["id"],
           "entry_id": post(stack, base + "/fee-schedule", {"code": "99213", "charge_cents": 12500,
                                                           "effective_from": "2026-01-01"}, admin)["id"],
           "key_id": post(stack, "/api-keys", {"role": "viewer", "practice_ids": "all"}, admin)["id"]}
    ids["patient_id"] = post(stack, base + "/patients", {
        "first_name": "Fuzz", "last_name": "Patient", "birth_date": "1970-01-01", "sex": "U",
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}, admin)["id"]
    ids["coverage_id"] = post(stack, f"{base}/patients/{ids['patient_id']}/coverages", {
        "payer_id": ids["payer_id"], "member_id": "FUZZ123", "effective_from": "2026-01-01"}, admin)["id"]
    ids["check_id"] = post(stack, f"{base}/patients/{ids['patient_id']}/eligibility-checks", {}, admin)["id"]
    doctor = post(stack, base + "/providers", {
        "entity_type": "individual", "npi": "1003000126", "first_name": "Fuzz", "last_name": "Doctor",
        "taxonomy_code": "207Q00000X", "roles": ["rendering"]}, admin)["id"]
    ids["visit_id"] = post(stack, base + "/visits", {
        "patient_id": ids["patient_id"], "provider_id": doctor, "scheduled_at": at_desk(days_ahead(7))},
        admin)["id"]
    # The claim's visit is in the past: a date of service in the future is a scrubber error, not ready to send.
    visit = base + "/visits/" + post(stack, base + "/visits", {
        "patient_id": ids["patient_id"], "provider_id": doctor, "scheduled_at": at_desk(days_ago(10))},
        admin)["id"]
    post(stack, visit + "/check-in", {"version": 1}, admin, status=200)
    post(stack, visit + "/check-out", {"version": 2}, admin, status=200)
    coded = requests.put(stack.api + visit + "/coding", json={"diagnoses": ["I10"], "lines": [
        {"code": "99213", "diagnosis_pointers": [1]}]}, headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert coded.status_code == 200, coded.text
    ids["claim_id"] = post(stack, visit + "/claim", {}, admin)["id"]
    submitted = post(stack, base + "/claim-batches", {"claim_ids": [ids["claim_id"]]}, admin)
    ids["batch_id"] = submitted["batches"][0]["id"]
    return {"key": admin, "ids": ids}


# What chalice local's stand-in for API Gateway answers itself when a key is missing or refused, before the
# app runs. In AWS the template's GatewayResponses answer these as problem+json (tests/infra checks them);
# chalice local cannot be configured to, so exactly these two bodies are let through here.
GATEWAY_ANSWERS = {401: {"message": "Unauthorized"},
                   403: {"Message": "User is not authorized to access this resource"}}


def problem_json(ctx, response, case):
    """Every error the app itself answers is RFC 9457 problem+json with the status it was sent with."""
    if response.status_code < 400 or GATEWAY_ANSWERS.get(response.status_code) == response.json():
        return None
    if response.status_code >= 400:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])[0]
        assert content_type == "application/problem+json", f"{response.status_code} answered as {content_type!r}"
        assert response.json()["status"] == response.status_code
    return None


def operations(api):
    schema = schemathesis.openapi.from_url(api + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_no_generated_request_gets_a_5xx_or_a_non_problem_error(stack, tenants):
    labels = [operation.label for operation in operations(stack.api)]
    shares = [labels[n::SHARES] for n in range(SHARES)]
    with ProcessPoolExecutor(max_workers=SHARES - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        others = [pool.submit(fuzz_share, stack.api, tenant, share) for tenant, share in zip(tenants[1:], shares[1:])]
        outcomes = [fuzz_share(stack.api, tenants[0], shares[0])] + [other.result() for other in others]
    failures = [failure for _, failure in outcomes if failure]
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)  # each as its process met it, request and check named
    assert sorted(label for done, _ in outcomes for label in done) == sorted(labels)


def fuzz_share(api, tenant, labels):
    """Fuzzes the operations named, both modes, until one fails: (the labels fuzzed, the failure or "")."""
    done = []
    for operation in operations(api):
        if operation.label in labels:
            try:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    fuzz(api, tenant, operation, mode)
            except Exception as error:  # noqa: BLE001 - reported whole by the test, whichever process met it
                return done, "".join(traceback.format_exception(error))
            done.append(operation.label)
    return done, ""


def fuzz(api, tenant, operation, mode) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name in list(case.path_parameters or {}):
            case.path_parameters[name] = tenant["ids"].get(name, case.path_parameters[name])
        auth = {"Authorization": f"Bearer {tenant['key']}"}
        if mode is GenerationMode.POSITIVE and case.method in {"PATCH", "PUT", "DELETE"}:
            # Send the object's current version, so updates get past 428/409 and reach the service.
            current = requests.get(api + case.formatted_path, headers=auth, timeout=10)
            if current.ok:
                case.headers = {**(case.headers or {}), "If-Match": str(current.json()["version"])}
        response = case.call(base_url=api, headers=auth, timeout=30)
        case.validate_response(response, checks=[not_a_server_error, problem_json])

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, f"no valid request for {operation.label}"  # no input to break
