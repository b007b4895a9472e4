"""The 005010X279A1 270 rules (chalicelib/edi/eligibility/rules_270.py) over every 270 the project writes, over
deliberately broken ones (each rule must catch its break), and over the third-party samples."""
import re

import pytest

from chalicelib.edi.eligibility.inquiry import Provider
from chalicelib.edi.eligibility.rules_270 import check_270
from chalicelib.edi.x12 import read_interchange
from tests.unit.edi.factories import NPI, make_270, make_dependent, make_inquiry, make_subscriber
from tests.unit.edi.samples import SAMPLES, read_sample, sample, sample_params

PROJECT_270S = {
    "subscriber": make_inquiry(),
    "dependent": make_inquiry(dependent=make_dependent()),
    "person provider": make_inquiry(provider=Provider(NPI, last_name="HOPPER", first_name="GRACE")),
    "no birth date or service date": make_inquiry(subscriber=make_subscriber(birth_date=None), service_date=None),
    "99 service types": make_inquiry(service_types=tuple(f"{n:02d}"[-2:] for n in range(1, 100))),
    "longest names and ids": make_inquiry(subscriber=make_subscriber(
        last_name="L" * 60, first_name="F" * 35, member_id="M" * 80), trace_number="T" * 50),
}


@pytest.mark.parametrize("name", PROJECT_270S)
def test_every_270_the_project_writes_keeps_the_guides_rules(name):
    assert check_270(make_270(PROJECT_270S[name])) == []


@pytest.mark.parametrize("name", PROJECT_270S)
def test_every_270_the_project_writes_keeps_the_projects_own_choices(name):
    read = read_interchange(make_270(PROJECT_270S[name]))
    body = {s.id + (s.element(1) if s.id == "NM1" else ""): s for s in read.groups[0].transactions[0].body}
    assert body["BHT"].element(2) == "13"  # a request, never a cancellation
    assert body["NM1PR"].element(8) == "PI" and body["NM11P"].element(8) == "XX"  # payer id, provider NPI
    assert body["NM1IL"].element(8) == "MI"


def recount(text: str) -> str:
    """Fix SE01 after a test edits the body, so only the rule under test breaks."""
    segments = text.split("~")
    start = next(i for i, s in enumerate(segments) if s.lstrip().startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.lstrip().startswith("SE*"))
    segments[end] = re.sub(r"^(\s*)SE\*\d+", rf"\g<1>SE*{end - start + 1}", segments[end])
    return "~".join(segments)


GOOD = make_270()
GOOD_DEPENDENT = make_270(make_inquiry(dependent=make_dependent()))

