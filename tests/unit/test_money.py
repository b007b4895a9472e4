import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.money import Money

cents = st.integers(min_value=-10**12, max_value=10**12)


@given(cents)
def test_formatting_then_parsing_gives_the_same_amount(value):
    assert Money.parse(str(Money(value))) == Money(value)


@given(cents, cents, cents)
def test_addition_is_exact_and_associative(a, b, c):
    assert (Money(a) + Money(b)) + Money(c) == Money(a) + (Money(b) + Money(c)) == Money(a + b + c)


@given(cents, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0))
def test_allocation_never_loses_or_invents_a_cent(total, weights):
    parts = Money(total).allocate(weights)
    assert sum(p.cents for p in parts) == total
    assert all(p.cents == 0 for p, w in zip(parts, weights) if w == 0)
    exact = [abs(total) * w / sum(weights) for w in weights]
    assert all(abs(abs(p.cents) - e) < 1 for p, e in zip(parts, exact))


@pytest.mark.parametrize("text, expected", [("0", 0), ("12.3", 1230), ("12.34", 1234), ("-0.05", -5), (" 7.00 ", 700)])
def test_dollar_strings_parse_to_cents(text, expected):
    assert Money.parse(text).cents == expected


@pytest.mark.parametrize("text", ["12.345", "1e3", "", "12,00", "$5", "nan", "1.2.3"])
def test_anything_but_an_exact_amount_is_refused(text):
    with pytest.raises(ValueError):
        Money.parse(text)


@pytest.mark.parametrize("value", [1.5, True, "100"])
def test_money_holds_only_integer_cents(value):
    with pytest.raises(TypeError):
        Money(value)
