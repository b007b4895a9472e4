"""Bad input gets a clear 4xx problem+json answer and writes nothing."""
import json

import pytest

from tests.api.conftest import practice_body
from tests.api.helpers import changed_since, table_mark

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(world):
    return world.firm()[1]


def assert_problem(status, body, headers, expected_status):
    assert status == expected_status, body
    assert headers["Content-Type"] == PROBLEM
    assert body["status"] == expected_status and body["title"] and body["type"] and "detail" in body


def test_malformed_json_is_a_400_problem_and_writes_nothing(api, admin):
    mark = table_mark()
    status, body, headers = api.call("POST", "/practices", key=admin, raw=b'{"name": "x",')
    assert_problem(status, body, headers, 400)
    assert body["errors"] == [{"field": "body", "message": "invalid JSON"}]
    assert changed_since(mark) == {}


@pytest.mark.parametrize("change, field", [
    ({"name": 12}, "name"),                              # wrong type
    ({"npi": 1245319599}, "npi"),                        # a number is not a string here
    ({"surprise": True}, "surprise"),                    # unknown field
    ({"address": {"line1": "1 A St", "city": "X", "state": "ZZ", "zip": "62701"}}, "address.state"),
    ({"address": {"line1": "1 A St", "city": "X", "state": "IL", "zip": "6270"}}, "address.zip"),
    ({"name": "A" * 61}, "name"),                        # too long for X12 NM103
    ({"name": "Bad~Name"}, "name"),                      # an X12 delimiter
    ({"tax_id": "00-1234567"}, "tax_id"),                # no IRS prefix 00
])
def test_invalid_fields_are_422_with_the_field_named_and_write_nothing(api, admin, change, field):
    mark = table_mark()
    status, body, headers = api.post("/practices", practice_body(**change), key=admin)
    assert_problem(status, body, headers, 422)
    assert field in [e["field"] for e in body["errors"]]
    assert changed_since(mark) == {}


def test_errors_never_echo_the_value_sent(api, admin):
    status, body, _ = api.post("/practices", practice_body(name="Secret~Patient Name"), key=admin)
    assert status == 422 and "Secret" not in str(body)


def test_a_body_that_is_not_an_object_is_422(api, admin):
    status, body, headers = api.call("POST", "/practices", key=admin, raw=b"[1, 2]")
    assert_problem(status, body, headers, 422)


def test_a_too_large_body_is_413(api, admin):
    status, body, headers = api.call("POST", "/practices", key=admin, raw=b'{"name": "' + b"a" * 300_000 + b'"}')
    assert_problem(status, body, headers, 413)


def test_a_body_that_is_not_json_is_415(api, admin):
    status, body, headers = api.call("POST", "/practices", key=admin, raw=b"name=x",
                                     headers={"Content-Type": "text/plain"})
    assert_problem(status, body, headers, 415)


def test_out_of_range_query_parameters_are_422(api, admin):
    status, body, headers = api.get("/practices?limit=0", key=admin)
    assert_problem(status, body, headers, 422)
    assert body["errors"][0]["field"] == "query.limit"


def test_unknown_query_parameters_are_422(api, admin):
    status, body, headers = api.get("/me?debug=1", key=admin)
    assert_problem(status, body, headers, 422)


def test_a_malformed_id_in_the_path_is_404(api, admin):
    status, body, headers = api.get("/practices/not-an-id", key=admin)
    assert_problem(status, body, headers, 404)


def test_health_answers_without_a_key(api):
    assert api.get("/health")[:2] == (200, {"status": "ok"})


def test_a_body_without_a_content_type_is_415_and_writes_nothing(api, admin):
    mark = table_mark()
    response = api.client.http.request("POST", "/practices", headers={"Authorization": f"Bearer {admin}"},
                                       body=json.dumps(practice_body()).encode())
    assert response.status_code == 415, response.body
    assert response.headers["Content-Type"] == PROBLEM and json.loads(response.body)["status"] == 415
    assert changed_since(mark) == {}


def test_a_json_content_type_with_a_charset_is_accepted(api, admin):
    status, _, _ = api.post("/practices", practice_body(), key=admin,
                            headers={"Content-Type": "application/json; charset=utf-8"})
    assert status == 201


@pytest.mark.parametrize("raw, field", [
    (b'{"name": "A Clinic", "name": "B Clinic"}', "name"),
    (b'{"address": {"line1": "1 A St", "city": "X", "state": "IL", "zip": "62701", "zip": "62702"}}', "address.zip"),
    ('{"name": "Caf\\u00e9", "name": "Cafe\\u0301"}'.encode(), "name"),  # one key, spelled composed and not
])
def test_a_key_twice_in_one_object_is_a_400_naming_it_and_writes_nothing(api, admin, raw, field):
    mark = table_mark()
    status, body, headers = api.call("POST", "/practices", key=admin, raw=raw)
    assert_problem(status, body, headers, 400)
    assert body["errors"] == [{"field": field, "message": "appears more than once"}]
    assert changed_since(mark) == {}


@pytest.mark.parametrize("raw", [b'{"name": NaN}', b'{"name": -Infinity}', '{"name": "é"}'.encode("utf-16")])
def test_nan_infinity_and_bodies_not_in_utf8_are_not_json(api, admin, raw):
    status, body, headers = api.call("POST", "/practices", key=admin, raw=raw)
    assert_problem(status, body, headers, 400)
    assert body["errors"] == [{"field": "body", "message": "invalid JSON"}]


@pytest.mark.parametrize("depth", [900, 100_000])
def test_a_deeply_nested_body_is_a_4xx_not_a_500(api, admin, depth):
    raw = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    status, body, headers = api.call("POST", "/practices", key=admin, raw=raw)
    assert status in (400, 422) and headers["Content-Type"] == PROBLEM, body
