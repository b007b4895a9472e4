"""The 835 the project writes (build_835) and reads (read_835): pyx12's X221A1 map, round trips, the balancing
rules, every claim status and adjustment group, envelopes as payers send them, and errors that quote nothing."""
from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.edi.claim.values import amount, parse_cents
from chalicelib.edi.remittance import codes
from chalicelib.edi.remittance.reader import read_835
from chalicelib.edi.remittance.result import Adjustment, Procedure, ProviderAdjustment, Remark
from chalicelib.edi.remittance.writer import (
    ClaimAnswer,
    Crossover,
    LineAnswer,
    Patient,
    Payee,
    Payer,
    PaymentAnswer,
    build_835,
    build_835s,
)
from chalicelib.edi.x12 import ControlNumbers, Parties
from chalicelib.edi.x12.segments import X12Error
from tests.x12_validate import pyx12_errors

# Dates go into pure functions that take them: nothing here depends on today.
SERVED = date(2026, 1, 5)
PAID_ON = date(2026, 2, 2)
CREATED = datetime(2026, 2, 1, 9, 30, tzinfo=timezone.utc)
NPI = "1234567893"
PAYER = Payer("SANDBOX HEALTH PLAN", "123456789", ("1 MAIN ST", "ANYTOWN", "PA", "17111"), "8005551212", "SBX01")
PAYEE = Payee("RIVERSIDE FAMILY CLINIC", NPI, "987654321")


def make_line(**overrides) -> LineAnswer:
    base = LineAnswer(Procedure("HC", "99213", ("25",)), 15000, 9000, SERVED, control_number="L-1",
                      adjustments=(Adjustment("CO", "45", 4000), Adjustment("PR", "2", 2000)), allowed_cents=11000)
    return replace(base, **overrides)


def make_claim(number: str = "000000001", **overrides) -> ClaimAnswer:
    lines = overrides.pop("lines", (make_line(),))
    base = ClaimAnswer(number, "1", sum(x.charge_cents for x in lines), sum(x.paid_cents for x in lines),
                       f"SBX{number}", Patient("LOVELACE", "ADA", "ACT0001"), lines=lines)
    return replace(base, **overrides)


def build(claims, **options) -> str:
    defaults = dict(trace_number="SBX0000001", paid_on=PAID_ON, parties=Parties("ZZ", "SANDBOXPAYER", "ZZ", "REVCYCLE"),
                    controls=ControlNumbers(501, 502, 503), created=CREATED, usage="T")
    return build_835(PAYER, PAYEE, claims, **{**defaults, **options})


def mixed() -> list[ClaimAnswer]:
    denied = make_line(paid_cents=0, adjustments=(Adjustment("CO", "50", 15000),), allowed_cents=None,
                       remarks=("N130", "M15"), control_number="L-2")
    partial = (make_line(control_number="L-3"), replace(denied, control_number="L-4"))
    secondary = make_line(charge_cents=20000, paid_cents=1000, control_number="L-5",
                          adjustments=(Adjustment("OA", "23", 18000), Adjustment("PR", "1", 1000)))
    return [make_claim("000000001"), make_claim("000000002", status="4", lines=(denied,)),
            make_claim("000000003", lines=partial), make_claim("000000004", status="2", lines=(secondary,))]


PLB = (ProviderAdjustment(NPI, date(2026, 12, 31), "L6", "CLAIM1", -250),
       ProviderAdjustment(NPI, date(2026, 12, 31), "WO", "OVERPAID7", 1200))


def test_a_built_835_passes_pyx12s_x221a1_map():
    assert pyx12_errors(build(mixed(), provider_adjustments=PLB)) == []


def test_an_835_that_pays_nothing_is_a_notification_and_passes_the_map():
    denied = make_line(paid_cents=0, adjustments=(Adjustment("CO", "29", 15000),), allowed_cents=None)
    text = build([make_claim(status="4", lines=(denied,))])
    assert "BPR*H*0*C*NON" in text and pyx12_errors(text) == []


