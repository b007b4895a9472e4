"""Eligibility through the API against the sandbox payer: real 270s out (checked against 005010X279A1's rules),
real 271s back, read into what a front desk needs."""
import boto3
import pytest

from chalicelib.clearinghouse import ClearinghouseUnavailable
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.edi.eligibility.rules_270 import check_270
from chalicelib.patients import eligibility
from chalicelib.patients.models import EligibilityCheckCreate

PATIENT = {"first_name": "José", "last_name": "Núñez", "birth_date": "1979-07-04", "sex": "M",
           "address": {"line1": "9 Pine St", "city": "Springfield", "state": "IL", "zip": "62704"}}


@pytest.fixture
def front(world, api):
    firm_id, admin = world.firm()
    pid = world.practice(admin)
    base = f"/practices/{pid}"
    payer = api.post(f"{base}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]["id"]
    patient = api.post(f"{base}/patients", PATIENT, key=admin)[1]["id"]
    return {"key": admin, "firm": firm_id, "pid": pid, "payer": payer, "patient": patient,
            "url": f"{base}/patients/{patient}"}


def cover(api, front, member_id, **extra):
    body = {"payer_id": front["payer"], "member_id": member_id, "effective_from": "2026-01-01", **extra}
    status, coverage, _ = api.post(f"{front['url']}/coverages", body, key=front["key"])
    assert status == 201, coverage
    return coverage["id"]


def check(api, front, **body):
    status, result, _ = api.post(f"{front['url']}/eligibility-checks", body, key=front["key"])
    assert status == 201, result
    return result


def documents(result, front):
    s3 = boto3.client("s3")
    prefix = f"eligibility/{front['pid']}/{result['id']}/"
    return {name: s3.get_object(Bucket="revcycle-edi", Key=prefix + name)["Body"].read().decode()
            for name in ("270.x12", "271.x12")}


def test_an_active_plan_shows_its_co_pay_co_insurance_and_what_is_left(api, front):
    cover(api, front, "ACT0001")
    result = check(api, front)
    assert result["status"] == "active" and result["expected_copay_cents"] == 2500
    network = result["benefits"]["in_network"]
    assert network["co_insurance"] in {"0.2", "0.20"}
    assert network["deductible_cents"] == 150_000 and network["deductible_remaining_cents"] == 40_000
    assert network["out_of_pocket_remaining_cents"] == 320_000


def test_the_270_sent_follows_the_implementation_guide_and_both_documents_are_kept(api, front):
    cover(api, front, "ACT0002")
    result = check(api, front, service_type="98", service_date="2026-12-01")
    sent = documents(result, front)
    assert check_270(sent["270.x12"]) == []
    assert "NUNEZ*JOSE" in sent["270.x12"] and "EQ*98" in sent["270.x12"]
    assert result["id"] in sent["271.x12"]  # the 271 echoes our trace number


def test_an_inactive_plan_says_so(api, front):
    cover(api, front, "INA0001")
    assert check(api, front)["status"] == "inactive"


@pytest.mark.parametrize("member_id, code, words", [("UNK0001", "72", "subscriber"), ("DWN0001", "42", "respond")])
def test_payer_rejections_are_surfaced_plainly(api, front, member_id, code, words):
    cover(api, front, member_id)
    result = check(api, front)
    assert result["status"] == "rejected" and result["expected_copay_cents"] is None
    assert result["rejections"][0]["code"] == code and words in result["rejections"][0]["reason"]


def test_a_dependent_is_sent_in_the_dependent_loop(api, front):
    cover(api, front, "ACT0003", relationship="child",
          subscriber={"first_name": "Marta", "last_name": "Núñez", "birth_date": "1950-02-02", "sex": "F"})
    result = check(api, front)
    sent = documents(result, front)["270.x12"]
    assert check_270(sent) == [] and "HL*4*3*23*0" in sent.replace("\n", "")
    assert result["status"] == "active"


def test_checks_are_listed_newest_first(api, front):
    cover(api, front, "INA0002")
    first, second = check(api, front), check(api, front)
    listed = api.get(f"{front['url']}/eligibility-checks", key=front["key"])[1]["data"]
    assert [c["id"] for c in listed] == [second["id"], first["id"]]
    assert api.get(f"{front['url']}/eligibility-checks/{first['id']}", key=front["key"])[1] == first


def test_a_patient_without_coverage_cannot_be_checked(api, front):
    status, body, _ = api.post(f"{front['url']}/eligibility-checks", {}, key=front["key"])
    assert status == 422 and body["errors"][0]["field"] == "coverage_id"


class Down:
    def check(self, request_270_text: str) -> str:
        raise ClearinghouseUnavailable("clearinghouse answered 503 three times")


def test_an_unreachable_clearinghouse_is_recorded_as_an_error_check(api, front):
    cover(api, front, "ACT0004")
    scope = PracticeScope(front["pid"], Principal("test", front["firm"], "front_desk", None))
    result = eligibility.run(scope, front["patient"], EligibilityCheckCreate(), gateway=Down())
    assert result.status == "error" and "503" in result.error and result.expected_copay_cents is None
