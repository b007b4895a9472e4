from datetime import date, datetime
from decimal import Decimal

import pytest

from chalicelib.core.money import Money
from chalicelib.edi.eligibility.inquiry import DateRange, Limit, parse_271
from chalicelib.edi.eligibility.codes import REJECT_REASONS, follow_up_action, reject_reason
from chalicelib.edi.x12 import ControlNumbers, Envelope, Parties, Transaction, X12Error, rep, write_interchange
from tests.unit.edi.samples import read_sample, sample, sample_params

LFH = "LinuxForHealth-x12/"
STUPIDEDI = "kputnam-stupidedi/X279_HB271/pass/response-to-generic-request-by-"


@pytest.mark.parametrize("path", sample_params("271"))
def test_every_third_party_271_reads_into_a_sensible_result(path):
    result = parse_271(read_sample(path))
    assert result.active is not None or result.rejections  # an answer either way
    if result.active:
        assert result.trace_number == "93175-012547" and result.plan_name == "GOLD 123 PLAN"
        assert result.coverage_start == date(2006, 1, 1)


def test_the_subscriber_response_gives_plan_dates_and_network_co_pays():
    result = parse_271(sample(LFH + "subscriber-health-benefit-check.271"))
    assert (result.active, result.member_id, result.envelope_issues) == (True, "123456789", ())
    assert result.dates == {"plan_begin": DateRange(date(2006, 1, 1), date(2006, 1, 1))}
    office = result.for_service("98")
    assert office.in_network.co_payment == Money(1000) and office.out_of_network.co_payment == Money(3000)
    assert {"1", "33", "98", "UC"} <= set(result.covered_service_types)
    assert [b.code for b in result.benefits] == ["1", "L", "1", "B", "B"]


def test_the_dependent_response_reads_the_dependent_level():
    result = parse_271(sample(LFH + "dependent-health-benefit-check.271"))
    assert result.active and result.trace_number == "93175-012547"  # the TRN sits in 2000D
    assert result.for_service("MH").in_network.co_payment == Money(1000)


def test_a_pre_a1_response_with_another_repetition_separator_reads_the_same():
    result = parse_271(sample(STUPIDEDI + "clinic-for-patient-(subscriber)-eligibility.edi"))
    assert result.for_service("98").out_of_network.co_payment == Money(3000)  # EB07 "30", no decimals
    assert "AL" in result.covered_service_types  # EB03 split on ">" (ISA11)


@pytest.mark.parametrize("name", [LFH + "subscriber-health-benefit-check-error.271",
                                  "kputnam-stupidedi/X279A1_HB271/pass/error-response-from-payer-to-clinic-"
                                  "not-eligible-for-inquiries-with-payer.edi"])
def test_an_error_response_surfaces_the_receiver_level_rejection(name):
    result = parse_271(sample(name))
    assert result.active is None and result.benefits == ()
    [rejection] = result.rejections
    assert (rejection.loop, rejection.level, rejection.code, rejection.reason) == (
        "2100B", "information receiver", "50", "provider ineligible for inquiries")
    assert (rejection.valid_request, rejection.follow_up_code, rejection.follow_up) == (
        True, "N", "resubmission not allowed")


def test_envelope_faults_of_a_real_271_are_reported_not_fatal():
    mismatched = parse_271(sample(LFH + "subscriber-health-benefit-check-error.271"))
    assert mismatched.envelope_issues == ("SE02 does not match ST02 (segment 10 SE)",)
    mixed = parse_271(sample("imsweb-x12-parser/x271.txt"))  # 4010 envelope, SE01 22 for 18 segments
    assert mixed.active and len(mixed.envelope_issues) == 2


def write_271(*body: tuple, source: tuple = (), dependent: bool = False) -> str:
    envelope = Envelope(Parties("ZZ", "PAYER", "ZZ", "REVCYCLE"), "HB", "005010X279A1", "T", datetime(2026, 1, 5))
    head = [("BHT", "0022", "11", "R1", "20260105", "1200"), ("HL", "1", "", "20", "1"), *source,
            ("NM1", "PR", "2", "P"), ("HL", "2", "1", "21", "1"), ("NM1", "1P", "2", "C"),
            ("HL", "3", "2", "22", "1" if dependent else "0")]
    transaction = Transaction("271", "005010X279A1", head + list(body))
    return write_interchange(envelope, ControlNumbers(1, 1, 1), [transaction])


SUBSCRIBER = ("NM1", "IL", "1", "DOE", "JO", "", "", "", "MI", "W1")