def test_a_built_835_reads_back_to_the_values_it_was_built_from():
    claims = mixed()
    [remittance] = read_835(build(claims, provider_adjustments=PLB))
    assert [c.patient_control_number for c in remittance.claims] == [c.patient_control_number for c in claims]
    assert [(c.status, c.charge_cents, c.paid_cents) for c in remittance.claims] == \
        [(c.status, c.charge_cents, c.paid_cents) for c in claims]
    first = remittance.claims[0]
    assert first.patient_responsibility_cents == 2000 and first.payer_claim_number == "SBX000000001"
    assert first.entity("QC").last_name == "LOVELACE" and first.entity("QC").id == "ACT0001"
    line = first.lines[0]
    assert (line.procedure, line.control_number, line.allowed_cents, line.service_from) == \
        (Procedure("HC", "99213", ("25",)), "L-1", 11000, SERVED)
    assert line.adjustments == (Adjustment("CO", "45", 4000), Adjustment("PR", "2", 2000))
    assert remittance.claims[1].lines[0].remarks == (Remark("HE", "N130"), Remark("HE", "M15"))
    assert [x.control_number for x in remittance.claims[2].lines] == ["L-3", "L-4"]
    assert remittance.provider_adjustments == PLB
    assert remittance.payment.trace_number == "SBX0000001" and remittance.payment.effective == PAID_ON
    assert remittance.payment.originator_id == "1123456789" and remittance.payer.reference("2U") == "SBX01"
    assert remittance.balanced and remittance.envelope_issues == () and remittance.issues == ()


def test_the_total_payment_is_the_claim_payments_less_the_provider_adjustments():
    [remittance] = read_835(build(mixed(), provider_adjustments=PLB))
    paid = 9000 + 0 + 9000 + 1000
    assert remittance.payment.total_cents == paid - (-250 + 1200)


def test_provider_adjustments_beyond_the_payments_are_refused_rather_than_written_as_a_debit():
    with pytest.raises(X12Error, match="debit"):
        build([make_claim()], provider_adjustments=(ProviderAdjustment(NPI, date(2026, 12, 31), "WO", "X", 9001),))


def test_more_than_six_provider_adjustments_continue_in_another_plb():
    many = tuple(ProviderAdjustment(NPI, date(2026, 12, 31), "CS", f"R{n}", 10) for n in range(8))
    text = build([make_claim()], provider_adjustments=many)
    assert text.count("PLB*") == 2 and read_835(text)[0].provider_adjustments == many
    # X221A1 repeats PLB (max use >1); pyx12's map wraps it in a FOOTER loop of one, so it counts the second PLB
    # as a second loop. That is the only thing it reports.
    assert [e.split(": ", 1)[1] for e in pyx12_errors(text)] == [
        "4 Loop FOOTER exceeded max count.  Found 2, should have 1"]


def test_more_than_six_adjustments_of_one_group_continue_in_another_cas():
    seven = tuple(Adjustment("CO", str(n), 100) for n in range(1, 8))
    line = make_line(charge_cents=10000, paid_cents=9300, adjustments=seven)
    text = build([make_claim(lines=(line,))])
    assert text.count("CAS*CO*") == 2 and pyx12_errors(text) == []
    assert read_835(text)[0].claims[0].lines[0].adjustments == seven


def test_adjustment_quantities_are_written_and_read_back():
    line = make_line(charge_cents=10000, paid_cents=8000,
                     adjustments=(Adjustment("CO", "45", 1500, Decimal("2")), Adjustment("PR", "3", 500)))
    [remittance] = read_835(build([make_claim(lines=(line,))]))
    assert remittance.claims[0].lines[0].adjustments[0].quantity == Decimal("2")


@pytest.mark.parametrize("status", sorted(codes.CLAIM_STATUS))
def test_every_claim_status_is_written_and_read_with_its_words(status):
    [remittance] = read_835(build([make_claim(status=status)]))
    assert remittance.claims[0].status == status
    assert remittance.claims[0].status_words == codes.CLAIM_STATUS[status]


@pytest.mark.parametrize("group", sorted(codes.ADJUSTMENT_GROUPS))
def test_every_adjustment_group_reads_with_its_words(group):
    line = make_line(adjustments=(Adjustment(group, "45", 6000),))
    [remittance] = read_835(build([make_claim(lines=(line,))]))
    [adjustment] = remittance.claims[0].lines[0].adjustments
    assert (adjustment.group, adjustment.group_words) == (group, codes.ADJUSTMENT_GROUPS[group])


def test_all_six_triplets_of_one_cas_read_with_their_quantities():
    text = build([make_claim()]).replace(
        "CAS*CO*45*40~CAS*PR*2*20~", "CAS*CO*1*10*1*2*10**3*10*3*4*10**5*10*5*6*10~")
    [remittance] = read_835(text)
    adjustments = remittance.claims[0].lines[0].adjustments
    assert [(a.reason, a.amount_cents, a.quantity) for a in adjustments] == [
        ("1", 1000, Decimal("1")), ("2", 1000, None), ("3", 1000, Decimal("3")), ("4", 1000, None),
        ("5", 1000, Decimal("5")), ("6", 1000, None)]
    assert remittance.balanced


