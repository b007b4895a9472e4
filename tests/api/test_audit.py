"""The audit trail: who read or changed what, from the address API Gateway saw."""
from chalice.local import LambdaContext


def test_reads_and_changes_of_practice_data_are_audited(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    payer = api.post(f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]
    api.get(f"/practices/{pid}/payers/{payer['id']}", key=admin)
    api.patch(f"/practices/{pid}/payers/{payer['id']}", {"name": "Aetna Better Health"}, key=admin,
              headers={"If-Match": "1"})
    status, trail, _ = api.get(f"/practices/{pid}/audit", key=admin)
    assert status == 200
    payer_actions = [(r["action"], r["entity_id"]) for r in trail["data"] if r["entity"] == "payer"]
    assert payer_actions == [("update", payer["id"]), ("read", payer["id"]), ("create", payer["id"])]
    assert {"practice", "payer"} <= {r["entity"] for r in trail["data"]}
    assert all(r["actor_key_id"] and r["request_id"] for r in trail["data"])


def test_a_refused_request_leaves_no_audit_record(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    before = api.get(f"/practices/{pid}/audit", key=admin)[1]["data"]
    assert api.post(f"/practices/{pid}/payers", {"name": "Aetna"}, key=admin)[0] == 422
    after = api.get(f"/practices/{pid}/audit", key=admin)[1]["data"]
    assert [r for r in after if r["entity"] != "audit"] == [r for r in before if r["entity"] != "audit"]


def test_a_read_refused_in_its_handler_takes_back_the_audit_record_written_beside_it(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    assert api.get(f"/practices/{pid}/payers/{missing}", key=admin)[0] == 404
    assert api.get(f"/practices/{pid}/patients/{missing}", key=admin)[0] == 404
    trail = api.get(f"/practices/{pid}/audit", key=admin)[1]["data"]
    assert [r for r in trail if r["entity"] in {"payer", "patient"}] == []


def test_only_firm_admins_read_the_audit_trail(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    biller = world.key(admin, "biller", [pid])
    assert api.get(f"/practices/{pid}/audit", key=biller)[0] == 403


def gateway_event(template: str, params: dict, token: str, source_ip: str, forwarded_for: str) -> dict:
    """A GET as API Gateway hands it to the Lambda, after its authorizer let the key through."""
    firm_id, key_id = token.split("_")[1:3]
    return {"resource": template, "path": template.format(**params), "httpMethod": "GET", "body": None, "isBase64Encoded": False,
            "headers": {"X-Forwarded-For": forwarded_for}, "multiValueQueryStringParameters": None,
            "pathParameters": params, "stageVariables": None,
            "requestContext": {"resourcePath": template, "httpMethod": "GET", "requestId": "req-gw-1",
                               "identity": {"sourceIp": source_ip},
                               "authorizer": {"key_id": key_id, "firm_id": firm_id, "role": "firm_admin",
                                              "practices": "*"}}}


def test_the_audit_keeps_the_address_api_gateway_saw_not_the_forwarded_for_header(app, api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    event = gateway_event("/practices/{practice_id}/payers", {"practice_id": pid}, admin, "198.51.100.4", "6.6.6.6")
    assert app(event, LambdaContext("api", 128, 30_000))["statusCode"] == 200
    [record] = [r for r in api.get(f"/practices/{pid}/audit", key=admin)[1]["data"] if r["request_id"] == "req-gw-1"]
    assert record["entity"] == "payer" and record["source_ip"] == "198.51.100.4"


def test_a_forged_forwarded_for_header_never_reaches_the_audit_trail(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    api.get(f"/practices/{pid}/payers", key=admin, headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.1"})
    api.get(f"/tasks?practice_ids={pid}", key=admin, headers={"X-Forwarded-For": "6.6.6.6"})
    trail = api.get(f"/practices/{pid}/audit", key=admin)[1]["data"]
    assert {r["entity"] for r in trail} >= {"payer", "task"}
    assert {r["source_ip"] for r in trail} == {"127.0.0.1"}  # chalice local's sourceIp, as the gateway's