def test_deductible_and_out_of_pocket_split_total_remaining_and_year_to_date():
    result = parse_271(write_271(
        ("TRN", "2", "T1", "9REVCYCLE0"), ("TRN", "1", "PAYERS-OWN", "1999999999"), SUBSCRIBER,
        ("EB", "1", "FAM", "30", "PR", "GOLD"),
        ("EB", "C", "IND", "30", "", "", "23", "1500.00", "", "", "", "", "Y"),
        ("EB", "C", "IND", "30", "", "", "29", "400", "", "", "", "", "Y"),
        ("EB", "C", "IND", "30", "", "", "24", "1100.000", "", "", "", "", "Y"),
        ("EB", "C", "FAM", "30", "", "", "23", "3000", "", "", "", "", "Y"),
        ("EB", "G", "IND", "30", "", "", "25", "5000", "", "", "", "", "W"),
        ("EB", "G", "IND", "30", "", "", "29", "3200"),
        ("EB", "A", "IND", "30", "", "", "", "", ".2", "", "", "", "Y"),
        ("EB", "A", "IND", "30", "", "", "", "", "0.40", "", "", "", "N")))
    assert result.trace_number == "T1"  # our echoed trace, not the payer's own TRN
    individual = result.for_service("98")  # nothing for 98 itself: the plan-wide (30) figures apply
    assert individual.in_network.deductible == Limit(Money(150000), Money(40000), Money(110000))
    assert individual.in_network.out_of_pocket == Limit(Money(500000), Money(320000))  # W, then unstated
    assert individual.out_of_network.deductible == Limit()  # in-network only
    assert individual.out_of_network.out_of_pocket == Limit(Money(500000), Money(320000))
    assert (individual.in_network.co_insurance, individual.out_of_network.co_insurance) == (
        Decimal("0.2"), Decimal("0.40"))
    assert result.for_service("30", "FAM").in_network.deductible == Limit(total=Money(300000))


def test_benefit_details_keep_their_own_dates_messages_and_codes():
    result = parse_271(write_271(
        SUBSCRIBER, ("DTP", "346", "D8", "20260101"), ("DTP", "357", "D8", "20261231"),
        ("EB", "B", "IND", rep("98", "UC"), "PR", "", "27", "25", "", "VS", "12", "Y", "Y"),
        ("DTP", "348", "RD8", "20260101-20260630"), ("MSG", "PER VISIT"),
        ("LS", "2120"), ("NM1", "P3", "1", "PCP"), ("LE", "2120")))
    assert (result.coverage_start, result.coverage_end) == (date(2026, 1, 1), date(2026, 12, 31))
    [copay] = result.benefits
    assert copay.dates == {"benefit_begin": DateRange(date(2026, 1, 1), date(2026, 6, 30))}
    assert (copay.messages, copay.service_types, copay.quantity) == (("PER VISIT",), ("98", "UC"), Decimal(12))
    assert (copay.info, copay.authorization_required, copay.network) == ("co-payment", "Y", "in")
    assert result.member_id == "W1"  # the related entity's NM1 (2120C) is not the subscriber
    assert result.active is None  # cost shares alone do not say whether coverage is active


def test_inactive_coverage_reads_as_not_active():
    result = parse_271(write_271(SUBSCRIBER, ("EB", "6", "", "30")))
    assert result.active is False and result.covered_service_types == ()


@pytest.mark.parametrize("body, loop, level", [
    ([SUBSCRIBER, ("AAA", "Y", "", "72", "C")], "2100C", "subscriber"),
    ([SUBSCRIBER, ("EB", "V"), ("AAA", "N", "", "15", "C")], "2110C", "subscriber"),
])
def test_rejections_are_placed_at_their_loop(body, loop, level):
    [rejection] = parse_271(write_271(*body)).rejections
    assert (rejection.loop, rejection.level) == (loop, level)


def test_rejections_at_the_information_source_and_dependent_levels():
    text = write_271(SUBSCRIBER, ("HL", "4", "3", "23", "0"), ("NM1", "03", "1", "DOE"),
                     ("AAA", "Y", "", "77", "X"), source=(("AAA", "Y", "", "04", "P"),), dependent=True)
    result = parse_271(text)
    assert result.envelope_issues == ()
    source, dependent = result.rejections
    assert (source.loop, source.code, source.reason, source.follow_up) == (
        "2000A", "04", "authorized quantity exceeded", "please resubmit original transaction")
    assert (dependent.loop, dependent.level, dependent.reason, dependent.follow_up) == (
        "2100D", "dependent", "subscriber found, patient not found", "please wait 10 days and resubmit")


@pytest.mark.parametrize("code, words", [
    ("42", "unable to respond at current time"), ("72", "invalid/missing subscriber/insured id"),
    ("73", "invalid/missing subscriber/insured name"), ("75", "subscriber/insured not found"),
    ("15", "required application data missing"), ("41", "authorization/access restrictions"),
    ("43", "invalid/missing provider identification"), ("58", "invalid/missing date-of-birth"),
    ("T4", "payer name or identifier missing"),
])
def test_reject_reasons_read_plainly(code, words):
    assert reject_reason(code) == words


def test_unknown_codes_are_kept_as_codes():
    assert (reject_reason("Q9"), follow_up_action("Q"), reject_reason("")) == (
        "reject reason Q9", "follow-up action Q", "no reason given")
    assert all(len(code) == 2 for code in REJECT_REASONS)


@pytest.mark.parametrize("segment, message", [
    (("EB", "B", "", "30", "", "", "27", "10.005"), "EB07"),
    (("EB", "A", "", "30", "", "", "", "", "abc"), "EB08"),
    (("DTP", "346", "D8", "20260230"), "DTP03"),
    (("DTP", "346", "RD8", "20260101"), "DTP03"),
])
def test_values_that_are_not_what_their_element_says_are_errors(segment, message):
    with pytest.raises(X12Error, match=message):
        parse_271(write_271(SUBSCRIBER, segment))


def test_one_subscriber_per_271_and_one_271_per_interchange():
    two = write_271(SUBSCRIBER, ("HL", "4", "2", "22", "0"), SUBSCRIBER)
    with pytest.raises(X12Error, match="more than one subscriber"):
        parse_271(two)
    with pytest.raises(X12Error, match="expected one 271"):
        parse_271(sample(LFH + "subscriber-health-benefit-check.270"))
