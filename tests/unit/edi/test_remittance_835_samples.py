"""read_835 over the third-party 835 samples (../shared/x12-samples): every one reads or fails plainly, and each
important shape gives the values the file states."""
from datetime import date
from decimal import Decimal

import pytest

from chalicelib.edi.remittance.reader import read_835
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment, Reference, Remark
from chalicelib.edi.x12.segments import X12Error
from tests.unit.edi.samples import SAMPLES, read_sample, sample, sample_params

STUPIDEDI = "kputnam-stupidedi/X221A1_HP835/pass/"

# The 835 samples that are not an 835 a payer could send, each with the reason SOURCES.md gives.
REFUSED = {
    "affect-therapeutics-edi-835-parser/exhaustive_sample.txt": "bare ST..SE fragment, no ISA",
    "keironstoddart-edi-835-parser/blue_cross_nc_sample.txt": "bare ST..SE fragment, no ISA",
    "affect-therapeutics-edi-835-parser/sample_835.txt": "template placeholders where CAS amounts go",
    "affect-therapeutics-edi-835-parser/sample_835_with_interests.txt": "a PLB split by a stray terminator",
    "albmarin-badX12/error_validation.edi": "GS01 HPO, not HP",
    "kputnam-stupidedi/X221_HP835/case/1.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X221_HP835/case/2.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X221_HP835/case/3a.edi": "guide prose before the ISA",
}


@pytest.mark.parametrize("path", sample_params("835"))
def test_every_835_sample_reads_or_is_refused_with_an_x12_error(path):
    text, name = read_sample(path), str(path.relative_to(SAMPLES))
    if name in REFUSED:
        with pytest.raises(X12Error):
            read_835(text)
    else:
        remittances = read_835(text)
        assert remittances and all(r.payer.name and r.payee.name for r in remittances)


def complete_params() -> list:
    return [p for p in sample_params("835") if p.values[0] is None or p.id not in REFUSED]


@pytest.mark.parametrize("path", complete_params())
def test_every_complete_835_sample_balances_but_the_one_that_lost_its_procedure_separator(path):
    name = str(path.relative_to(SAMPLES))
    unbalanced = [c.patient_control_number for r in read_835(read_sample(path)) for c in r.unbalanced_claims]
    # LinuxForHealth's tertiary-payment.835 writes SVC*HC*24599.00*... (HC:24599 lost its ':'), so its charge
    # reads as HC's code and the line is reported out of balance, as it should be.
    assert unbalanced == (["0001000054"] if name == "LinuxForHealth-x12/tertiary-payment.835" else [])


def test_the_albmarin_negative_835_names_the_functional_group_it_refuses():
    with pytest.raises(X12Error, match="functional group HP"):
        read_835(sample("albmarin-badX12/error_validation.edi"))


@pytest.mark.parametrize("name", ["albmarin-badX12/bad_file.edi", "albmarin-badX12/segment_terminator.edi"])
def test_the_albmarin_files_that_are_not_interchanges_fail_with_an_x12_error(name):
    with pytest.raises(X12Error):
        read_835(sample(name))


def test_a_file_without_an_835_is_refused():
    with pytest.raises(X12Error, match="no 835"):
        read_835(sample("LinuxForHealth-x12/demo.837"))


def test_nine_claims_on_one_check_read_with_their_lines_and_adjustments():
    [remittance] = read_835(sample(STUPIDEDI + "multiple-claims-single-check.edi"))
    payment = remittance.payment
    assert (payment.handling, payment.total_cents, payment.credit, payment.method) == ("I", 81080, True, "CHK")
    assert (payment.trace_number, payment.originator_id, payment.effective) == ("12345", "1512345678",
                                                                                  date(2014, 3, 31))
    assert payment.method_words == "check"
    assert len(remittance.claims) == 9 and remittance.balanced
    assert sum(c.paid_cents for c in remittance.claims) == 81080
    first = remittance.claims[0]
    assert (first.patient_control_number, first.status, first.charge_cents, first.paid_cents) == \
        ("7722337", "1", 22600, 13200)
    assert (first.filing_indicator, first.payer_claim_number, first.amounts) == ("12", "119932404007801",
                                                                                 {"AU": 13200})
    assert [(x.procedure.code, x.charge_cents, x.paid_cents, x.allowed_cents) for x in first.lines] == [
        ("D0120", 4600, 2500, 2500), ("D0220", 2500, 1400, 1400), ("D0230", 2200, 1000, 1000),
        ("D0274", 6000, 3400, 3400), ("D1110", 7300, 4900, 4900)]
    assert first.lines[0].adjustments == (Adjustment("CO", "131", 2100),)
    assert first.lines[0].procedure.qualifier == "AD"
    assert first.lines[0].service_from == first.lines[0].service_to == date(2014, 3, 24)
    assert [s.number for s in remittance.summaries] == [str(n) for n in range(1, 10)]
    assert remittance.claims[2].patient_responsibility_cents == 2400


