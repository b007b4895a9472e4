"""Bad input gets a clear 4xx problem+json answer and writes nothing."""
import pytest

from tests.api.conftest import practice_body
from tests.api.helpers import table_items

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(world):
    return world.firm()[1]


def assert_problem(status, body, headers, expected_status):
    assert status == expected_status, body
    assert headers["Content-Type"] == PROBLEM
    assert body["status"] == expected_status and body["title"] and body["type"] and "detail" in body


def test_malformed_json_is_a_400_problem_and_writes_nothing(api, admin):
    before = table_items()
    status, body, headers = api.call("POST", "/practices", key=admin, raw=b'{"name": "x",')
    assert_problem(status, body, headers, 400)
    assert body["errors"] == [{"field": "body", "message": "invalid JSON"}]
    assert table_items() == before


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
    before = table_items()
    status, body, headers = api.post("/practices", practice_body(**change), key=admin)
    assert_problem(status, body, headers, 422)
    assert field in [e["field"] for e in body["errors"]]
    assert table_items() == before


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
