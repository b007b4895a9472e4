"""The 005010X212 277 rules (chalicelib/edi/status/rules_277.py) over every 277 build_277 writes, over deliberately broken
ones (each rule must catch its break), and over the third-party samples."""
import re
from datetime import date, datetime

import pytest

from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.status.inquiry import build_276
from chalicelib.edi.status.payer import Answer, build_277
from chalicelib.edi.status.rules_277 import check_277
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.claims_factory import CHILD, make_document, make_institutional
from tests.unit.edi.samples import SAMPLES, read_sample, sample_params
from tests.unit.edi.test_276_rules import recount

TRACE = "01JTRACE0001"
PAID = Answer((Status("F1", "65"),), 15500, date(2026, 3, 19), "CHK", date(2026, 3, 19), "CHK777", "PAYER9")
PENDING = Answer((Status("P1", "20"),), payer_claim_number="SBXC0001")
DENIED = Answer((Status("F2", "116"), Status("F2", "187", "QC"), Status("F2", "21")))


def make_277(document=None, reply: Answer = PENDING) -> str:
    text_276 = build_276(document or make_document(), TRACE, Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH"),
                         ControlNumbers(11, 12, 13), usage="T", created=datetime(2026, 3, 20, 9, 0))
    return build_277(text_276, {TRACE: reply}, created=datetime(2026, 3, 21, 14, 30))


PROJECT_277S = {
    "pending, subscriber is the patient": make_277(),
    "paid, dependent is the patient": make_277(make_document(patient=CHILD), PAID),
    "denied with three statuses": make_277(reply=DENIED),
    "institutional, date range, the 276's payer claim number": make_277(make_institutional(
        payer_claim_control_number="OLD1", service_from=date(2026, 3, 1), service_to=date(2026, 3, 10)),
        Answer((Status("D0", "35"),))),
}


@pytest.mark.parametrize("name", PROJECT_277S)
def test_every_277_build_277_writes_keeps_the_guides_rules(name):
    assert check_277(PROJECT_277S[name]) == []


GOOD = make_277(reply=PAID)
GOOD_DEPENDENT = make_277(make_document(patient=CHILD))
STC = "STC*F1:65*20260321**155*155*20260319*CHK*20260319*CHK777~"
CLAIM_END = "DTP*472*D8*20260310~"

BREAKS = {
    "BHT02 is a request, not a status": (GOOD.replace("BHT*0010*08", "BHT*0010*13"), "BHT02"),
    "BHT06 is missing": (GOOD.replace("*1430*DG~", "*1430~"), "BHT06"),
    "the functional group is not HN": (GOOD.replace("GS*HN", "GS*HR"), "GS01"),
    "ST01 is a 276": (GOOD.replace("ST*277", "ST*276"), "ST01"),
    "HL01 skips a number": (GOOD.replace("HL*4*3*22*0", "HL*5*3*22*0"), "HL01"),
    "a provider level under the payer": (GOOD.replace("HL*3*2*19*1", "HL*3*1*19*1"), "HL02"),
    "HL04 claims a dependent that never comes": (GOOD.replace("HL*4*3*22*0", "HL*4*3*22*1"), "HL04"),
    "HL04 at a dependent level": (GOOD_DEPENDENT.replace("HL*5*4*23", "HL*5*4*23*0"), "HL04"),
    "a DMG the 277 does not carry": (GOOD.replace("HL*4*3*22*0~", "HL*4*3*22*0~DMG*D8*19660606*M~"),
                                     "out of order"),
    "TRN01 is 1 at a claim": (GOOD.replace(f"TRN*2*{TRACE}", f"TRN*1*{TRACE}"), "2200D TRN01"),
    "a claim without a status": (GOOD.replace(STC, ""), "required segment STC"),
    "a subscriber who is the patient without a claim": (
        GOOD.replace(f"TRN*2*{TRACE}~" + STC + "REF*1K*PAYER9~REF*EJ*C0001~" + CLAIM_END, ""), "2200D"),
    "no claim under a dependent": (GOOD_DEPENDENT.replace(
        f"TRN*2*{TRACE}~STC*P1:20*20260321**155*0~REF*1K*SBXC0001~REF*EJ*C0001~" + CLAIM_END, ""),
        "required loop 2200E"),
    "STC01 without a status code": (GOOD.replace("STC*F1:65*", "STC*F1*"), "STC01"),
    "STC02 is not a date": (GOOD.replace("STC*F1:65*20260321", "STC*F1:65*20261321"), "STC02"),
    "STC05 is not an amount": (GOOD.replace("**155*155*", "**155*1,55*"), "STC05"),
    "STC07 is not a payment method": (GOOD.replace("*CHK*", "*CSH*"), "STC07"),
    "STC09 longer than 16": (GOOD.replace("*CHK777~", "*" + "C" * 17 + "~"), "STC09"),
    "STC10 without a status code": (GOOD.replace("*CHK777~", "*CHK777*F1~"), "STC10"),
    "a REF qualifier a 277 claim does not allow": (GOOD.replace("REF*EJ", "REF*LU"), "2200D REF01"),
    "the patient control number twice": (GOOD.replace("REF*EJ*C0001~", "REF*EJ*C0001~REF*EJ*C0002~"),
                                         "at most once"),
    "REF before STC": (GOOD.replace(STC + "REF*1K*PAYER9~", "REF*1K*PAYER9~" + STC), "out of order"),
    "a date qualifier other than 472": (GOOD.replace("DTP*472", "DTP*434"), "DTP01"),
    "a service line without its status": (GOOD.replace(CLAIM_END, CLAIM_END + "SVC*HC:99213*125~"),
                                          "required segment STC"),
    "a payer id that is not PI or XV": (GOOD.replace("*PI*60054", "*XX*60054"), "2100A NM108"),
}


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_catches_its_break(name):
    text, expected = BREAKS[name]
    assert text not in (GOOD, GOOD_DEPENDENT), "the break did not change the document"
    violations = check_277(recount(text))
    assert any(expected in str(v) for v in violations), [str(v) for v in violations]