def test_managed_care_dollars_and_data_sent_separately_reads_ach_and_patient_responsibility():
    [remittance] = read_835(sample(STUPIDEDI + "dollars-and-data-sent-separate.edi"))
    payment = remittance.payment
    assert (payment.handling, payment.method, payment.format, payment.total_cents) == ("I", "ACH", "CCP", 94500)
    assert payment.effective == date(2002, 3, 16) and remittance.production_date == date(2002, 3, 14)
    assert remittance.payee.id_qualifier == "XX" and remittance.payee.id == "5544667733"
    assert remittance.payee.reference("TJ") == "777667755"
    assert remittance.payer.contacts == (("BL", "JOHN WAYNE", "TE", "8005551212", "EX", "123"),)
    first, second = remittance.claims
    assert (first.charge_cents, first.paid_cents, first.patient_responsibility_cents) == (80000, 45000, 30000)
    assert first.adjustments == (Adjustment("CO", "A2", 5000),)
    assert first.lines[0].adjustments == (Adjustment("PR", "1", 30000),)
    assert (first.lines[0].service_from, first.lines[0].service_to) == (date(2002, 3, 1), date(2002, 3, 4))
    assert second.lines[0].adjustments == (Adjustment("PR", "1", 60000), Adjustment("CO", "45", 5000))
    assert remittance.balanced


def test_a_payers_impossible_check_date_is_reported_and_the_rest_reads():
    [remittance] = read_835(sample("LinuxForHealth-x12/managed-care.835"))
    assert remittance.payment.effective is None and remittance.payment.total_cents == 94500
    assert remittance.issues == ("BPR16 is not a date (CCYYMMDD) (segment 4 BPR)",)
    assert remittance.balanced


def test_secondary_payments_read_status_two_with_every_cas_triplet():
    [remittance] = read_835(sample(STUPIDEDI + "secondary-payments.edi"))
    first, second = remittance.claims
    assert (first.status, first.status_words) == ("2", "processed as secondary")
    assert first.adjustments == (Adjustment("OA", "23", 941164),) and first.lines == ()
    assert second.lines[0].procedure == Procedure("HC", "12345", ("26",))
    assert second.lines[1].adjustments == (Adjustment("PR", "1", 15000), Adjustment("PR", "2", 7000),
                                           Adjustment("CO", "42", 8500))
    assert second.lines[1].revenue_code == "220" and second.lines[1].units == Decimal("1")
    assert second.lines[1].references == (Reference("1B", "43285"),)
    assert remittance.balanced and remittance.payment.total_cents == 122200


def test_composites_written_with_a_stray_greater_than_sign_still_read():
    [remittance] = read_835(sample("LinuxForHealth-x12/secondary-payment.835"))
    assert remittance.claims[1].lines[0].procedure == Procedure("HC", "12345", ("26",))
    assert remittance.balanced


def test_a_tertiary_payment_reads_status_three():
    [remittance] = read_835(sample(STUPIDEDI + "tertiary-payments.edi"))
    [claim] = remittance.claims
    assert (claim.status, claim.charge_cents, claim.paid_cents) == ("3", 176650, 18750)
    assert claim.lines[0].adjustments == (Adjustment("OA", "23", 157900),)
    assert claim.lines[0].allowed_cents == 170000


def test_a_higher_secondary_fee_schedule_reads_a_negative_adjustment_that_balances():
    [remittance] = read_835(sample(STUPIDEDI + "secondary-payment-with-higher-fee-schedule.edi"))
    [line] = remittance.claims[0].lines
    assert line.adjustments == (Adjustment("OA", "23", 51600), Adjustment("OA", "94", -900))
    assert line.charge_cents - line.adjusted_cents == line.paid_cents == 3400
    assert remittance.balanced


