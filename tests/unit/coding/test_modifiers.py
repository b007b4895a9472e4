import pytest

from chalicelib.coding.modifiers import MODIFIERS, describe_modifier, is_modifier_shape, modifier_problems

ISSUE_LIST = ["25", "59", "76", "77", "91", "LT", "RT", "XE", "XS", "XP", "XU", "26", "TC", "50", "51", "GA", "GY",
              "GZ", "KX"]


def test_every_modifier_the_issue_names_is_in_the_table_with_a_description():
    assert all(describe_modifier(code) and describe_modifier(code).description for code in ISSUE_LIST)


def test_table_keys_match_their_modifiers_and_every_one_has_a_valid_shape():
    assert all(code == m.code and is_modifier_shape(code) for code, m in MODIFIERS.items())


def test_component_and_bilateral_modifiers_change_the_price_and_side_modifiers_do_not():
    assert {describe_modifier(c).kind for c in ("26", "TC", "50")} == {"pricing"}
    assert {describe_modifier(c).kind for c in ("25", "59", "LT", "RT", "GA")} == {"informational"}


def test_a_modifier_missing_from_the_table_is_not_described_but_not_refused():
    assert describe_modifier("Q6") is None and modifier_problems(["Q6"]) == []


@pytest.mark.parametrize("modifiers", [[], ["25"], ["26", "LT"], ["59", "76", "GA", "KX"], ["XS", "RT"]])
def test_lines_with_valid_modifiers_have_no_problems(modifiers):
    assert modifier_problems(modifiers) == []


@pytest.mark.parametrize("bad", ["5", "259", "lt", "L-", " 25", ""])
def test_a_modifier_that_is_not_two_upper_case_letters_or_digits_is_refused(bad):
    assert modifier_problems([bad]) == [f"{bad!r} is not a modifier: two letters or digits"]


def test_more_than_four_modifiers_on_a_line_are_refused():
    assert modifier_problems(["25", "59", "76", "GA", "KX"]) == ["5 modifiers on one line: at most 4"]


def test_a_modifier_repeated_on_a_line_is_refused():
    assert modifier_problems(["25", "25"]) == ["25 appears twice on one line"]


@pytest.mark.parametrize(("pair", "hint"), [
    (["LT", "RT"], "bill 50"), (["50", "LT"], "no single side"), (["RT", "50"], "no single side"),
    (["26", "TC"], "global service"), (["59", "XS"], "XS replaces 59"), (["XU", "59"], "XU replaces 59"),
])
def test_contradicting_modifiers_on_one_line_are_refused(pair, hint):
    [problem] = modifier_problems(pair)
    assert hint in problem
