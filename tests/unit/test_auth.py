import pytest

from chalicelib.coding.npi import is_valid_npi, is_valid_taxonomy
from chalicelib.core import auth
from chalicelib.core.auth import Principal


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1679576722", "1003000126"])
def test_npis_with_a_correct_check_digit_are_valid(npi):
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "3234567893", "123456789", "12345678931", "12345678a3"])
def test_npis_with_a_wrong_check_digit_or_shape_are_not(npi):
    assert not is_valid_npi(npi)


def test_taxonomy_codes_have_the_nucc_shape():
    assert is_valid_taxonomy("207Q00000X") and not is_valid_taxonomy("207Q00000Y")


def test_a_minted_token_parses_back_and_matches_only_its_hash():
    token, stored = auth.mint_token("FIRM", "KEY")
    firm, key, secret = auth.parse_token(token)
    assert (firm, key) == ("FIRM", "KEY") and auth.secret_matches(secret, stored)
    assert not auth.secret_matches(secret + "x", stored) and secret not in stored


def test_a_principal_survives_the_authorizer_context():
    for practices in (None, frozenset({"A", "B"})):
        principal = Principal("k", "f", "biller", practices)
        assert Principal.from_context(principal.to_context()) == principal


def test_only_firm_admins_manage_keys():
    assert [r for r in auth.ROLES if Principal("k", "f", r, None).can("keys:manage")] == ["firm_admin"]