def test_medicare_part_a_reads_summaries_inpatient_and_outpatient_adjudication_and_the_plb():
    [remittance] = read_835(sample(STUPIDEDI + "dollars-and-data-sent-together.edi"))
    assert (remittance.payment.handling, remittance.payment.format) == ("C", "CTX")
    first, second = remittance.claims
    assert (first.filing_indicator, first.facility_code, first.frequency) == ("MA", "11", "1")
    assert (first.statement_from, first.statement_to) == (date(2002, 8, 16), date(2002, 8, 24))
    assert first.quantities == {"CA": Decimal("8")}
    [inpatient] = first.adjudication
    assert inpatient.kind == "inpatient" and inpatient.amount_cents(4) == 13801840
    [outpatient] = second.adjudication
    assert (outpatient.kind, second.remark_codes) == ("outpatient", ("MA02",))
    assert [(s.number, s.summary[:2]) for s in remittance.summaries] == [("110212", ("6543210903", "11")),
                                                                        ("130212", ("6543210909", "13"))]
    assert remittance.summaries[0].supplemental[0] == "2178.45"
    assert remittance.provider_adjustments == (
        ProviderAdjustment("6543210903", date(2002, 12, 31), "CV", "CP", -127),)
    assert remittance.provider_adjustments[0].reason_words == "capital passthru"
    # 1380184.00 + 119803.30 paid, less a PLB of -1.27 (money added), is the 150000.00 sent.
    assert remittance.payment.total_cents == 15000000 and remittance.balanced


def test_nevada_medicaid_reads_three_transactions_denials_crossover_and_paired_plb_adjustments():
    notice, denials, check = read_835(sample("affect-therapeutics-edi-835-parser/nevada_medicaid.txt"))
    assert (notice.payment.handling, notice.payment.method, notice.payment.total_cents) == ("H", "NON", 0)
    [denied] = notice.claims
    assert denied.denied and denied.adjustments == (Adjustment("OA", "147", 5001600, Decimal("0")),
                                                    Adjustment("CO", "26", 2221600, Decimal("0")))
    assert [e.code for e in denied.entities] == ["QC", "74", "PR", "GB"]
    assert denied.entity("PR").id == " 9999" and denied.reference("EA") == "8888888"
    assert [c.status for c in denials.claims] == ["2", "4"]
    assert check.claims == () and check.payment.total_cents == 181227
    assert [(p.reason, p.amount_cents) for p in check.provider_adjustments] == [
        ("CT", -109246), ("CT", -71981), ("CS", -18155), ("CS", 18155), ("CS", -13000), ("CS", 13000)]
    assert check.provider_adjustments[2].reference == "8888888888887"
    assert all(r.balanced for r in (notice, denials, check))
    # The interchange's IEA02 does not match its ISA13: tolerated, and said.
    assert check.envelope_issues == ("IEA02 does not match ISA13 (segment 67 IEA)",)


def test_a_denied_claim_reads_its_line_remark_codes():
    [remittance] = read_835(sample("azoner-pyx12/835_mult_loops.txt"))
    [claim] = remittance.claims
    assert claim.denied and claim.paid_cents == 0
    assert [x.remarks for x in claim.lines] == [(Remark("HE", "N14"),)] * 3
    assert [x.units for x in claim.lines] == [Decimal("68"), Decimal("16"), Decimal("36")]
    assert [x.adjustments[0].group for x in claim.lines] == ["CO", "OA", "OA"]


def test_a_payers_line_control_numbers_come_back_as_the_match_keys():
    [remittance] = read_835(sample("keironstoddart-edi-835-parser/united_healthcare_legacy_sample.txt"))
    first, second = remittance.claims
    assert [x.control_number for x in first.lines] == ["800941258001", "800941258002"]
    assert [x.control_number for x in second.lines] == ["123456789012", "123456789013", "123456789014"]
    # CAS*PR*2*5.13**1*110: two triplets, the first without a quantity.
    assert second.lines[2].adjustments == (Adjustment("PR", "2", 513), Adjustment("PR", "1", 11000),
                                           Adjustment("CO", "45", 18432))
    assert remittance.payer.reference("2U") == "87726" and remittance.payer.id_qualifier == "XV"
    assert remittance.payment.originator_supplement == "000088888"


def test_names_and_member_ids_never_show_in_what_a_log_would_print():
    [remittance] = read_835(sample(STUPIDEDI + "dollars-and-data-sent-separate.edi"))
    printed = repr(remittance)
    assert "BUDD" not in printed and "WILLIAM" not in printed and "33344555510" not in printed
    assert remittance.claims[0].entity("QC").last_name == "BUDD"  # kept, for matching hints
