"""The 999 implementation acknowledgment (005010X231A1): built answers to our 837s validate with pyx12 and read
back the same, and the published third-party 999s read as their files say."""
from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.edi.acks.ack_999 import (
    RESULT_CODES,
    VERSION,
    Context,
    ElementError,
    SegmentError,
    build_999,
    describe,
    parse_999,
)
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, Transaction, write_interchange
from tests.claims_factory import CREATED, make_claims, write
from tests.unit.edi.samples import read_sample, sample, sample_params
from tests.x12_validate import pyx12_errors

ACK_CONTROLS = ControlNumbers(interchange=900, group=901, transaction=1)
# Our three 837 transaction sets (claims_per_transaction=1): CONTROLS numbers them from ST02 0503.
FIRST, SECOND, THIRD = "0503", "0504", "0505"
MISSING_AMOUNT = SegmentError("CLM", 22, "2300", "8", (ElementError(2, "782", "1"),), (Context("CLM01", "C0002"),))
MISSING_REF = SegmentError("REF", 30, "2300", "I6", contexts=(
    Context("SITUATIONAL TRIGGER", segment_id="CLM", position=22, loop_id="2300", element=5, component=3),))
NOT_USED = SegmentError("NTE", 25, "2300", "I4")


def sent_837() -> str:
    return write(make_claims(3), claims_per_transaction=1)


def answer(**findings) -> str:
    return build_999(sent_837(), ACK_CONTROLS, usage="T", created=CREATED, **findings)


def wrapped(*body) -> str:
    """A 999 with the given segments between ST and SE, envelopes correct."""
    envelope = Envelope(Parties("ZZ", "SANDBOXCH", "ZZ", "REVCYCLE01"), "FA", VERSION, "T", CREATED)
    return write_interchange(envelope, ACK_CONTROLS, [Transaction("999", VERSION, list(body))])


def test_a_fully_accepted_837_gets_a_999_that_pyx12_finds_valid() -> None:
    text = answer()

    assert pyx12_errors(text) == []
    [ack] = parse_999(text)
    assert (ack.functional_id, ack.group_control_number, ack.version) == ("HC", "502", "005010X222A1")
    assert (ack.code, ack.included, ack.received, ack.accepted) == ("A", 3, 3, 3)
    assert [(s.control_number, s.code, s.accepted) for s in ack.sets] == [
        (FIRST, "A", True), (SECOND, "A", True), (THIRD, "A", True)]


def test_a_rejected_set_gets_ik3_ik4_errors_that_pyx12_finds_valid() -> None:
    text = answer(rejected={SECOND: [MISSING_AMOUNT]})

    assert pyx12_errors(text) == []
    [ack] = parse_999(text)
    assert (ack.code, ack.accepted) == ("P", 2)
    rejected = ack.sets[1]
    assert (rejected.control_number, rejected.code, rejected.errors, rejected.accepted) == (SECOND, "R", ("5",), False)


def test_a_set_accepted_with_errors_counts_as_accepted_and_makes_the_group_e() -> None:
    text = answer(noted={THIRD: [MISSING_REF, NOT_USED]})

    assert pyx12_errors(text) == []
    [ack] = parse_999(text)
    assert (ack.code, ack.accepted) == ("E", 3)
    noted = ack.sets[2]
    # Implementation (guide) codes I4/I6 make IK502 I5 rather than the standard syntax code 5.
    assert (noted.code, noted.errors, noted.accepted) == ("E", ("I5",), True)


def test_every_set_rejected_makes_the_group_rejected() -> None:
    [ack] = parse_999(answer(rejected={FIRST: [NOT_USED], SECOND: [NOT_USED], THIRD: [MISSING_AMOUNT]}))

    assert (ack.code, ack.accepted) == ("R", 0)


def test_reading_a_built_999_gives_back_the_errors_it_was_built_with() -> None:
    [ack] = parse_999(answer(rejected={SECOND: [MISSING_AMOUNT]}, noted={THIRD: [MISSING_REF, NOT_USED]}))

    assert [s.segment_errors for s in ack.sets] == [(), (MISSING_AMOUNT,), (MISSING_REF, NOT_USED)]


def test_the_999_goes_from_the_clearinghouse_back_to_the_submitter() -> None:
    interchange = read_interchange(answer())
    group = interchange.groups[0]

    assert (interchange.sender, interchange.receiver) == (("ZZ", "SANDBOXCH"), ("ZZ", "REVCYCLE01"))
    assert (group.functional_id, group.header.element(2), group.header.element(3)) == ("FA", "SANDBOXCH",
                                                                                       "REVCYCLE01")
    assert (group.version, group.transactions[0].convention) == (VERSION, VERSION)


def test_error_messages_say_in_words_what_is_wrong_and_where() -> None:
    [ack] = parse_999(answer(rejected={SECOND: [MISSING_AMOUNT]}))

    assert ack.sets[1].messages == [
        "transaction set 0504: rejected", "one or more segments in error",
        "CLM segment 22 in loop 2300: segment has data element errors",
        "CLM segment 22 in loop 2300, element CLM02 (data element 782): required data element missing"]


@pytest.mark.parametrize("findings", [{"rejected": {"9999": [NOT_USED]}}, {"noted": {SECOND: []}},
                                      {"rejected": {SECOND: [NOT_USED]}, "noted": {SECOND: [NOT_USED]}}],
                         ids=["unknown set", "no segment error", "named twice"])
def test_findings_that_do_not_fit_the_837_are_refused(findings: dict) -> None:
    with pytest.raises(X12Error):
        answer(**findings)


