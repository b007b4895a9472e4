"""A claim's diagnoses are judged with the ICD-10-CM code set in force on its date of service.

Only the ICD-10-CM rules' findings are asserted: these claims have fixed dates of service, so other rules
(timely filing, dates in the future) judge them differently as the clock moves on."""
from datetime import timedelta

from chalicelib.coding import icd10cm
from tests.api.test_claims import Practice

ICD_RULES = ("diagnosis-code", "diagnosis-code-set")
ONE_LINE = [{"code": "99213", "diagnosis_pointers": [1]}]


def icd_findings(claim):
    return [(f["rule_id"], f["severity"], f["field"]) for f in claim["findings"] if f["rule_id"] in ICD_RULES]


def claim_on(practice, day, diagnoses=("E11.9",)):
    return practice.claim(at=f"{day}T09:00:00-05:00", coding={"diagnoses": list(diagnoses), "lines": ONE_LINE})


def with_diagnoses(practice, api, claim, diagnoses):
    """The claim after a biller edits its diagnoses (coding a visit refuses what these tests put on claims)."""
    status, edited, _ = api.patch(f"{practice.base}/claims/{claim['id']}", {"diagnoses": diagnoses},
                                  key=practice.admin, headers={"If-Match": str(claim["version"])})
    assert status == 200, edited
    return edited


def test_a_fy2027_claim_with_a_header_an_unknown_code_and_a_code_missing_its_7th_character_is_not_ready(
        world, api):
    practice = Practice(world, api)
    claim = with_diagnoses(practice, api, claim_on(practice, "2026-11-20"), ["E11", "E11.99X", "S72.001"])
    assert claim["status"] == "needs_fix" and claim["icd10cm_code_set"] == "FY2027"
    assert icd_findings(claim) == [("diagnosis-code", "error", f"claim.diagnoses.{n}") for n in range(3)]


def test_i42_0_is_billable_on_a_claim_of_september_30_and_a_header_on_one_of_october_1(world, api):
    practice = Practice(world, api)
    last_day = claim_on(practice, "2026-09-30", ["I42.0"])
    assert icd_findings(last_day) == [] and last_day["icd10cm_code_set"] == "FY2026"
    first_day = with_diagnoses(practice, api, claim_on(practice, "2026-10-01"), ["I42.0"])
    assert icd_findings(first_day) == [("diagnosis-code", "error", "claim.diagnoses.0")]
    [message] = [f["message"] for f in first_day["findings"] if f["rule_id"] == "diagnosis-code"]
    assert message.startswith("I42.0 (Dilated cardiomyopathy) is a header in ICD-10-CM FY2027, not billable")


def test_a_deleted_code_is_refused_on_a_claim_after_its_deletion(world, api):
    practice = Practice(world, api)
    before = claim_on(practice, "2026-09-30", ["S23.420A"])
    assert icd_findings(before) == []
    after = with_diagnoses(practice, api, claim_on(practice, "2026-10-01"), ["S23.420A"])
    [message] = [f["message"] for f in after["findings"] if f["rule_id"] == "diagnosis-code"]
    assert message == "S23.420A is not in ICD-10-CM FY2027: it was deleted on 2026-10-01, after FY2026"


def test_a_new_fy2027_code_is_refused_on_a_claim_before_it_existed(world, api):
    practice = Practice(world, api)
    assert icd_findings(claim_on(practice, "2026-10-01", ["I42.00"])) == []
    before = with_diagnoses(practice, api, claim_on(practice, "2026-09-30"), ["I42.00"])
    [message] = [f["message"] for f in before["findings"] if f["rule_id"] == "diagnosis-code"]
    assert message == "I42.00 is not in ICD-10-CM FY2026: it took effect on 2026-10-01 (FY2027)"


def test_a_claim_past_the_newest_code_set_says_once_that_its_year_is_not_loaded(world, api):
    practice = Practice(world, api)
    newest = icd10cm.code_sets()[-1]
    claim = claim_on(practice, newest.ends + timedelta(days=15), ["E11.9", "I10", "K21.9"])
    assert icd_findings(claim) == [("diagnosis-code-set", "warning", "claim.diagnoses")]
    assert claim["icd10cm_code_set"] == newest.name
    edited = with_diagnoses(practice, api, claim, ["E11", "I10", "E11.99X"])
    assert icd_findings(edited) == [("diagnosis-code-set", "warning", "claim.diagnoses"),
                                    ("diagnosis-code", "error", "claim.diagnoses.0"),
                                    ("diagnosis-code", "warning", "claim.diagnoses.2")]
