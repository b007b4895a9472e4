"""The 277CA claim acknowledgment (005010X214): built answers to our 837s, third-party samples, and refusals."""
from datetime import date

import pytest

from chalicelib.edi.acks.ack_277ca import ClaimAck, Decision, StatusInfo, build_277ca, parse_277ca
from chalicelib.edi.acks.build_277ca import reject
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers
from tests.claims_factory import CREATED, make_claims, make_institutional, write
from tests.unit.edi.samples import read_sample, sample, sample_params
from tests.x12_validate import pyx12_errors

ACK_CONTROLS = ControlNumbers(interchange=601, group=602, transaction=603)
NPI_INVALID = Status("A7", "562", "85")
MISSING_INFO = Status("A6", "21")
IMSWEB = "imsweb-x12-parser/"


def build(text_837: str, decisions: dict, **options) -> str:
    return build_277ca(text_837, decisions=decisions, controls=ACK_CONTROLS, created=CREATED, usage="T", **options)


def mixed() -> str:
    """Three claims: accepted with a payer number, rejected for the billing NPI, accepted with a line rejected."""
    decisions = {"C00001": Decision(), "C00002": reject(NPI_INVALID, MISSING_INFO),
                 "C00003": Decision(lines={"L2": (Status("A7", "454"), Status("A7", "507"))})}
    return build(write(make_claims(3)), decisions, payer_claim_numbers={"C00001": "PAY-1", "C00003": "PAY-3"})


def segments_of(text: str) -> list[str]:
    return [s for s in text.split("~") if s]


def test_a_277ca_accepting_every_claim_is_valid_x214():
    text = build(write(make_claims(2)), {"C00001": Decision(), "C00002": Decision()})
    assert pyx12_errors(text) == []
    assert "QTY*90*2" in segments_of(text) and not any(s.startswith(("QTY*AA", "AMT*YY")) for s in segments_of(text))


def test_a_mixed_277ca_with_line_statuses_is_valid_x214():
    text = mixed()
    assert pyx12_errors(text) == []
    assert "STC*A7:454*20260311*U*******A7:507" in segments_of(text)  # one line STC: STC01, STC10


def test_an_institutional_answer_carries_the_bill_type_and_statement_dates_and_is_valid():
    text = build(write(make_claims(1, maker=make_institutional), "institutional"), {"C00001": reject(NPI_INVALID)})
    assert pyx12_errors(text) == []
    (ack,) = parse_277ca(text)
    assert (ack.bill_type, ack.service_from, ack.accepted) == ("131", date(2026, 3, 10), False)


def test_parsing_a_built_277ca_gives_back_each_decision_and_payer_claim_number():
    acks = {ack.patient_control_number: ack for ack in parse_277ca(mixed())}
    assert [acks[n].accepted for n in ("C00001", "C00002", "C00003")] == [True, False, True]
    assert acks["C00001"].payer_claim_number == "PAY-1" and acks["C00002"].payer_claim_number == ""
    assert [s for info in acks["C00002"].statuses for s in info.statuses] == [NPI_INVALID, MISSING_INFO]
    assert acks["C00002"].statuses[0].action == "U" and acks["C00001"].statuses[0].action == "WQ"
    assert acks["C00001"].statuses[0].charge_cents == 15500 and acks["C00001"].billing_npi == "1245319599"
    (line,) = acks["C00003"].lines
    assert (line.control_number, line.procedure, line.charge_cents) == ("L2", ("HC", "82962"), 3000)
    assert line.statuses[0].statuses == (Status("A7", "454"), Status("A7", "507"))


def test_the_batch_and_provider_totals_count_accepted_and_rejected_claims_and_amounts():
    found = segments_of(mixed())
    assert [s for s in found if s.startswith(("QTY", "AMT"))] == [
        "QTY*90*2", "QTY*AA*1", "AMT*YU*310", "AMT*YY*155", "QTY*QA*2", "QTY*QC*1", "AMT*YU*310", "AMT*YY*155"]


