"""Which names an X12 file can carry (edi/x12/charset.py): marks on letters are dropped, nothing else is changed."""
import pytest

from chalicelib.edi.x12.charset import scripts, x12_name, x12_text


@pytest.mark.parametrize("given, written", [
    ("José", "JOSE"),
    ("Zoë", "ZOE"),
    ("Núñez-García", "NUNEZ-GARCIA"),
    ("O’Brien", "O'BRIEN"),  # the apostrophe a phone types
    ("Jean‐Luc", "JEAN-LUC"),  # a typographic hyphen
    ("  Mary   Ann ", "MARY ANN"),
    ("St. John", "ST. JOHN"),
    ("Ｔａｒｏ", "TARO"),  # full-width Latin letters are those letters
])
def test_a_latin_name_is_written_upper_case_with_its_marks_dropped(given, written):
    assert x12_name(given) == written


@pytest.mark.parametrize("given", [
    "山田", "محمد", "Иванова",
    "Ivаnova",  # a Cyrillic а among Latin letters: it would go out as IVNOVA
    "Straße", "Søren", "Łukasz", "Æsa", "Yıldız",  # letters with no A-to-Z letter under them
])
def test_a_name_that_would_lose_or_change_a_letter_is_not_written(given):
    assert x12_name(given) is None


def test_a_name_mixing_scripts_shows_both():
    assert scripts("Ivаnova") == {"LATIN", "CYRILLIC"} and scripts("Ivanova") == {"LATIN"}


def test_other_text_is_folded_and_never_carries_a_delimiter():
    assert x12_text("Clínica São José ~ Suite 4*B", 30) == "CLINICA SAO JOSE SUITE 4 B"
