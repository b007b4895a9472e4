import pytest

from chalicelib.coding.institutional import (
    FREQUENCY_CODES,
    PROFESSIONAL_FREQUENCY_CODES,
    REFERS_TO_PRIOR_CLAIM,
    TypeOfBill,
    is_revenue_code,
    is_type_of_bill,
    parse_type_of_bill,
)


@pytest.mark.parametrize("code", ["0001", "0450", "0300", "0999", "1001", "2101", "3109"])
def test_revenue_codes_are_four_digits_mostly_with_a_leading_zero(code):
    assert is_revenue_code(code)


@pytest.mark.parametrize("code", ["", "450", "04500", "0000", "1450", "2200", "A450", "045A", " 0450"])
def test_other_four_character_strings_are_not_revenue_codes(code):
    assert not is_revenue_code(code)


def test_a_hospital_outpatient_admit_through_discharge_bill_reads_as_such():
    assert parse_type_of_bill("0131") == TypeOfBill("0131", "Hospital", "Outpatient",
                                                    "Admit through discharge claim (an original claim)")


def test_type_of_bill_splits_into_the_837i_facility_code_and_frequency():
    bill = parse_type_of_bill("0117")
    assert (bill.facility_code, bill.frequency_code) == ("11", "7") and bill.frequency.startswith("Replacement")


def test_classification_meanings_depend_on_the_facility_type():
    assert parse_type_of_bill("0711").classification == "Rural health clinic"
    assert parse_type_of_bill("0831").classification == "Ambulatory surgical center services to hospital outpatients"
    assert parse_type_of_bill("0211").classification == "Inpatient (including Medicare Part A)"


def test_an_unlisted_classification_is_accepted_without_a_meaning():
    assert parse_type_of_bill("0731").classification is None and is_type_of_bill("0731")


@pytest.mark.parametrize("code", ["", "131", "00131", "1131", "0031", "0511", "0911", "0101", "0136", "013A"])
def test_malformed_or_unassigned_types_of_bill_are_refused(code):
    assert parse_type_of_bill(code) is None and not is_type_of_bill(code)


def test_replacement_and_void_refer_to_a_prior_claim_and_are_the_professional_frequencies_with_original():
    assert REFERS_TO_PRIOR_CLAIM == {"7", "8"} and PROFESSIONAL_FREQUENCY_CODES == {"1", "7", "8"}
    assert set(FREQUENCY_CODES) == set("012345789")
