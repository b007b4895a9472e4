"""Diagnosis rules (rules_codes.py): ICD-10-CM validity by date, first-listed limits, demographic edits and
line pointers."""
import dataclasses
from datetime import date, timedelta

import pytest

from chalicelib.coding import icd10cm
from chalicelib.scrubbing.rules_codes import icd10cm_code_set
from chalicelib.scrubbing.scrub import ScrubContext, scrub
from tests.claims_factory import (
    CHILD,
    SUBSCRIBER,
    case,
    make_document,
    make_inpatient,
    make_lines,
    rule_flags,
    with_institutional,
    with_line,
)

E, W = "error", "warning"
FY2027_DAY = date(2026, 12, 1)
NEWEST = icd10cm.code_sets()[-1]
PAST_NEWEST = NEWEST.ends + timedelta(days=15)  # a year whose code set is not loaded (yet)
THIRTEEN = ("E119", "I10", "J069", "K219", "I2510", "F329", "E1165", "N952", "Z0000", "S0990XA", "D7218",
            "N400", "O80")


def patient(sex="F", born=date(2015, 2, 3)):
    return dataclasses.replace(CHILD, person=dataclasses.replace(CHILD.person, sex=sex, birth_date=born))


def coded(*diagnoses, **overrides):
    return make_document(diagnoses=diagnoses, **overrides)


def on(day, *diagnoses):
    """A professional claim whose services are all on `day`."""
    return make_document(lines=make_lines(day=day), service_from=day, service_to=day,
                         **({"diagnoses": diagnoses} if diagnoses else {}))


CASES = [
    case("none", "diagnosis-count", coded(), (E, "claim.diagnoses")),
    case("thirteen on a professional claim", "diagnosis-count", coded(*THIRTEEN), (E, "claim.diagnoses")),
    case("listed twice", "diagnosis-duplicate", coded("E119", "I10", "E119"), (E, "claim.diagnoses.2")),
    case("a header, not billable", "diagnosis-code", coded("E11", "I10"), (E, "claim.diagnoses.0")),
    case("not in the code set", "diagnosis-code", coded("E119", "Z9999"), (E, "claim.diagnoses.1")),
    case("written with its dot", "diagnosis-code", coded("E11.9", "I10"), (E, "claim.diagnoses.0")),
    case("a code deleted before the date of service", "diagnosis-code", on(FY2027_DAY, "E119", "S23420A"),
         (E, "claim.diagnoses.1"), today=FY2027_DAY),
    case("a code new after the date of service", "diagnosis-code", coded("I4200"), (E, "claim.diagnoses.0")),
    case("past the newest code set, a code it does not know", "diagnosis-code", on(PAST_NEWEST, "E119", "E1199X"),
         (W, "claim.diagnoses.1"), today=PAST_NEWEST),
    case("past the newest code set, a header", "diagnosis-code", on(PAST_NEWEST, "E11", "I10"),
         (E, "claim.diagnoses.0"), today=PAST_NEWEST),
    case("date of service in a year whose code set is not loaded", "diagnosis-code-set",
         on(PAST_NEWEST, "E119", "I10", "K219"), (W, "claim.diagnoses"), today=PAST_NEWEST),
    case("inpatient with none", "admitting-diagnosis", with_institutional(make_inpatient(), admitting_diagnosis=""),
         (E, "claim.institutional.admitting_diagnosis")),
    case("inpatient with a header code", "admitting-diagnosis",
         with_institutional(make_inpatient(), admitting_diagnosis="R07"),
         (E, "claim.institutional.admitting_diagnosis")),
    case("manifestation code first", "diagnosis-manifestation-first", coded("D7218", "E119"), (E, "claim.diagnoses.0")),
    case("external cause code first", "diagnosis-external-cause-first", coded("W19XXXA", "S0990XA"),
         (E, "claim.diagnoses.0")),
    case("male-only code on a girl", "diagnosis-sex", coded("E119", "N400", patient=patient()),
         (W, "claim.diagnoses.1")),
    case("female-only code on a man", "diagnosis-sex", coded("N952"), (W, "claim.diagnoses.0")),
    case("delivery at age 8", "diagnosis-age", coded("O80", patient=patient(born=date(2017, 5, 1))),
         (W, "claim.diagnoses.0")),
    case("delivery at age 65", "diagnosis-age", coded("O80", patient=patient(born=date(1960, 6, 6))),
         (W, "claim.diagnoses.0")),
    case("perinatal code at age 11", "diagnosis-age", coded("P0730", patient=patient()), (W, "claim.diagnoses.0")),
    case("no pointer", "diagnosis-pointers", with_line(make_document(), 1, diagnosis_pointers=()),
         (E, "claim.lines.1.diagnosis_pointers")),
    case("pointer past the last diagnosis", "diagnosis-pointers",
         with_line(make_document(), 0, diagnosis_pointers=(1, 3)), (E, "claim.lines.0.diagnosis_pointers")),
    case("pointer repeated", "diagnosis-pointers", with_line(make_document(), 0, diagnosis_pointers=(2, 2)),
         (E, "claim.lines.0.diagnosis_pointers")),
    case("five pointers", "diagnosis-pointers",
         with_line(coded(*THIRTEEN[:5]), 0, diagnosis_pointers=(1, 2, 3, 4, 5)),
         (E, "claim.lines.0.diagnosis_pointers")),
]


