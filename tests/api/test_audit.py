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


def test_only_firm_admins_read_the_audit_trail(api, world):
    _, admin = world.firm()
    pid = world.practice(admin)
    biller = world.key(admin, "biller", [pid])
    assert api.get(f"/practices/{pid}/audit", key=biller)[0] == 403