def test_a_reversal_and_its_correction_read_with_their_signs_and_balance():
    reversed_line = make_line(charge_cents=-15000, paid_cents=-9000,
                              adjustments=(Adjustment("CO", "45", -4000), Adjustment("PR", "2", -2000)))
    corrected_line = make_line(paid_cents=11000, adjustments=(Adjustment("CO", "45", 4000),))
    reversal = make_claim("000000007", status="22", lines=(reversed_line,), frequency="8")
    correction = make_claim("000000007", status="1", lines=(corrected_line,), frequency="7")
    text = build([reversal, correction])
    assert pyx12_errors(text) == []
    [remittance] = read_835(text)
    first, second = remittance.claims
    assert first.reversal and (first.charge_cents, first.paid_cents) == (-15000, -9000)
    assert first.patient_responsibility_cents == -2000 and first.frequency == "8"
    assert (second.status, second.paid_cents) == ("1", 11000)
    assert remittance.payment.total_cents == 2000 and remittance.balanced


def test_a_forwarded_claim_is_written_with_its_crossover_payer_claim_remarks_and_revenue_codes():
    forwarded = make_claim(status="19", crossover=Crossover("MEDIGAP PLAN", "MGP01"), remarks=("MA18", "N130"),
                           lines=(make_line(revenue_code="0450"),))
    text = build([forwarded])
    assert pyx12_errors(text) == []
    [claim] = read_835(text)[0].claims
    assert (claim.crossover_payer.last_name, claim.crossover_payer.id) == ("MEDIGAP PLAN", "MGP01")
    assert claim.remark_codes == ("MA18", "N130") and claim.lines[0].revenue_code == "0450"


def test_several_payments_are_written_as_one_interchange_with_a_check_each():
    other = Payee("LAKESIDE CLINIC", "1245319599", "123450000")
    payments = [PaymentAnswer(PAYER, PAYEE, [make_claim("000000001")], "CHK1", PAID_ON),
                PaymentAnswer(PAYER, other, [make_claim("000000002"), make_claim("000000003")], "CHK2", PAID_ON)]
    text = build_835s(payments, parties=Parties("ZZ", "SANDBOXPAYER", "ZZ", "REVCYCLE"),
                      controls=ControlNumbers(7, 7, 11), created=CREATED, usage="T")
    assert pyx12_errors(text) == [] and text.count("ISA*") == 1
    read = read_835(text)
    assert [(r.control_number, r.payee.id, r.payment.trace_number, r.payment.total_cents) for r in read] == [
        ("0011", NPI, "CHK1", 9000), ("0012", "1245319599", "CHK2", 18000)]


def test_a_writer_refuses_a_claim_that_does_not_balance_naming_its_place_only():
    unbalanced = make_line(paid_cents=9100)
    with pytest.raises(X12Error, match=r"^claim 2 does not balance: service line 1") as raised:
        build([make_claim(), make_claim("000000002", lines=(unbalanced,), paid_cents=9100)])
    assert "000000002" not in str(raised.value)


def test_a_value_holding_a_delimiter_is_refused_without_quoting_it():
    with pytest.raises(X12Error, match="NM103") as raised:
        build([make_claim(patient=Patient("O~BRIEN", "ADA"))])
    assert "BRIEN" not in str(raised.value)


@pytest.mark.parametrize("change", [dict(status="5"), dict(filing_indicator="CI"), dict(payer_claim_number="")])
def test_a_claim_outside_the_guides_code_lists_is_refused(change):
    with pytest.raises(X12Error, match="claim 1"):
        build([make_claim(**change)])


def test_a_line_out_of_balance_is_named_with_the_claim_it_puts_out_of_balance():
    text = build([make_claim(), make_claim("000000002")]).replace("SVC*HC:99213:25*150*90~", "SVC*HC:99213:25*150*95~", 1)
    [remittance] = read_835(text)
    first, second = remittance.claims
    assert [(i.rule, i.line, i.expected_cents, i.found_cents) for i in first.imbalances] == [
        ("line", 1, 9000, 9500)]
    assert first.imbalances[0].message == "service line 1: charge minus its adjustments is 90.00, the line " \
                                          "payment (SVC03) is 95.00"
    assert second.balanced and not remittance.balanced
    assert remittance.unbalanced_claims == (first,)


