import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import cursor
from chalicelib.core.errors import BadRequest

KEY = b"unit-test-signing-key"
keys = st.dictionaries(st.sampled_from(["pk", "sk", "gsi1pk", "gsi1sk"]),
                       st.fixed_dictionaries({"S": st.text(max_size=40)}), min_size=1)
bounds = st.text(min_size=1, max_size=60)


@given(keys, bounds)
def test_a_cursor_round_trips_for_the_list_it_was_issued_for(last_key, bound):
    assert cursor.decode(cursor.encode(last_key, bound, KEY), bound, KEY) == last_key


@given(keys, bounds, bounds)
def test_a_cursor_is_refused_for_another_list(last_key, bound, other):
    if bound == other:
        return
    with pytest.raises(BadRequest):
        cursor.decode(cursor.encode(last_key, bound, KEY), other, KEY)


@given(keys, bounds, st.integers(min_value=0), st.characters(codec="ascii"))
def test_any_altered_cursor_is_refused(last_key, bound, position, replacement):
    token = cursor.encode(last_key, bound, KEY)
    i = position % len(token)
    altered = token[:i] + replacement + token[i + 1:]
    if altered == token:
        return
    with pytest.raises(BadRequest):
        cursor.decode(altered, bound, KEY)


@given(st.text(max_size=200))
def test_garbage_is_refused_never_crashes(text):
    with pytest.raises(BadRequest):
        cursor.decode(text, "bound", KEY)


def test_a_cursor_signed_with_another_key_is_refused():
    token = cursor.encode({"pk": {"S": "x"}}, "b", b"other-key")
    with pytest.raises(BadRequest):
        cursor.decode(token, "b", KEY)


def test_a_cursor_does_not_carry_the_searched_name_or_birth_date():
    token = cursor.encode({"pk": {"S": "PRACTICE#p"}}, "gsi2|PRACTICE#p#BORN#1980-04-12|NAME#GARCIA", KEY)
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
    assert "1980-04-12" not in payload and "GARCIA" not in payload