def test_the_copy_of_the_bad_data_element_never_reaches_results_or_messages() -> None:
    text = wrapped(("AK1", "HC", "502", "005010X222A1"), ("AK2", "837", FIRST), ("IK3", "NM1", "8", "2010BA", "8"),
                   ("IK4", "3", "1035", "6", "SMITH JOHN"), ("IK5", "R", "5"), ("AK9", "R", "1", "1", "0"))

    [ack] = parse_999(text)

    assert "SMITH" not in repr(ack)
    assert not any("SMITH" in message for message in ack.sets[0].messages)
    assert ack.sets[0].segment_errors[0].elements[0].words == "invalid character in data element"


@pytest.mark.parametrize("body", [
    [("AK1", "HC", "1"), ("AK2", "837", "0001"), ("IK5", "A")],
    [("AK1", "HC", "1"), ("AK2", "837", "0001"), ("AK9", "A", "1", "1", "1")],
    [("AK1", "HC", "1"), ("IK3", "CLM", "5", "", "8"), ("AK2", "837", "0001"), ("IK5", "R"),
     ("AK9", "R", "1", "1", "0")],
    [("AK1", "HC", "1"), ("AK2", "837", "0001"), ("IK4", "2", "782", "1"), ("IK5", "R"), ("AK9", "R", "1", "1", "0")],
    [("AK1", "HC", "1"), ("AK2", "837", "0001"), ("IK3", "CLM", "SECRET", "", "8"), ("IK5", "R"),
     ("AK9", "R", "1", "1", "0")],
    [("AK2", "837", "0001"), ("IK5", "A"), ("AK9", "A", "1", "1", "1")],
    [("AK1", "HC", "1"), ("AK2", "837", "0001"), ("IK5", "A"), ("AK9", "A", "one", "1", "1")],
], ids=["no AK9", "no IK5", "IK3 before AK2", "IK4 without IK3", "IK302 not a number", "no AK1", "AK902 not a count"])
def test_a_malformed_999_is_refused_without_quoting_it(body: list) -> None:
    with pytest.raises(X12Error) as raised:
        parse_999(wrapped(*body))

    assert "SECRET" not in str(raised.value)


def test_a_rejected_group_says_why_in_words() -> None:
    text = wrapped(("AK1", "HC", "502"), ("AK2", "837", FIRST), ("IK5", "R", "5"), ("AK9", "R", "1", "1", "0", "5"))

    [ack] = parse_999(text)

    assert ack.messages == ["functional group 502: rejected",
                            "number of included transaction sets does not match actual count"]


def test_an_837_is_not_read_as_a_999() -> None:
    with pytest.raises(X12Error, match="only 999"):
        parse_999(sent_837())


def test_a_code_outside_the_guide_is_named_only_when_it_looks_like_a_code() -> None:
    assert describe("Q7", RESULT_CODES) == "code Q7 (not in the guide's list)"
    assert describe("SMITH JOHN", RESULT_CODES) == "an unknown code"


@pytest.mark.parametrize("path", sample_params("999"))
def test_every_published_999_reads_into_known_results(path: Path) -> None:
    acks = parse_999(read_sample(path))

    assert acks and all(ack.sets for ack in acks)
    assert all(ack.code in RESULT_CODES and s.code in RESULT_CODES for ack in acks for s in ack.sets)
    assert all(ack.accepted == sum(s.accepted for s in ack.sets) for ack in acks)


def test_the_guide_example_accepts_one_837_and_rejects_two() -> None:
    [ack] = parse_999(sample("kputnam-stupidedi/X231A1_FA999/pass/response-to-functional-group-containing-3-837s.edi"))

    assert (ack.code, ack.included, ack.received, ack.accepted, ack.group_control_number) == ("P", 3, 3, 1, "17456")
    assert [s.code for s in ack.sets] == ["A", "R", "R"]
    clm, ref = ack.sets[1].segment_errors[0], ack.sets[2].segment_errors[0]
    assert (clm.segment_id, clm.position, clm.code, clm.elements) == ("CLM", 22, "8", (ElementError(2, "782", "1"),))
    assert clm.contexts[0].name == "CLM01"
    assert (ref.segment_id, ref.position, ref.code) == ("REF", 57, "3")
    assert ref.contexts[0] == Context("SITUATIONAL TRIGGER", segment_id="CLM", position=43, element=5, component=3)


def test_the_imsweb_rejection_with_a_pipe_component_separator_names_the_segment() -> None:
    [ack] = parse_999(sample("imsweb-x12-parser/x12_999_rejected.txt"))

    assert (ack.code, ack.group_control_number, ack.version) == ("R", "28", "005010X223A2")
    [rejected] = ack.sets
    assert (rejected.control_number, rejected.code, rejected.errors) == ("0028", "R", ("5",))
    assert rejected.segment_errors == (SegmentError("NM", 17, "", "1"),)


def test_the_imsweb_acceptance_reads_despite_its_wrong_iea02() -> None:
    [ack] = parse_999(sample("imsweb-x12-parser/x12_999_accepted.txt"))

    assert (ack.code, ack.sets[0].code, ack.sets[0].convention) == ("A", "A", "005010X223A2")


def test_the_pyx12_file_with_two_groups_of_two_999s_gives_four_answers() -> None:
    acks = parse_999(sample("azoner-pyx12/834_lui_id_5010.999.txt"))

    assert [(a.functional_id, a.group_control_number, a.code) for a in acks] == [("BE", "13360001", "A")] * 4
