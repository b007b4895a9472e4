"""The sandbox clearinghouse answers our 837s by its documented rules, with a valid 999 and 277CA."""
import dataclasses

from chalicelib.clearinghouse.sandbox_claims import answer
from chalicelib.edi.acks.ack_999 import parse_999
from chalicelib.edi.acks.ack_277ca import parse_277ca, read_277ca
from chalicelib.edi.x12.writer import ControlNumbers
from tests.claims_factory import CREATED, OTHER_BILLING, make_claims, make_lines, write
from tests.x12_validate import pyx12_errors

ACK_999, ACK_277CA = ControlNumbers(71, 71, 1), ControlNumbers(72, 72, 1)


def sandbox(documents):
    return answer(write(documents), ACK_999, ACK_277CA, created=CREATED)


def test_claims_are_accepted_or_rejected_by_the_last_digit_of_their_control_number():
    documents = [dataclasses.replace(d, claim=dataclasses.replace(d.claim, patient_control_number=number))
                 for d, number in zip(make_claims(3), ["100001", "100009", "100008"])]
    answers = sandbox(documents)
    assert pyx12_errors(answers.text_999) == [] and pyx12_errors(answers.text_277ca) == []
    (ack,) = parse_999(answers.text_999)
    assert [s.accepted for s in ack.sets] == [True]
    acks = {a.patient_control_number: a for a in parse_277ca(answers.text_277ca)}
    assert acks["100001"].accepted and acks["100001"].payer_claim_number == "SBX100001"
    assert not acks["100009"].accepted and "member" in " ".join(acks["100009"].messages).lower()
    assert not acks["100008"].accepted and acks["100008"].payer_claim_number == ""


def test_a_claim_of_999_dollars_99_makes_the_999_reject_its_set_and_no_277ca_follows():
    line = dataclasses.replace(make_lines(1)[0], charge_cents=99_999)
    documents = make_claims(1) + [dataclasses.replace(make_claims(1)[0], claim=dataclasses.replace(
        make_claims(1)[0].claim, patient_control_number="C00002", lines=(line,), total_charge_cents=99_999))]
    answers = sandbox(documents)
    assert answers.text_277ca is None and pyx12_errors(answers.text_999) == []
    (ack,) = parse_999(answers.text_999)
    (rejected,) = ack.sets
    assert not rejected.accepted
    assert rejected.segment_errors[0].segment_id == "CLM" and rejected.segment_errors[0].elements[0].position == 2


def with_charge(document, cents):
    line = dataclasses.replace(document.claim.lines[0], charge_cents=cents)
    return dataclasses.replace(document, claim=dataclasses.replace(document.claim, lines=(line,),
                                                                   total_charge_cents=cents))


def test_a_claim_of_777_dollars_77_makes_the_277ca_refuse_the_whole_batch():
    first, second = make_claims(2)
    answers = sandbox([with_charge(first, 77_777), second])
    assert pyx12_errors(answers.text_277ca) == []
    ack = read_277ca(answers.text_277ca)
    assert [(level.level, level.rejected) for level in ack.levels] == [("2000B", True), ("2000C", False)]
    assert [c.accepted for c in ack.claims] == [False, False]
    assert all(c.payer_claim_number == "" for c in ack.claims)
    assert "entity not approved as an electronic submitter (submitter)" in ack.claims[1].messages[0]


def test_a_claim_of_888_dollars_88_makes_the_277ca_refuse_its_billing_provider_only():
    first, second, third = make_claims(3)
    answers = sandbox([with_charge(first, 88_888), second, dataclasses.replace(third, billing=OTHER_BILLING)])
    assert pyx12_errors(answers.text_277ca) == []
    ack = read_277ca(answers.text_277ca)
    [refused] = [level for level in ack.levels if level.rejected]
    assert (refused.level, refused.provider_id) == ("2000C", first.billing.npi)
    assert {c.patient_control_number: c.accepted for c in ack.claims} == {"C00001": False, "C00002": False,
                                                                         "C00003": True}