def test_the_answer_swaps_the_837s_sender_and_receiver_and_names_its_batch():
    interchange = read_interchange(mixed())
    assert (interchange.sender, interchange.receiver) == (("ZZ", "SANDBOXCH"), ("ZZ", "REVCYCLE01"))
    group = interchange.groups[0]
    assert (group.functional_id, group.version, group.transactions[0].convention) == ("HN", "005010X214",
                                                                                    "005010X214")
    assert group.transactions[0].body[0].elements == ("0085", "08", "601", "20260311", "0930", "TH")
    assert "TRN*2*B0001" in segments_of(mixed())  # 2200B: the 837's BHT03


def test_a_claim_without_a_decision_is_refused_without_naming_it():
    with pytest.raises(X12Error, match="claim 2 of the 837 has no decision") as raised:
        build(write(make_claims(2)), {"C00001": Decision()})
    assert "C00002" not in str(raised.value)


def test_a_decision_for_a_claim_the_837_does_not_hold_is_refused():
    with pytest.raises(X12Error, match="1 decision"):
        build(write(make_claims(1)), {"C00001": Decision(), "C09999": Decision()})


def test_the_accepted_third_party_sample_reads_its_claim():
    (ack,) = parse_277ca(sample(IMSWEB + "x12_277CA_accepted.txt"))
    assert (ack.patient_control_number, ack.billing_npi, ack.payer_claim_number) == ("5781", "1234567890",
                                                                                     "1107000000014420")
    assert ack.accepted and ack.statuses[0].statuses == (Status("A2", "20"),)
    assert (ack.statuses[0].effective, ack.statuses[0].charge_cents) == (date(2011, 3, 11), 12500)


def test_the_rejected_third_party_sample_reads_its_pipe_separated_status_and_bill_type():
    (ack,) = parse_277ca(sample(IMSWEB + "x12_277CA_rejected.txt"))
    assert not ack.accepted and ack.statuses[0].statuses == (NPI_INVALID,)
    assert (ack.patient_control_number, ack.bill_type, ack.service_from) == ("3920394930203", "731",
                                                                             date(2009, 3, 11))
    assert ack.messages == ("rejected for invalid information: entity's National Provider Identifier (NPI) "
                            "(billing provider)",)


# The 277 samples less the two 277CAs (read by the tests above), known by their names.
STATUS_RESPONSES = [p for p in sample_params("277") if p.values[0] is None or "277CA" not in p.values[0].name]


@pytest.mark.parametrize("path", STATUS_RESPONSES)
def test_a_claim_status_response_is_not_mistaken_for_a_277ca(path):
    text = read_sample(path)
    assert "005010X214" not in text
    with pytest.raises(X12Error, match="ST03 is not 005010X214 or whose BHT"):
        parse_277ca(text, strict=False)  # some status responses miscount their envelopes


def test_no_message_quotes_a_name_or_member_id():
    text = sample(IMSWEB + "x12_277CA_rejected.txt")
    (ack,) = parse_277ca(text)
    built = [m for a in parse_277ca(mixed()) for m in a.messages]
    for message in ack.messages + tuple(built):
        assert not any(word in message for word in ("CLILNAME", "CLIFNAME", "XX99999X", "Chen", "W123456789"))


def test_unknown_codes_stay_visible_as_codes_but_other_text_is_not_echoed():
    assert Status("A7", "999", "ZZ").words == "rejected for invalid information: status (code 999) (entity (code ZZ))"
    assert Status("Q9", "JOHN SMITH").words == "status category (code Q9): status (unreadable code)"


@pytest.mark.parametrize("category, accepted", [("A1", True), ("A2", True), ("A5", True), ("A3", False),
                                                ("A4", False), ("A6", False), ("A7", False), ("A8", False)])
def test_acceptance_follows_the_category_code(category, accepted):
    ack = ClaimAck("C1", "1245319599", (StatusInfo((Status(category, "21"),), None, "WQ", None),))
    assert ack.accepted is accepted


def test_a_rejecting_status_outweighs_an_acknowledgment_of_receipt():
    ack = ClaimAck("C1", "", (StatusInfo((Status("A1", "19"), Status("A7", "562", "85")), None, "U", None),))
    assert not ack.accepted
