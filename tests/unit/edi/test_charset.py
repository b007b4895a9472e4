"""Which names an X12 file can carry (edi/x12/charset.py): marks on letters are dropped, nothing else is changed."""
import subprocess
import sys

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


def test_checking_a_name_against_the_character_set_loads_neither_the_x12_reader_nor_the_writer() -> None:
    probe = ("import sys; from chalicelib.edi.x12.charset import x12_name; x12_name('Lee'); "
             "print(sorted(m for m in sys.modules if m.startswith('chalicelib.edi')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["['chalicelib.edi',", "'chalicelib.edi.x12',", "'chalicelib.edi.x12.charset']"]


def test_the_x12_package_still_hands_out_every_name_it_lists() -> None:
    from chalicelib.edi import x12
    from chalicelib.edi.x12 import reader, segments, writer

    homes = (reader, segments, writer)
    assert all(any(getattr(x12, name) is getattr(home, name, None) for home in homes) for name in x12.__all__)
    with pytest.raises(AttributeError):
        x12.not_a_name  # noqa: B018
