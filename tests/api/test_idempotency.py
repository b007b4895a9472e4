"""Idempotency-Key: scoped to the API key, the method and the path as sent; same request, same answer, once."""
from tests.api.conftest import practice_body
from tests.api.payments_world import desk, stripe_http  # noqa: F401 (fixtures)


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


def test_one_key_and_body_sent_for_two_visits_takes_both_cash_copays(desk):
    first_visit, second_visit = desk.visit(), desk.visit()
    answers = [desk.api.post(f"{desk.base}/visits/{visit}/copays", {"method": "cash", "amount_cents": 2500},
                             key=desk.key, headers={"Idempotency-Key": "desk-copay-1"})
               for visit in (first_visit, second_visit)]
    assert [status for status, _, _ in answers] == [201, 201]
    assert [copay["visit_id"] for _, copay, _ in answers] == [first_visit, second_visit]
    assert desk.balance() == -5000 and len(desk.ledger()) == 2


def test_one_key_and_body_sent_to_two_practices_creates_a_payer_in_each(api, world):
    _, admin = world.firm()
    practices = [world.practice(admin), world.practice(admin)]
    answers = [api.post(f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin,
                        headers={"Idempotency-Key": "payer-1"}) for pid in practices]
    assert [status for status, _, _ in answers] == [201, 201]
    for pid, (_, payer, _) in zip(practices, answers):
        assert [p["id"] for p in api.get(f"/practices/{pid}/payers", key=admin)[1]["data"]] == [payer["id"]]


def test_a_retry_to_the_same_object_still_replays_the_first_answer(desk):
    visit = desk.visit()
    sent = [desk.api.post(f"{desk.base}/visits/{visit}/copays", {"method": "cash", "amount_cents": 2500},
                          key=desk.key, headers={"Idempotency-Key": "desk-copay-2"}) for _ in range(2)]
    assert sent[0][:2] == sent[1][:2] and sent[0][0] == 201
    assert desk.balance() == -2500


def test_the_same_key_on_the_same_path_with_another_query_is_422(api, world):
    _, admin = world.firm()
    base = f"/practices/{world.practice(admin)}/patients"
    patient = {"first_name": "Ida", "last_name": "Quill", "birth_date": "1961-02-03", "sex": "F",
               "address": {"line1": "1 Elm St", "city": "Springfield", "state": "IL", "zip": "62704"}}
    assert api.post(base, patient, key=admin, headers={"Idempotency-Key": "reg-1"})[0] == 201
    status, body, _ = api.post(base + "?allow_duplicate=true", patient, key=admin,
                               headers={"Idempotency-Key": "reg-1"})
    assert status == 422 and body["type"] == "/problems/idempotency-key-reused"
    assert len(api.get(base, key=admin)[1]["data"]) == 1