def test_a_claim_payment_that_disagrees_with_its_adjustments_is_reported_for_that_claim_alone():
    text = build([make_claim(), make_claim("000000002")]).replace("CLP*000000002*1*150*90*", "CLP*000000002*1*150*80*")
    [remittance] = read_835(text)
    first, second = remittance.claims
    assert first.balanced
    assert [(i.rule, i.expected_cents, i.found_cents) for i in second.imbalances] == [("claim", 9000, 8000)]
    # The BPR still says 180.00 while the claims now pay 170.00: the transaction is out of balance too.
    assert [(i.rule, i.expected_cents, i.found_cents) for i in remittance.imbalances] == [
        ("transaction", 17000, 18000)]


def test_a_claim_without_lines_balances_on_its_claim_level_adjustments():
    claim = make_claim(lines=(), charge_cents=20000, paid_cents=15000,
                       adjustments=(Adjustment("CO", "45", 3000), Adjustment("PR", "1", 2000)))
    [remittance] = read_835(build([claim]))
    assert remittance.claims[0].lines == () and remittance.balanced


def test_a_debit_counts_its_total_as_money_taken_back():
    reversed_line = make_line(charge_cents=-15000, paid_cents=-9000,
                              adjustments=(Adjustment("CO", "45", -4000), Adjustment("PR", "2", -2000)))
    text = build([make_claim(status="1")]).replace("CLP*000000001*1*150*90*20*", "CLP*000000001*22*-150*-90*-20*")
    text = text.replace("SVC*HC:99213:25*150*90~", "SVC*HC:99213:25*-150*-90~")
    text = text.replace("CAS*CO*45*40~CAS*PR*2*20~", "CAS*CO*45*-40~CAS*PR*2*-20~").replace("BPR*I*90*C*", "BPR*I*90*D*")
    [remittance] = read_835(text)
    assert remittance.claims[0].lines[0].adjustments == reversed_line.adjustments
    assert remittance.payment.signed_total_cents == -9000 and remittance.balanced


def test_crossover_payer_and_original_procedure_read_from_the_claim_and_line():
    text = build([make_claim(status="19")]).replace(
        "NM1*QC*1*LOVELACE*ADA****MI*ACT0001~",
        "NM1*QC*1*LOVELACE*ADA****MI*ACT0001~NM1*TT*2*MEDIGAP PLAN*****PI*MGP01~MOA***MA18~")
    text = text.replace("SVC*HC:99213:25*150*90~", "SVC*HC:99213:25*150*90**1*HC:99215*2~")
    [remittance] = read_835(text)
    claim = remittance.claims[0]
    assert claim.crossover_payer.last_name == "MEDIGAP PLAN" and claim.crossover_payer.id == "MGP01"
    assert claim.remark_codes == ("MA18",)
    line = claim.lines[0]
    assert (line.original_procedure, line.original_units, line.units) == (Procedure("HC", "99215"), Decimal("2"),
                                                                          Decimal("1"))


def test_an_adjudication_amount_that_is_not_cents_is_refused_naming_the_element():
    text = build([make_claim()]).replace("NM1*QC*1*LOVELACE*ADA****MI*ACT0001~",
                                         "NM1*QC*1*LOVELACE*ADA****MI*ACT0001~MIA*0***12.345~")
    [adjudication] = read_835(text)[0].claims[0].adjudication
    with pytest.raises(X12Error, match="MIA04"):
        adjudication.amount_cents(4)
    assert adjudication.amount_cents(2) is None


def test_claim_dates_amounts_and_quantities_read_by_qualifier():
    text = build([make_claim(statement=(date(2026, 1, 3), date(2026, 1, 4)))]).replace(
        "DTM*233*20260104~", "DTM*233*20260104~DTM*050*20260110~DTM*036*20261231~AMT*AU*150~AMT*I*1.25~QTY*CA*2~")
    claim = read_835(text)[0].claims[0]
    assert (claim.statement_from, claim.statement_to, claim.received, claim.coverage_expires) == (
        date(2026, 1, 3), date(2026, 1, 4), date(2026, 1, 10), date(2026, 12, 31))
    assert claim.amounts == {"AU": 15000, "I": 125} and claim.quantities == {"CA": Decimal("2")}


