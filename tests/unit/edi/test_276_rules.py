"""The 005010X212 276 rules (chalicelib/edi/status/rules_276.py) over every 276 the project writes, over deliberately
broken ones (each rule must catch its break), and over the third-party samples."""
import re
from datetime import date, datetime

import pytest

from chalicelib.edi.status.inquiry import build_276
from chalicelib.edi.status.rules_276 import check_276
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.claims_factory import CHILD, make_document, make_institutional
from tests.unit.edi.samples import SAMPLES, read_sample, sample_params

PARTIES = Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH")
CREATED = datetime(2026, 3, 20, 9, 0)
TRACE = "01JTRACE0001"


def make_276(document=None, trace=TRACE) -> str:
    return build_276(document or make_document(), trace, PARTIES, ControlNumbers(11, 12, 13), usage="T",
                     created=CREATED)


PROJECT_276S = {
    "subscriber is the patient": make_document(),
    "dependent is the patient": make_document(patient=CHILD),
    "with a payer claim control number": make_document(payer_claim_control_number="PAYER0001"),
    "dependent with a payer claim control number": make_document(patient=CHILD, payer_claim_control_number="P1"),
    "institutional with its bill type": make_institutional(),
    "a service date range": make_document(service_from=date(2026, 3, 1), service_to=date(2026, 3, 10)),
}


@pytest.mark.parametrize("name", PROJECT_276S)
def test_every_276_the_project_writes_keeps_the_guides_rules(name):
    assert check_276(make_276(PROJECT_276S[name])) == []


def recount(text: str) -> str:
    """Fix SE01 after a test edits the body, so only the rule under test breaks."""
    segments = text.split("~")
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    segments[end] = re.sub(r"^SE\*\d+", f"SE*{end - start + 1}", segments[end])
    return "~".join(segments)


GOOD = make_276()
GOOD_DEPENDENT = make_276(make_document(patient=CHILD))
CLAIM_END = "DTP*472*D8*20260310~"
A_LINE = CLAIM_END + "SVC*HC:99213*125~DTP*472*D8*20260310~"

