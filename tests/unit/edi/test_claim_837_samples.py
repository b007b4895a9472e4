"""read_837 on third parties' 837P and 837I files (../shared/x12-samples, see its SOURCES.md), and its rules
for amounts and HL levels."""
from datetime import date
from decimal import Decimal

import pytest

from chalicelib.edi.claim.reader import read_837
from chalicelib.edi.claim.values import parse_cents
from chalicelib.edi.x12 import X12Error, read_interchanges
from tests.claims_factory import make_document, write
from tests.unit.edi.samples import read_sample, sample, sample_params

# Not X12 as published: a bad segment id, a file starting at GS, the guide's prose before the ISA (SOURCES.md).
UNREADABLE = ("x12_bad_segment_identifier.txt", "x12_no_isa_line.txt", "X222_HC837/case/1.edi")
STUPIDEDI_P = "kputnam-stupidedi/X222A1_HC837/pass/"


def clm_count(text: str) -> int:
    return sum(segment.id == "CLM" for interchange in read_interchanges(text, strict=False)
               for transaction in interchange.transactions("837") for segment in transaction.body)


@pytest.mark.parametrize("path", sample_params("837"))
def test_every_third_party_837_reads_one_claim_per_clm(path):
    text = read_sample(path)
    if str(path).endswith(UNREADABLE):
        with pytest.raises(X12Error):
            read_837(text, strict=False)
        return
    # imsweb's files are parser test data: SE01 is always 25 and many HL02 point at levels that never came.
    lenient = "imsweb" in str(path)
    claims = read_837(text, strict=not lenient)
    assert len(claims) == clm_count(text) > 0
    assert all(claim.patient_control_number and claim.payer_id for claim in claims)
    if not lenient:  # the guides' own examples have lines, and CLM02 is the sum of the line charges
        assert all(claim.lines and claim.total_charge_cents == sum(line.charge_cents for line in claim.lines)
                   for claim in claims)


def test_the_guides_commercial_example_reads_back_its_facts():
    (claim,) = read_837(sample(STUPIDEDI_P + "commercial-health-insurance.edi"))
    assert (claim.billing_npi, claim.payer_id, claim.member_id, claim.patient_is_subscriber,
            claim.patient_relationship) == ("9876543210", "999996666", "JS00111223333", False, "19")
    assert (claim.patient_control_number, claim.total_charge_cents, claim.facility_code, claim.facility_qualifier,
            claim.frequency_code, claim.diagnoses) == ("26463774", 10000, "11", "B", "1", ("0340", "V7389"))
    assert [(line.number, line.procedure_code, line.charge_cents, line.units, line.diagnosis_pointers,
             line.service_date) for line in claim.lines] == [
        (1, "99213", 4000, 1, (1,), date(2006, 10, 3)), (2, "87070", 1500, 1, (1,), date(2006, 10, 3)),
        (3, "99214", 3500, 1, (2,), date(2006, 10, 10)), (4, "86663", 1000, 1, (2,), date(2006, 10, 10))]


def test_composites_written_with_a_stray_separator_are_still_split():
    # ISA16 declares ":" but the sender wrote CLM05 22>B>1 and SV101 HC>00142>QK>QS>P1 (SOURCES.md).
    (claim,) = read_837(sample("LinuxForHealth-x12/demo.example9.837"))
    assert (claim.facility_code, claim.facility_qualifier, claim.frequency_code) == ("22", "B", "1")
    assert claim.diagnoses == ("36616",) and claim.total_charge_cents == 82700
    (line,) = claim.lines
    assert (line.procedure_code, line.modifiers, line.units, line.diagnosis_pointers) == (
        "00142", ("QK", "QS", "P1"), Decimal("61.00"), (1,))  # SV107 written as "1.00"


def test_an_institutional_example_reads_statement_dates_revenue_codes_and_the_other_payers_loops_apart():
    (claim,) = read_837(sample("kputnam-stupidedi/X223A2_HC837/pass/837-institutional-claim.edi"))
    assert (claim.convention, claim.facility_code, claim.facility_qualifier, claim.total_charge_cents) == (
        "005010X223A2", "14", "A", 8993)
    assert claim.diagnoses == ("3669", "4019", "79431")  # BK then BF; BH/BE/BG codes are not diagnoses
    assert (claim.statement_from, claim.statement_to) == (date(1996, 9, 11), date(1996, 9, 11))
    assert claim.member_id == "030005074A" and claim.payer_id == "00435"  # not 2330A/2330B's
    assert [(line.revenue_code, line.procedure_code, line.units, line.charge_cents) for line in claim.lines] == [
        ("0305", "85025", 1, 1339), ("0730", "93005", 3, 7654)]


def test_claims_of_several_interchanges_and_transaction_sets_are_all_read():
    claims = read_837(sample("imsweb-x12-parser/x12_multiple_isa.txt"), strict=False)
    assert [c.patient_control_number for c in claims] == ["A37YH556", "A37YH667", "A37YH5561", "A37YH6672"]
    assert len(read_837(sample("imsweb-x12-parser/x12_multiple_transactions.txt"), strict=False)) == 624
    assert len(read_837(sample("imsweb-x12-parser/x12_many_claims.txt"), strict=False)) == 820


def test_a_hl_parent_that_never_appeared_is_an_error_unless_reading_leniently():
    text = sample("imsweb-x12-parser/x12_valid.txt")
    with pytest.raises(X12Error, match="HL02 names a level"):
        read_837(text.replace("SE*25*", "SE*34*"))  # counts right, so only the HL02 is wrong
    assert [c.member_id for c in read_837(text, strict=False)] == ["123456", "123456"]


@pytest.mark.parametrize("text, cents", [("125.5", 12550), ("40", 4000), (".01", 1), ("0.01", 1), ("0", 0),
                                         ("10.000", 1000), ("99999999.99", 9999999999), ("-12.3", -1230)])
def test_x12_amounts_parse_to_exact_cents(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["1.234", "", ".", "1.", "1e3", "12,5", "abc", "1.2.3", "--1"])
def test_amounts_finer_than_a_cent_or_not_plain_decimals_are_refused(text):
    with pytest.raises(ValueError):
        parse_cents(text)


def test_a_bad_amount_is_named_by_its_element_without_quoting_it():
    text = write([make_document()]).replace("CLM*C0001*155*", "CLM*C0001*155.555*")
    with pytest.raises(X12Error, match="CLM02 is not an amount in whole cents") as raised:
        read_837(text)
    assert "155.555" not in str(raised.value)