def test_a_service_line_with_its_status_passes():
    line = "SVC*HC:99213:25*125*100****1~STC*F1:65*20260321~REF*FJ*L1~DTP*472*D8*20260310~"
    assert check_277(recount(GOOD.replace(CLAIM_END, CLAIM_END + line))) == []


def test_a_miscounted_se01_is_an_envelope_violation():
    count = int(re.search(r"~SE\*(\d+)\*", GOOD).group(1))
    violations = check_277(GOOD.replace(f"~SE*{count}*", f"~SE*{count - 1}*"))
    assert [v.rule for v in violations] == ["envelope"] and "SE01" in violations[0].message


def test_violations_name_positions_and_rules_never_values():
    violations = check_277(recount(GOOD.replace("REF*EJ*C0001", "REF*ZZ*C0001").replace("*CHK777~", "*" + "9" * 17
                                                                                         + "~")))
    assert len(violations) == 2
    assert all("C0001" not in str(v) and "9" * 17 not in str(v) and v.position for v in violations)


# Third-party 277s: the X212 ones pass. The 277CAs are another guide; two 277s close with an IEA02 that is not
# their ISA13 (and pass once that is mended).
REJECTED_SAMPLES = {
    "imsweb-x12-parser/x12_277CA_accepted.txt": "GS01 must be HN and GS08 005010X212",
    "imsweb-x12-parser/x12_277CA_rejected.txt": "GS01 must be HN and GS08 005010X212",
    "imsweb-x12-parser/x12_277_x212.txt": "IEA02 does not match ISA13",
    "kputnam-stupidedi/X212_HR277/pass/1.era": "IEA02 does not match ISA13",
}


@pytest.mark.parametrize("path", sample_params("277"))
def test_the_checker_accepts_real_x212_277s_and_names_what_the_others_break(path):
    name, text = str(path.relative_to(SAMPLES)), read_sample(path)
    violations = check_277(text)
    if name not in REJECTED_SAMPLES:
        assert violations == []
        return
    assert any(REJECTED_SAMPLES[name] in str(v) for v in violations), [str(v) for v in violations]
    if "IEA02" in REJECTED_SAMPLES[name]:
        isa13 = text.split(text[3])[13]
        assert check_277(re.sub(r"IEA\*1\*\d+", f"IEA*1*{isa13}", text)) == []
