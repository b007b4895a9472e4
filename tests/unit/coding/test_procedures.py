import pytest

from chalicelib.coding.procedures import (
    is_cpt,
    is_cpt_category_i,
    is_cpt_category_ii,
    is_cpt_category_iii,
    is_hcpcs_level_ii,
    is_procedure_code,
    procedure_kind,
)


@pytest.mark.parametrize(("code", "kind"), [
    ("99213", "CPT I"), ("00100", "CPT I"), ("3074F", "CPT II"), ("0042T", "CPT III"),
    ("0001U", "CPT PLA"), ("0002M", "CPT MAAA"), ("G0439", "HCPCS II"), ("J1100", "HCPCS II"),
])
def test_each_kind_of_procedure_code_is_told_by_its_shape(code, kind):
    assert procedure_kind(code) == kind and is_procedure_code(code)


@pytest.mark.parametrize("code", ["", "9921", "992133", "921F", "3074f", "3074X", "g0439", "GG439", "G04391",
                                  "E11.9", " 99213", "99213 ", "0042T1", "T004"])
def test_codes_of_no_known_shape_are_not_procedure_codes(code):
    assert procedure_kind(code) is None and not is_procedure_code(code)


def test_category_helpers_answer_for_their_own_category_only():
    assert is_cpt_category_i("99213") and not is_cpt_category_i("3074F")
    assert is_cpt_category_ii("3074F") and not is_cpt_category_ii("0042T")
    assert is_cpt_category_iii("0042T") and not is_cpt_category_iii("99213")
    assert is_hcpcs_level_ii("G0439") and not is_hcpcs_level_ii("99213")


def test_pla_and_maaa_codes_count_as_cpt_and_hcpcs_does_not():
    assert is_cpt("0001U") and is_cpt("0002M") and is_cpt("99213") and not is_cpt("G0439")
