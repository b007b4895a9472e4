"""CARC and RARC words: every code the third-party 835 samples carry and the common ones read in plain words;
an unknown code reads as itself."""
from chalicelib.denials import words

SAMPLE_CARCS = "1 2 3 16 23 26 29 42 45 94 131 147 176 210 251 A2 A7".split()
COMMON_CARCS = ("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 18 22 23 24 26 27 29 31 32 45 50 96 97 109 119 167 197 "
                "204 234 236 242 252").split()
SAMPLE_RARCS = ["MA02", "N14", "N206"]
COMMON_RARCS = "MA01 MA04 MA07 MA18 MA130 M15 M51 M76 N4 N19 N20 N30 N130 N211 N290 N381 N522".split()


def test_every_carc_of_the_samples_and_the_common_ones_has_words():
    missing = [code for code in SAMPLE_CARCS + COMMON_CARCS if words.carc(code) == code]
    assert missing == []


def test_every_rarc_of_the_samples_and_the_common_ones_has_words():
    missing = [code for code in SAMPLE_RARCS + COMMON_RARCS if words.rarc(code) == code]
    assert missing == []


def test_an_unknown_code_reads_as_its_code():
    assert words.carc("Z99") == "Z99" and words.rarc("N99999") == "N99999"


def test_a_code_reads_in_words():
    assert words.carc("29") == "filed after the payer's time limit"
    assert words.rarc("MA130").startswith("claim has incomplete or invalid information")


def test_every_code_the_rules_name_has_words():
    from chalicelib.denials import rules

    carcs = set(rules.CATEGORY_OF_CARC) | set(rules.ACTION_OF_CARC)
    rarcs = set(rules.CATEGORY_OF_RARC) | rules.RESUBMIT_ONLY | rules.NO_APPEAL
    assert [c for c in carcs if words.carc(c) == c] == [] and [r for r in rarcs if words.rarc(r) == r] == []