def test_line_service_periods_read_from_dtm_150_and_151():
    text = build([make_claim()]).replace("DTM*472*20260105~", "DTM*150*20260105~DTM*151*20260109~")
    line = read_835(text)[0].claims[0].lines[0]
    assert (line.service_from, line.service_to) == (date(2026, 1, 5), date(2026, 1, 9))


def test_crlf_line_breaks_trailing_layout_and_another_terminator_read_alike():
    text = build(mixed(), provider_adjustments=PLB)
    expected = read_835(text)[0]
    for variant in (text.replace("~", "~\r\n"), text.replace("~", "~  \n"), text.replace("~", "\n"),
                    text.replace("~", "|")):
        [read] = read_835(variant)
        assert read.claims == expected.claims and read.provider_adjustments == expected.provider_adjustments


def test_several_transaction_sets_groups_and_interchanges_in_one_file_all_read():
    one, two = build([make_claim("000000001")]), build([make_claim("000000002")], trace_number="SBX0000002")
    group_of = lambda text: text[text.index("GS*"):text.index("IEA*")]  # noqa: E731
    two_groups = one[:one.index("IEA*")] + group_of(two) + one[one.index("IEA*"):].replace("IEA*1*", "IEA*2*")
    remittances = read_835(two_groups + two)
    assert [r.claims[0].patient_control_number for r in remittances] == ["000000001", "000000002", "000000002"]
    assert [r.payment.trace_number for r in remittances] == ["SBX0000001", "SBX0000002", "SBX0000002"]
    assert all(r.envelope_issues == () for r in remittances)


def test_a_miscounted_envelope_is_reported_by_default_and_refused_when_strict():
    text = build([make_claim()]).replace("SE*21*0503", "SE*99*0503")
    assert read_835(text)[0].envelope_issues == ("SE01 does not match the 21 segments counted from ST to SE "
                                                 "(segment 23 SE)",)
    with pytest.raises(X12Error, match="SE01"):
        read_835(text, strict=True)


def test_a_value_that_starts_with_iea_does_not_end_the_interchange():
    text = build([make_claim()]).replace("N1*PR*SANDBOX HEALTH PLAN", "N1*PR*IEA HEALTH PLAN")
    assert read_835(text)[0].payer.name == "IEA HEALTH PLAN"


@pytest.mark.parametrize("broken, named", [
    ("CLP*000000001*1*150*90.123*", "CLP04"),
    ("CLP*000000001*1*150*ninety*", "CLP04"),
])
def test_an_amount_that_is_not_whole_cents_is_refused_naming_the_element_not_the_value(broken, named):
    text = build([make_claim()]).replace("CLP*000000001*1*150*90*", broken)
    with pytest.raises(X12Error, match=named) as raised:
        read_835(text)
    assert "ninety" not in str(raised.value) and "90.123" not in str(raised.value)


def test_an_835_without_its_payment_or_payee_is_refused():
    text = build([make_claim()])
    with pytest.raises(X12Error, match="BPR"):
        read_835(text.replace("BPR*I*90*C*CHK************20260202~", "").replace("SE*21*", "SE*20*"))
    with pytest.raises(X12Error, match="payee"):
        read_835(text.replace("N1*PE*RIVERSIDE FAMILY CLINIC*XX*1234567893~", ""))


def test_an_835_in_another_functional_group_is_refused():
    with pytest.raises(X12Error, match="HP"):
        read_835(build([make_claim()]).replace("GS*HP*", "GS*HC*"))


def test_every_code_list_says_each_code_in_words_and_keeps_unknown_codes_visible():
    assert codes.provider_adjustment("L6") == "interest owed" and codes.provider_adjustment("ZZ9") == \
        "provider adjustment ZZ9"
    assert codes.claim_status("99") == "claim status 99" and codes.payment_method("ACH").startswith("automated")
    assert codes.adjustment_group("XX") == "adjustment group XX"


@given(st.integers(min_value=-99_999_999_99, max_value=99_999_999_99))
def test_every_amount_the_writer_formats_reads_back_to_the_same_cents(cents):
    assert parse_cents(amount(cents)) == cents


@given(st.text(alphabet="0123456789.-+ e", max_size=8))
def test_parse_cents_never_reads_a_text_as_other_than_its_exact_value_in_cents(text):
    try:
        cents = parse_cents(text)
    except ValueError:
        return  # refused: fine, whatever the text
    assert type(cents) is int and Decimal(cents) == Decimal(text.strip()) * 100