@pytest.mark.parametrize("rule_id, document, expected, context", CASES)
def test_a_diagnosis_rule_names_the_field_to_fix(rule_id, document, expected, context):
    assert rule_flags(document, rule_id, **context) == expected


def test_twelve_diagnoses_fit_a_professional_claim_and_twenty_five_an_institutional_one():
    assert rule_flags(coded(*THIRTEEN[:12]), "diagnosis-count") == []
    assert rule_flags(make_inpatient(diagnoses=THIRTEEN + THIRTEEN[:12]), "diagnosis-count") == []
    assert rule_flags(make_inpatient(diagnoses=THIRTEEN * 2), "diagnosis-count") == [(E, "claim.diagnoses")]


def test_a_claim_in_a_year_not_loaded_says_so_once_and_names_no_date_of_service():
    findings = scrub(on(PAST_NEWEST, "E119", "I10", "K219"), ScrubContext(today=PAST_NEWEST))
    [note] = [f.message for f in findings if f.rule_id == "diagnosis-code-set"]
    assert f"judged with {NEWEST.name}" in note and PAST_NEWEST.isoformat() not in note
    assert [f for f in findings if f.rule_id == "diagnosis-code"] == []


def test_a_claim_in_a_loaded_year_has_no_code_set_note():
    assert rule_flags(on(FY2027_DAY), "diagnosis-code-set", today=FY2027_DAY) == []


def test_a_code_subdivided_on_october_first_is_billable_the_day_before_and_a_header_from_then():
    assert rule_flags(on(date(2026, 9, 30), "I420"), "diagnosis-code", today=FY2027_DAY) == []
    assert rule_flags(on(date(2026, 10, 1), "I420"), "diagnosis-code", today=FY2027_DAY) == [(E, "claim.diagnoses.0")]


def test_an_inpatient_claim_is_coded_for_its_discharge_date():
    # Admitted in FY2026, discharged in FY2027: the FY2027 set judges the codes, where I42.0 is a header.
    admitted = date(2026, 9, 28)
    stay = make_inpatient(service_from=admitted, diagnoses=("I420", "E119"))
    assert rule_flags(with_institutional(stay, statement_from=admitted, admission_date=admitted,
                                         statement_to=date(2026, 9, 30)), "diagnosis-code") == []
    discharged_in_fy2027 = with_institutional(stay, statement_from=admitted, admission_date=admitted,
                                              statement_to=date(2026, 10, 2))
    assert rule_flags(discharged_in_fy2027, "diagnosis-code") == [(E, "claim.diagnoses.0")]
    assert icd10cm_code_set(discharged_in_fy2027) == "FY2027"


def test_the_claim_names_the_code_set_that_judged_it():
    assert icd10cm_code_set(make_document()) == "FY2026"
    assert icd10cm_code_set(on(FY2027_DAY)) == "FY2027"
    assert icd10cm_code_set(on(PAST_NEWEST)) == NEWEST.name


def test_a_manifestation_code_after_its_underlying_condition_passes():
    assert rule_flags(coded("E119", "D7218"), "diagnosis-manifestation-first") == []


def test_z_codes_may_be_listed_first():
    assert rule_flags(coded("Z0000", "I10"), "diagnosis-external-cause-first") == []


def test_sex_edits_skip_a_patient_whose_sex_is_unknown():
    assert rule_flags(coded("N952", "N400", patient=patient(sex="U")), "diagnosis-sex") == []


@pytest.mark.parametrize("born", [date(2017, 3, 10), date(1961, 3, 11)])
def test_maternity_codes_fit_ages_nine_through_sixty_four(born):
    assert rule_flags(coded("O80", patient=patient(born=born)), "diagnosis-age") == []


def test_a_perinatal_code_fits_a_newborn():
    assert rule_flags(coded("P0730", patient=patient(born=date(2026, 3, 1))), "diagnosis-age") == []


def test_pointers_are_not_checked_on_institutional_lines():
    assert rule_flags(make_inpatient(), "diagnosis-pointers") == []


def test_the_subscriber_is_the_patient_when_there_is_no_2000c_loop():
    assert SUBSCRIBER.person.sex == "M"
    assert rule_flags(coded("N400"), "diagnosis-sex") == []
