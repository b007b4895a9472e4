"""The payer's 277 (005010X212) answering our 276: build_277 mirrors the inquiry, and what it writes reads back
through parse_277 exactly and keeps the guide's rules (check_277)."""
from datetime import date, datetime

import pytest

from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.status.inquiry import ClaimStatus, StatusInfo, build_276, parse_277
from chalicelib.edi.status.payer import Answer, build_277, read_276
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.status.rules_277 import check_277
from chalicelib.edi.x12.segments import Delimiters, X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.claims_factory import CHILD, make_document, make_institutional
from tests.unit.edi.samples import sample

PARTIES = Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH")
ASKED = datetime(2026, 3, 20, 9, 5)
ANSWERED = datetime(2026, 3, 21, 14, 30)
TRACE = "01JTRACE0001"
PAID = Answer((Status("F1", "65"),), 15500, date(2026, 3, 19), "CHK", date(2026, 3, 19), "CHK777", "PAYER9")
PENDING = Answer((Status("P1", "20"),))


def write_276(document=None, usage="T") -> str:
    return build_276(document or make_document(), TRACE, PARTIES, ControlNumbers(41, 42, 43), usage=usage,
                     created=ASKED)


def answer(text_276: str, reply: Answer = PENDING) -> str:
    return build_277(text_276, {TRACE: reply}, created=ANSWERED)


def segments_of(text: str) -> list[str]:
    body = read_interchange(text).groups[0].transactions[0].body
    return ["*".join((s.id, *s.elements)) for s in body]


def test_a_277_answers_a_subscribers_claim_under_the_276s_own_tree():
    assert segments_of(answer(write_276(), PAID)) == [
        "BHT*0010*08*01JTRACE0001*20260321*1430*DG",
        "HL*1**20*1", "NM1*PR*2*Aetna*****PI*60054",
        "HL*2*1*21*1", "NM1*41*2*Springfield Family Medicine*****46*123456789",
        "HL*3*2*19*1", "NM1*1P*2*Springfield Family Medicine*****XX*1245319599",
        "HL*4*3*22*0", "NM1*IL*1*Chen*Lu****MI*W123456789",  # no DMG: a 277 does not repeat demographics
        "TRN*2*01JTRACE0001", "STC*F1:65*20260321**155*155*20260319*CHK*20260319*CHK777",
        "REF*1K*PAYER9", "REF*EJ*C0001", "DTP*472*D8*20260310",
    ]


def test_a_dependents_claim_is_answered_at_the_dependent_level():
    body = segments_of(answer(write_276(make_document(patient=CHILD))))
    at = body.index("HL*5*4*23")
    assert body[body.index("HL*4*3*22*1") + 1] == "NM1*IL*1*Chen*Lu****MI*W123456789"
    assert body[at:at + 4] == ["HL*5*4*23", "NM1*QC*1*Chen*Mia", "TRN*2*01JTRACE0001", "STC*P1:20*20260321**155*0"]


def test_the_envelope_answers_the_276s_with_its_delimiters_usage_and_control_numbers():
    odd = write_276(usage="P").replace("~", "'").replace("*", "|").replace("^", "!").replace(":", ">")
    read = read_interchange(answer(odd))  # strict: the counts are right
    group, transaction = read.groups[0], read.groups[0].transactions[0]
    assert read.delimiters == Delimiters(element="|", component=">", repetition="!", segment="'")
    assert read.usage == "P" and (read.sender, read.receiver) == (("ZZ", "SANDBOXCH"), ("ZZ", "REVCYCLE"))
    assert (read.control_number, group.control_number, transaction.control_number) == ("000000041", "42", "0043")
    assert (group.functional_id, transaction.set_id, transaction.convention) == ("HN", "277", "005010X212")


@pytest.mark.parametrize("document", [make_document(), make_document(patient=CHILD)], ids=["subscriber", "dependent"])
@pytest.mark.parametrize("reply", [PAID, PENDING], ids=["paid", "pending"])
def test_what_build_277_writes_reads_back_through_parse_277(document, reply):
    [status] = parse_277(answer(write_276(document), reply))
    assert status == ClaimStatus(
        TRACE, (StatusInfo(reply.statuses, date(2026, 3, 21), 15500, reply.paid_cents, reply.adjudicated,
                           reply.payment_method, reply.check_issued, reply.check_number),),
        "C0001", reply.payer_claim_number, date(2026, 3, 10), date(2026, 3, 10))


def test_up_to_three_statuses_share_one_stc_as_stc01_stc10_and_stc11():
    statuses = (Status("F2", "116"), Status("F2", "187", "QC"), Status("F2", "21"))
    text = answer(write_276(), Answer(statuses))
    assert "STC*F2:116*20260321**155*0*****F2:187:QC*F2:21" in segments_of(text)
    assert parse_277(text)[0].statuses[0].statuses == statuses


@pytest.mark.parametrize("bad", [
    {"statuses": ()}, {"statuses": (Status("P1", "20"),) * 4}, {"paid_cents": -1}, {"payment_method": "CASH"},
    {"check_number": "C" * 17}])
def test_an_answer_the_277_cannot_carry_is_refused(bad):
    with pytest.raises(X12Error):
        Answer(**{"statuses": (Status("P1", "20"),), **bad})


def test_the_payer_claim_number_replaces_the_276s_and_an_institutional_claim_keeps_its_bill_type():
    document = make_institutional(payer_claim_control_number="OLD1", service_from=date(2026, 3, 1),
                                  service_to=date(2026, 3, 10))
    body = segments_of(answer(write_276(document), PAID))
    refs = [s for s in body if s.startswith(("REF", "DTP"))]
    assert refs == ["REF*1K*PAYER9", "REF*BLT*131", "REF*EJ*C0001", "DTP*472*RD8*20260301-20260310"]
    assert "REF*1K*OLD1" in segments_of(answer(write_276(document)))  # no number of its own: the 276's echoed


def test_a_claim_without_an_answer_is_refused_without_quoting_the_276():
    with pytest.raises(X12Error, match="1 of its claims have no answer") as raised:
        build_277(write_276(), {"ANOTHER": PENDING}, created=ANSWERED)
    assert "Chen" not in str(raised.value) and TRACE not in str(raised.value)


def test_a_third_party_276_with_several_claims_gets_each_answered_under_its_own_patient():
    text = sample("LinuxForHealth-x12/claim-level-status.276")
    claims = read_276(text).claims
    assert [(c.trace_number, c.patient_control_number, c.charge_cents) for c in claims] == [
        ("ABCXYZ1", "SM123456", 851388), ("ABCXYZ2", "J0234567", 759900),
        ("ABCXYZ3", "MA345678", 15000)]  # the third has no AMT*T3: its line's SVC02 is the charge
    reply = build_277(text, {c.trace_number: PENDING for c in claims}, created=ANSWERED)
    assert check_277(reply) == []
    assert [(c.trace_number, c.patient_control_number) for c in parse_277(reply)] == [
        (c.trace_number, c.patient_control_number) for c in claims]
