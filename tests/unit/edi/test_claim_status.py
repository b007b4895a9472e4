"""Claim status (005010X212): the 276 build_276 writes for one claim, and the 277 answers parse_277 reads
(third-party samples and one written here with the X12 writer)."""
import dataclasses
from datetime import date, datetime

import pytest

from chalicelib.edi.status.inquiry import VERSION, build_276, parse_277
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, Transaction, comp, write_interchange
from tests.claims_factory import CHILD, make_document, make_institutional
from tests.unit.edi.samples import SAMPLES, read_sample, sample, sample_params

PARTIES = Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH")
CREATED = datetime(2026, 3, 20, 9, 5)


def write_276(document=None, trace="01JTRACE0001") -> str:
    return build_276(document or make_document(), trace, PARTIES, ControlNumbers(41, 42, 43), usage="T",
                     created=CREATED)


def segments_of(text: str) -> list[str]:
    """The body as "ID*elements" strings, in order."""
    body = read_interchange(text).groups[0].transactions[0].body
    return ["*".join((s.id, *s.elements)) for s in body]


def test_a_276_asks_the_payer_about_one_claim_of_a_subscriber_who_is_the_patient():
    body = segments_of(write_276())
    assert body == [
        "BHT*0010*13*01JTRACE0001*20260320*0905",
        "HL*1**20*1", "NM1*PR*2*Aetna*****PI*60054",
        "HL*2*1*21*1", "NM1*41*2*Springfield Family Medicine*****46*123456789",
        "HL*3*2*19*1", "NM1*1P*2*Springfield Family Medicine*****XX*1245319599",
        "HL*4*3*22*0", "DMG*D8*19660606*M", "NM1*IL*1*Chen*Lu****MI*W123456789",
        "TRN*1*01JTRACE0001", "REF*EJ*C0001", "AMT*T3*155", "DTP*472*D8*20260310",
    ]


def test_the_envelope_names_the_claim_status_guide_and_the_callers_control_numbers():
    read = read_interchange(write_276())
    group = read.groups[0]
    assert (group.functional_id, group.version, group.control_number) == ("HR", VERSION, "42")
    assert (group.transactions[0].set_id, group.transactions[0].convention) == ("276", VERSION)
    assert group.transactions[0].control_number == "0043" and read.control_number == "000000041"


def test_a_dependent_patients_claim_goes_under_the_dependent_level():
    body = segments_of(write_276(make_document(patient=CHILD)))
    at = body.index("HL*5*4*23")
    assert body[body.index("HL*4*3*22*1") + 1] == "NM1*IL*1*Chen*Lu****MI*W123456789"  # no subscriber DMG
    assert body[at:at + 4] == ["HL*5*4*23", "DMG*D8*20150203*F", "NM1*QC*1*Chen*Mia", "TRN*1*01JTRACE0001"]
    assert sum(s.startswith("TRN") for s in body) == 1


def test_a_known_payer_claim_number_is_sent_before_the_patient_control_number():
    body = segments_of(write_276(make_document(payer_claim_control_number="PAYER0001")))
    assert body[body.index("TRN*1*01JTRACE0001") + 1:][:2] == ["REF*1K*PAYER0001", "REF*EJ*C0001"]


def test_an_institutional_claim_sends_its_bill_type_and_a_range_sends_rd8():
    body = segments_of(write_276(make_institutional(service_from=date(2026, 3, 1), service_to=date(2026, 3, 10))))
    assert "REF*BLT*131" in body and "DTP*472*RD8*20260301-20260310" in body


def test_an_unknown_sex_is_left_out_of_dmg_rather_than_sent_as_u():
    subscriber = make_document().subscriber
    unknown = dataclasses.replace(subscriber, person=dataclasses.replace(subscriber.person, sex="U"))
    assert "DMG*D8*19660606" in segments_of(write_276(make_document(subscriber=unknown)))


def test_a_trace_number_longer_than_the_guide_allows_is_refused_without_quoting_it():
    with pytest.raises(X12Error, match="trace_number") as raised:
        write_276(trace="T" * 51)
    assert "T" * 51 not in str(raised.value)


CA_SAMPLES = {"imsweb-x12-parser/x12_277CA_accepted.txt", "imsweb-x12-parser/x12_277CA_rejected.txt"}


@pytest.mark.parametrize("path", sample_params("277"))
def test_every_x212_277_sample_parses_and_every_277ca_is_refused(path):
    text = read_sample(path)
    if str(path.relative_to(SAMPLES)) in CA_SAMPLES:
        with pytest.raises(X12Error, match="005010X212"):
            parse_277(text)
        return
    claims = parse_277(text)
    assert all(claim.trace_number and claim.statuses for claim in claims)