BREAKS = {
    "BHT01 is not 0010": (GOOD.replace("BHT*0010", "BHT*0022"), "BHT01"),
    "BHT02 is not a request": (GOOD.replace("BHT*0010*13", "BHT*0010*08"), "BHT02"),
    "BHT06 is used": (GOOD.replace("*20260320*0900~HL", "*20260320*0900*DG~HL"), "BHT06"),
    "BHT04 is not a date": (GOOD.replace("*20260320*0900~HL", "*20261320*0900~HL"), "BHT04"),
    "the functional group is not HR": (GOOD.replace("GS*HR", "GS*HS"), "GS01"),
    "ST03 names the 277CA guide": (GOOD.replace("ST*276*0013*005010X212", "ST*276*0013*005010X214"), "ST03"),
    "HL01 skips a number": (GOOD.replace("HL*4*3*22*0", "HL*5*3*22*0"), "HL01"),
    "a provider level under the payer": (GOOD.replace("HL*3*2*19*1", "HL*3*1*19*1"), "HL02"),
    "a level code outside 20 21 19 22 23": (GOOD.replace("HL*4*3*22*0", "HL*4*3*24*0"), "HL03"),
    "HL04 at a dependent level": (GOOD_DEPENDENT.replace("HL*5*4*23", "HL*5*4*23*0"), "HL04"),
    "HL04 claims a dependent that never comes": (GOOD.replace("HL*4*3*22*0", "HL*4*3*22*1"), "HL04"),
    "the payer id is not PI or XV": (GOOD.replace("*PI*60054", "*XX*60054"), "2100A NM108"),
    "the information receiver is not an ETIN (46)": (GOOD.replace("*46*123456789", "*FI*123456789"),
                                                     "2100B NM108"),
    "the service provider is not 1P": (GOOD.replace("NM1*1P*2", "NM1*85*2"), "2100C NM101"),
    "the subscriber id qualifier is not allowed": (GOOD.replace("*MI*W123456789", "*ZZ*W123456789"),
                                                   "2100D NM108"),
    "the dependent carries an id": (GOOD_DEPENDENT.replace("NM1*QC*1*Chen*Mia", "NM1*QC*1*Chen*Mia****MI*X1"),
                                    "2100E NM108"),
    "the dependent is not QC": (GOOD_DEPENDENT.replace("NM1*QC*1", "NM1*03*1"), "2100E NM101"),
    "TRN01 is not 1 in a 276": (GOOD.replace("TRN*1*", "TRN*2*"), "TRN01"),
    "a trace number longer than 50": (GOOD.replace(f"TRN*1*{TRACE}", "TRN*1*" + "T" * 51), "TRN02"),
    "no claim for a subscriber who is the patient": (GOOD.replace(f"TRN*1*{TRACE}~", "")
                                                     .replace("REF*EJ*C0001~AMT*T3*155~" + CLAIM_END, ""), "2200D"),
    "no claim under a dependent": (GOOD_DEPENDENT.replace(f"TRN*1*{TRACE}~REF*EJ*C0001~AMT*T3*155~" + CLAIM_END,
                                                          ""), "required loop 2200E"),
    "a claim at a subscriber who has dependents": (GOOD_DEPENDENT.replace(
        "HL*5*4*23", "TRN*1*X~HL*5*4*23"), "2200D"),
    "a REF qualifier the 2200 does not allow": (GOOD.replace("REF*EJ", "REF*F8"), "2200D REF01"),
    "the patient control number twice": (GOOD.replace("REF*EJ*C0001~", "REF*EJ*C0001~REF*EJ*C0002~"),
                                         "at most once"),
    "gender code outside F and M": (GOOD.replace("DMG*D8*19660606*M", "DMG*D8*19660606*U"), "DMG03"),
    "birth date is not a date": (GOOD.replace("DMG*D8*19660606", "DMG*D8*19660231"), "DMG02"),
    "a dependent without demographics": (GOOD_DEPENDENT.replace("DMG*D8*20150203*F~", ""),
                                         "required segment DMG"),
    "a date qualifier other than 472": (GOOD.replace("DTP*472", "DTP*434"), "DTP01"),
    "a date range that is not one": (GOOD.replace("DTP*472*D8*20260310", "DTP*472*RD8*20260310"), "DTP03"),
    "a date range that runs backwards": (GOOD.replace("DTP*472*D8*20260310", "DTP*472*RD8*20260310-20260301"),
                                         "DTP03"),
    "an amount qualifier other than T3": (GOOD.replace("AMT*T3", "AMT*T4"), "AMT01"),
    "a total charge that is not an amount": (GOOD.replace("AMT*T3*155", "AMT*T3*1,55"), "AMT02"),
    "segments out of order": (GOOD.replace("REF*EJ*C0001~AMT*T3*155~", "AMT*T3*155~REF*EJ*C0001~"),
                              "out of order"),
    "a subscriber without a name": (GOOD.replace("NM1*IL*1*Chen*Lu****MI*W123456789~", ""), "required loop 2100D"),
    "a service line with an unknown code qualifier": (GOOD.replace(CLAIM_END, A_LINE.replace("HC:", "ZZ:")),
                                                      "SVC01"),
    "a service line without its date": (GOOD.replace(CLAIM_END, CLAIM_END + "SVC*HC:99213*125~"),
                                        "required segment DTP"),
    "an ISA that is not fixed-width": (GOOD.replace("REVCYCLE       *", "REVCYCLE*"), "fixed width"),
    "a 4010 version": (GOOD.replace("*00501*", "*00401*"), "ISA12"),
}


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_catches_its_break(name):
    text, expected = BREAKS[name]
    assert text != GOOD and text != GOOD_DEPENDENT, "the break did not change the document"
    violations = check_276(recount(text))
    assert any(expected in str(v) for v in violations), [str(v) for v in violations]


def test_a_service_line_the_guide_allows_passes():
    assert check_276(recount(GOOD.replace(CLAIM_END, A_LINE))) == []


def test_a_miscounted_se01_is_an_envelope_violation():
    count = int(re.search(r"~SE\*(\d+)\*", GOOD).group(1))
    violations = check_276(GOOD.replace(f"~SE*{count}*", f"~SE*{count + 1}*"))
    assert [v.rule for v in violations] == ["envelope"] and "SE01" in violations[0].message


def test_violations_name_positions_and_rules_never_values():
    text = recount(GOOD.replace("Chen*Lu", "C" * 61 + "*Lu").replace("DMG*D8*19660606*M", "DMG*D8*19660606*U"))
    violations = check_276(text)
    assert len(violations) >= 2
    for violation in violations:
        assert "C" * 61 not in str(violation) and "19660606" not in str(violation)
        assert violation.position is not None


# Third-party 276s: the X212 ones pass; the stupidedi "case" file is a copy of guide pages (prose before ISA).
REJECTED_SAMPLES = {"kputnam-stupidedi/X212_HR276/case/1.edi": "does not start with an ISA segment"}


@pytest.mark.parametrize("path", sample_params("276"))
def test_the_checker_accepts_real_276s_and_rejects_the_malformed_one(path):
    name = str(path.relative_to(SAMPLES))
    violations = check_276(read_sample(path))
    if name in REJECTED_SAMPLES:
        assert any(REJECTED_SAMPLES[name] in str(v) for v in violations), [str(v) for v in violations]
    else:
        assert violations == []
