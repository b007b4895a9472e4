from tests.api.conftest import practice_body


def test_the_same_key_and_body_returns_the_first_answer_and_creates_once(api, world):
    _, admin = world.firm()
    first = api.post("/practices", practice_body(), key=admin, headers={"Idempotency-Key": "create-1"})
    again = api.post("/practices", practice_body(), key=admin, headers={"Idempotency-Key": "create-1"})
    assert first[0] == again[0] == 201 and first[1] == again[1]
    _, listed, _ = api.get("/practices", key=admin)
    assert len(listed["data"]) == 1


def test_the_same_key_with_another_body_is_422(api, world):
    _, admin = world.firm()
    assert api.post("/practices", practice_body(), key=admin, headers={"Idempotency-Key": "k"})[0] == 201
    status, body, _ = api.post("/practices", practice_body(name="Other"), key=admin, headers={"Idempotency-Key": "k"})
    assert status == 422 and body["type"] == "/problems/idempotency-key-reused"
    _, listed, _ = api.get("/practices", key=admin)
    assert len(listed["data"]) == 1


def test_keys_of_different_api_keys_do_not_collide(api, world):
    _, admin = world.firm()
    other_admin = world.key(admin, "firm_admin", "all")
    a = api.post("/practices", practice_body(), key=admin, headers={"Idempotency-Key": "same"})
    b = api.post("/practices", practice_body(), key=other_admin, headers={"Idempotency-Key": "same"})
    assert a[0] == b[0] == 201 and a[1]["id"] != b[1]["id"]


def test_a_refused_request_releases_its_key_for_a_corrected_retry(api, world):
    _, admin = world.firm()
    bad = practice_body(npi="1245319598")
    assert api.post("/practices", bad, key=admin, headers={"Idempotency-Key": "retry"})[0] == 422
    status, _, _ = api.post("/practices", bad, key=admin, headers={"Idempotency-Key": "retry"})
    assert status == 422  # the same bad request is judged again, not replayed from a stored failure


def test_an_unprintable_idempotency_key_is_refused(api, world):
    _, admin = world.firm()
    status, body, _ = api.post("/practices", practice_body(), key=admin, headers={"Idempotency-Key": "a" * 300})
    assert status == 422 and body["errors"][0]["field"] == "Idempotency-Key"