def test_the_guides_claim_level_answer_gives_three_claims_with_their_statuses():
    claims = parse_277(sample("LinuxForHealth-x12/claim-level-status.277"))
    assert [c.trace_number for c in claims] == ["ABCXYZ1", "ABCXYZ2", "ABCXYC3"]
    first, _, third = claims
    assert (first.patient_control_number, first.payer_claim_number) == ("SM123456", "05347006051")
    assert (first.service_from, first.service_to) == (date(2005, 8, 31), date(2005, 9, 6))
    assert first.statuses[0].effective == date(2005, 9, 13) and first.statuses[0].charge_cents == 851388
    assert first.messages == ("pending: provider requested information: status (code 317)",)
    assert claims[1].statuses[0].paid_cents == 759900
    assert third.patient_control_number == "MA345678" and third.messages[0].startswith("finalized: denial")
    line = third.lines[0]
    assert line.procedure == ("HC", "99203") and (line.charge_cents, line.paid_cents) == (15000, 0)
    assert line.statuses[0].statuses[0].entity == "QC" and line.service_from == date(2005, 5, 1)


def test_receiver_and_provider_level_answers_are_not_claims():
    assert parse_277(sample("LinuxForHealth-x12/information-receiver-level-status.277")) == []
    claims = parse_277(sample("LinuxForHealth-x12/provider-level-status.277"))
    assert [c.trace_number for c in claims] == ["ABCXYZ1"]  # the 2000C TRN*1*0 / STC E0 is not a claim


def test_a_clearinghouse_277_gives_one_status_per_claim_and_never_its_free_text():
    claims = parse_277(sample("imsweb-x12-parser/x12_277_x212.txt"))
    assert len(claims) == 8 and claims[0].patient_control_number == "12345"
    assert claims[0].statuses[0].charge_cents == 60000
    assert all("PAYER ACKNOWLEDGED" not in m for c in claims for m in c.messages)


def test_a_277ca_is_refused_by_name_even_though_its_st01_is_277():
    with pytest.raises(X12Error, match="277CA"):
        parse_277(sample("imsweb-x12-parser/x12_277CA_accepted.txt"))


def write_277(trace: str = "01JTRACE0001", se_fix: int = 0) -> str:
    """A payer's answer to write_276(): the claim paid by check, one line with its own status."""
    body = [
        ("BHT", "0010", "08", "R0001", "20260401", "1200", "DG"),
        ("HL", "1", "", "20", "1"), ("NM1", "PR", "2", "Aetna", "", "", "", "", "PI", "60054"),
        ("HL", "2", "1", "21", "1"), ("NM1", "41", "2", "Springfield Family Medicine", "", "", "", "", "46", "1"),
        ("HL", "3", "2", "19", "1"), ("NM1", "1P", "2", "Springfield", "", "", "", "", "XX", "1245319599"),
        ("HL", "4", "3", "22", "0"), ("NM1", "IL", "1", "Chen", "Lu", "", "", "", "MI", "W123456789"),
        ("TRN", "2", trace),
        ("STC", comp("F1", "65"), "20260330", "", "155", "120.5", "20260331", "CHK", "20260401", "CHK777"),
        ("STC", comp("F1", "1"), "20260330", "", "", "", "", "", "", "", comp("P1", "2", "QC")),
        ("REF", "1K", "PAYER0001"), ("REF", "EJ", "C0001"), ("DTP", "472", "D8", "20260310"),
        ("SVC", comp("HC", "99213", "25"), "125", "100", "", "", "", "1"), ("STC", comp("F1", "65"), "20260330"),
        ("REF", "FJ", "L1"), ("DTP", "472", "D8", "20260310"),
    ]
    envelope = Envelope(PARTIES.swapped(), "HN", VERSION, "T", datetime(2026, 4, 1, 12, 0))
    return write_interchange(envelope, ControlNumbers(7, 8, 9), [Transaction("277", VERSION, body)])


def test_a_payers_answer_to_our_276_parses_back_with_payment_and_line_status():
    [claim] = parse_277(write_277())
    assert (claim.trace_number, claim.patient_control_number, claim.payer_claim_number) == (
        "01JTRACE0001", "C0001", "PAYER0001")
    paid = claim.statuses[0]
    assert (paid.charge_cents, paid.paid_cents, paid.adjudicated, paid.payment_method, paid.check_issued,
            paid.check_number) == (15500, 12050, date(2026, 3, 31), "CHK", date(2026, 4, 1), "CHK777")
    assert [s.category for s in claim.statuses[1].statuses] == ["F1", "P1"]  # STC01 then STC10
    assert claim.messages[0] == "finalized: payment: claim/line has been paid"
    [line] = claim.lines
    assert (line.procedure, line.charge_cents, line.paid_cents, line.control_number) == (
        ("HC", "99213", "25"), 12500, 10000, "L1")
    assert line.statuses[0].statuses[0].category == "F1" and line.service_from == date(2026, 3, 10)


def test_a_miscounted_envelope_from_a_payer_is_still_read():
    text = write_277()
    count = text.split("~SE*")[1].split("*")[0]
    claims = parse_277(text.replace(f"~SE*{count}*", f"~SE*{int(count) + 5}*"))
    assert [c.trace_number for c in claims] == ["01JTRACE0001"]


def test_a_277_of_another_guide_is_refused():
    with pytest.raises(X12Error, match="005010X212"):
        parse_277(write_277().replace("*005010X212", "*005010X214"))


def test_a_status_date_that_is_not_a_date_is_an_error_that_does_not_quote_it():
    with pytest.raises(X12Error, match="STC02") as raised:
        parse_277(write_277().replace("*20260330*", "*20261330*", 1))
    assert "20261330" not in str(raised.value)