BREAKS = {
    "BHT01 is not 0022": (GOOD.replace("BHT*0022", "BHT*0019"), "BHT01"),
    "BHT02 is not a request": (GOOD.replace("BHT*0022*13", "BHT*0022*11"), "BHT02"),
    "BHT04 is not a date": (GOOD.replace("*20261123*0930~HL", "*20261323*0930~HL"), "BHT04"),
    "the information receiver level is missing": (
        GOOD.replace("HL*2*1*21*1~NM1*1P*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893~", "")
        .replace("HL*3*2*22*0", "HL*2*1*22*0"), "HL02"),
    "HL01 skips a number": (GOOD.replace("HL*3*2*22*0", "HL*4*2*22*0"), "HL01"),
    "HL04 claims a child that never comes": (GOOD.replace("HL*3*2*22*0", "HL*3*2*22*1"), "HL04"),
    "a level other than 20-23": (GOOD.replace("HL*3*2*22*0", "HL*3*2*24*0"), "HL03"),
    "the subscriber is not IL": (GOOD.replace("NM1*IL*1", "NM1*QC*1"), "2100C NM101"),
    "the provider id qualifier is not allowed": (GOOD.replace("*XX*1234567893", "*ZZ*1234567893"), "2100B NM108"),
    "the payer is a person-less code": (GOOD.replace("NM1*PR*2", "NM1*PR*3"), "2100A NM102"),
    "a dependent carries an id": (GOOD_DEPENDENT.replace("NM1*03*1*LOVELACE*BYRON",
                                                         "NM1*03*1*LOVELACE*BYRON****MI*X1"), "2100D NM108"),
    "gender code outside F M U": (GOOD.replace("DMG*D8*19801210*F", "DMG*D8*19801210*W"), "DMG03"),
    "birth date is not a date": (GOOD.replace("DMG*D8*19801210", "DMG*D8*19800231"), "DMG02"),
    "a name longer than 60": (GOOD.replace("LOVELACE", "L" * 61), "NM103"),
    "a member id of one character": (GOOD.replace("MI*ACT0001", "MI*A"), "NM109"),
    "an id without its qualifier": (GOOD.replace("*PI*SBX01", "**SBX01"), "NM108 and NM109"),
    "a trace number longer than 50": (GOOD.replace("TRN*1*01JDQ5ZV3W4K8T2M6N9P0R7S1A", "TRN*1*" + "T" * 51),
                                      "TRN02"),
    "a trace originator that is not 10 characters": (GOOD.replace("*9REVCYCLE0", "*9REVCYCLE"), "TRN03"),
    "TRN01 is not 1 in a 270": (GOOD.replace("TRN*1*", "TRN*2*"), "TRN01"),
    "a date qualifier the 270 does not use": (GOOD.replace("DTP*291", "DTP*472"), "DTP01"),
    "a date range that is not one": (GOOD.replace("DTP*291*D8*20261124", "DTP*291*RD8*20261124"), "DTP03"),
    "a service type code of three characters": (GOOD.replace("EQ*30", "EQ*300"), "EQ01"),
    "more than 99 EQ loops": (GOOD.replace("EQ*30~", "EQ*30~" * 100), "repeats more than 99"),
    "EQ01 repeated more than 99 times": (GOOD.replace("EQ*30~", "EQ*" + "^".join(["30"] * 100) + "~"),
                                         "at most 99"),
    "no EQ for a subscriber who is the patient": (GOOD.replace("EQ*30~", ""), "2110C"),
    "an EQ at the subscriber when a dependent is the patient": (
        GOOD_DEPENDENT.replace("HL*4*3*23*0", "EQ*30~HL*4*3*23*0"), "2110C"),
    "a required subscriber name missing": (GOOD.replace("NM1*IL*1*LOVELACE*ADA****MI*ACT0001~", ""),
                                           "required loop 2100C"),
    "segments out of order": (GOOD.replace("NM1*IL*1*LOVELACE*ADA****MI*ACT0001~DMG*D8*19801210*F~",
                                           "DMG*D8*19801210*F~NM1*IL*1*LOVELACE*ADA****MI*ACT0001~"),
                              "out of order"),
    "too many TRN": (GOOD.replace("TRN*1*", "TRN*1*A*9REVCYCLE0~TRN*1*B*9REVCYCLE0~TRN*1*"), "TRN repeats"),
    "a header with more than BHT": (GOOD.replace("~HL*1**20*1", "~REF*EJ*1~HL*1**20*1"), "header"),
    "an ISA that is not fixed-width": (GOOD.replace("REVCYCLE       *", "REVCYCLE*"), "fixed width"),
    "a 4010 version": (GOOD.replace("*00501*", "*00401*"), "ISA12"),
    "the wrong guide in GS08": (GOOD.replace("*X*005010X279A1", "*X*005010X279"), "GS08"),
    "the wrong transaction set": (GOOD.replace("ST*270", "ST*276"), "ST01"),
}


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_catches_its_break(name):
    text, expected = BREAKS[name]
    violations = check_270(recount(text))
    assert violations, name
    assert any(expected in str(v) for v in violations), [str(v) for v in violations]


def test_a_miscounted_se01_is_an_envelope_violation():
    violations = check_270(GOOD.replace("SE*13*", "SE*14*"))
    assert [v.rule for v in violations] == ["envelope"] and "SE01" in violations[0].message


def test_violations_name_positions_and_rules_never_values():
    text = recount(GOOD.replace("LOVELACE", "L" * 61).replace("DMG*D8*19801210*F", "DMG*D8*19801210*W"))
    for violation in check_270(text):
        assert "L" * 61 not in str(violation) and "19801210" not in str(violation)
        assert violation.position is not None


# Third-party 270s: the sound ones pass; these two are rejected, each for the reason SOURCES.md gives.
REJECTED_SAMPLES = {
    "albmarin-badX12/unknown_segment_error.edi": "outside a transaction set",  # HL/NM1 between GS and ST
    "imsweb-x12-parser/x270.txt": "SE01",  # a 4010 270, SE01 15 for 14 segments
}


@pytest.mark.parametrize("path", sample_params("270"))
def test_the_checker_accepts_real_270s_and_rejects_the_malformed_ones(path):
    name = str(path.relative_to(SAMPLES))
    violations = check_270(read_sample(path))
    if name in REJECTED_SAMPLES:
        assert any(REJECTED_SAMPLES[name] in str(v) for v in violations), [str(v) for v in violations]
    else:
        assert violations == []


def test_the_4010_sample_breaks_more_than_its_envelope():
    # Mend its three envelope faults (SE01, SE02 vs ST02, IEA02 vs ISA13) to reach the content rules.
    text = sample("imsweb-x12-parser/x270.txt").replace("*0000121", "*000121").replace("IEA*1*000014420",
                                                                                       "IEA*1*000003438")
    violations = {v.rule + ": " + v.message for v in check_270(recount(text))}
    assert {"ISA: ISA12 must be 00501", "ISA: ISA11 must be a repetition separator",
            "GS: GS01 must be HS and GS08 005010X279A1", "ST: ST01 must be 270 and ST03 005010X279A1",
            "X279A1 header BHT03: required element is missing",  # 4010 allowed an empty BHT03
            "X279A1 2100C DTP01: code value not allowed here",  # 4010's 307; 5010 asks with 291
            "X279A1 HL: HL04 must be 1 exactly when a child level follows"} <= violations
