"""A person's name as registered and as X12 carries it (patients/names.py)."""
from types import SimpleNamespace

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.patients.names import X12Name, card_name_needed, for_x12, require_writable


def person(first, last, middle=None, card=None):
    return SimpleNamespace(first_name=first, last_name=last, middle_name=middle, name_on_card=card)


def test_a_latin_name_goes_to_x12_as_registered():
    assert for_x12(person("José", "Núñez", "María")) == X12Name("NUNEZ", "JOSE", "MARIA")


def test_the_cards_spelling_is_used_when_there_is_one():
    card = SimpleNamespace(first_name="Taro", last_name="Yamada", middle_name=None)
    assert for_x12(person("太郎", "山田", card=card)) == X12Name("YAMADA", "TARO", "")


def test_a_name_x12_cannot_carry_has_no_x12_form_without_a_card():
    assert for_x12(person("太郎", "山田")) is None


def test_each_part_that_cannot_be_written_asks_for_the_card_without_repeating_the_name():
    errors = card_name_needed(person("Taro", "山田", middle="Ивановна"), "subscriber.")
    assert [e["field"] for e in errors] == ["subscriber.middle_name", "subscriber.last_name"]
    assert all("name_on_card" in e["message"] and "山田" not in e["message"] for e in errors)


def test_a_name_mixing_latin_with_look_alike_letters_is_called_that():
    [error] = card_name_needed(person("Anna", "Ivаnova"))
    assert error["message"].startswith("mixes Latin letters with look-alike letters of another script")


def test_require_writable_is_a_422_naming_the_fields():
    with pytest.raises(ValidationFailed) as refused:
        require_writable(person("محمد", "علي"), whose="The patient's name")
    assert refused.value.status == 422 and [e["field"] for e in refused.value.errors] == ["first_name", "last_name"]
