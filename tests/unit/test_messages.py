"""The words of a 422: pydantic's refusals reworded (core/messages.py), and a field's own words (`Expected`)."""
from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from chalicelib.core.http import validation_errors
from chalicelib.core.messages import UNWORDED, Expected, message


def _odd(value: int) -> int:
    if value % 2 == 0:
        raise ValueError("even: give an odd number")
    return value


def _no_x(value: str) -> str:
    if "X" in value:
        raise ValueError("has an X")
    return value


Code = Annotated[str, StringConstraints(min_length=2, max_length=4, pattern=r"^[A-Z]+$"), AfterValidator(_no_x),
                 Expected("2 to 4 capital letters, no X", "not a code")]


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    code: Code | None = None
    count: int = Field(default=1, ge=1, le=9)
    odd: Annotated[int, AfterValidator(_odd)] = 1
    kind: Literal["a", "b"] = "a"
    tags: list[str] = Field(default=[], max_length=2)
    label: Annotated[str, StringConstraints(min_length=1, max_length=3)] = "x"
    flag: bool = False


def refusal(body: str) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate_json(body)
    return validation_errors(caught.value)


@pytest.mark.parametrize("body, expected", [
    ('{"surprise": 1}', ("surprise", "not a field of this request: check its spelling, or leave it out")),
    ('{"count": "3"}', ("count", "not a whole number: give digits, without quotes or a decimal point")),
    ('{"count": 0}', ("count", "too small: give 1 or more")),
    ('{"count": 10}', ("count", "too large: give 9 or less")),
    ('{"odd": 2}', ("odd", "even: give an odd number")),
    ('{"kind": "c"}', ("kind", "not one of the values this field takes: give 'a' or 'b'")),
    ('{"tags": ["x", "y", "z"]}', ("tags", "too many: give at most 2 items")),
    ('{"label": " "}', ("label", "empty: give a value")),
    ('{"label": "long"}', ("label", "too long: give at most 3 characters")),
    ('{"label": 3}', ("label", "not text: give it as a JSON string, in quotes")),
    ('{"flag": "yes"}', ("flag", "not true or false: give true or false, without quotes")),
    ('{"code": "AB1"}', ("code", "not a code: 2 to 4 capital letters, no X")),
    ('{"code": "ABXD"}', ("code", "has an X: 2 to 4 capital letters, no X")),
    ('{"code": "ABCDE"}', ("code", "too long: 2 to 4 capital letters, no X")),
    ('{"code": ""}', ("code", "too short: 2 to 4 capital letters, no X")),
    ('{"code": 12}', ("code", "not text (a JSON string, in quotes): 2 to 4 capital letters, no X")),
])
def test_each_refusal_says_what_is_wrong_and_what_is_expected(body, expected):
    assert [(e["field"], e["message"]) for e in refusal(body)] == [expected]


def test_a_missing_field_is_named_as_missing():
    class Needs(BaseModel):
        name: str

    with pytest.raises(ValidationError) as caught:
        Needs.model_validate({})
    assert validation_errors(caught.value) == [{"field": "name", "message": "missing: this field is required"}]


def test_a_refusal_nobody_worded_gets_the_catch_all_not_pydantics_text():
    assert message({"type": "uuid_parsing", "msg": "Input should be a valid UUID", "ctx": {}}) == UNWORDED


def test_a_fields_own_words_become_its_description_and_its_checks_stay_in_the_schema():
    schema = Sample.model_json_schema()["properties"]["code"]["anyOf"][0]
    assert schema["description"] == "2 to 4 capital letters, no X"
    assert schema["pattern"] == "^[A-Z]+$" and schema["maxLength"] == 4


def test_messages_never_hold_the_value_sent():
    assert all("SECRETNAME" not in e["message"] for e in refusal('{"code": "SECRETNAME", "label": "SECRETNAME"}'))
