"""The daily jobs handle each visit and claim on its own (jobs/per_item.py): one that cannot be done is recorded
with its reason and a task, the others go on, and a second delivery of the message redoes nothing. A biller's
own status inquiry about such a claim is a 422, not a 500."""
import dataclasses
from datetime import date, timedelta

import pytest

from chalicelib.claims import codec
from chalicelib.claims.items import ClaimItem
from chalicelib.clearinghouse import get_eligibility_gateway, get_status_gateway
from chalicelib.core.clock import utcnow
from chalicelib.db import keys
from chalicelib.jobs import eligibility, follow_up
from chalicelib.jobs.per_item import ItemsFailed
from chalicelib.patients.items import Patient
from tests.api.test_claims import Practice
from tests.api.test_tracking import submit_all

ADDRESS = {"line1": "3 Bay Rd", "city": "Springfield", "state": "IL", "zip": "62704"}


class FailingFor:
    """A clearinghouse whose line drops for one member id (or claim number): an unexpected error, not the data's."""

    def __init__(self, real, marker):
        self.real, self.marker = real, marker

    def check(self, text):
        return self._pass(self.real.check, text)

    def inquire(self, text):
        return self._pass(self.real.inquire, text)

    def _pass(self, call, text):
        if self.marker in text:
            raise RuntimeError("the connection was reset")
        return call(text)


@pytest.fixture
def clinic(world, api):
    place = world.clinic()
    place["day"] = eligibility.next_business_day(utcnow().date()).isoformat()

    def visit(last_name, member_id):
        patient = api.post(f"{place['base']}/patients", {"first_name": "Kai", "last_name": last_name,
                                                           "birth_date": "1990-05-05", "sex": "U",
                                                           "address": ADDRESS}, key=place["key"])[1]["id"]
        coverage = api.post(f"{place['base']}/patients/{patient}/coverages", {
            "payer_id": place["payer"], "member_id": member_id, "effective_from": "2026-01-01"},
            key=place["key"])[1]
        booked = api.post(f"{place['base']}/visits", {"patient_id": patient, "provider_id": place["provider"],
                                                      "scheduled_at": f"{place['day']}T09:00:00-06:00"},
                          key=place["key"])[1]
        return {**booked, "coverage": coverage}

    place["visit"] = visit
    return place


def eligibility_message(clinic):
    return {"job": eligibility.JOB, "practice_id": clinic["pid"], "firm_id": clinic["firm"], "day": clinic["day"]}


def front_desk_tasks(api, clinic):
    status, body, _ = api.get(f"{clinic['base']}/tasks?queue=front_desk", key=clinic["key"])
    assert status == 200, body
    return body["data"]


def test_a_visit_that_cannot_be_checked_gets_a_task_and_the_others_are_checked(api, clinic):
    legacy = clinic["visit"]("Moreno", "ACT901")
    stored = Patient.get(keys.practice_pk(clinic["pid"]), keys.patient_sk(legacy["patient_id"]))
    stored.update(actions=[Patient.last_name.set("山田")])  # a name registration let through before
    ended = clinic["visit"]("Reyes", "ACT902")
    api.patch(f"{clinic['base']}/patients/{ended['patient_id']}/coverages/{ended['coverage']['id']}",
              {"active": False, "version": 1}, key=clinic["key"])
    fine = clinic["visit"]("Okafor", "ACT903")

    assert eligibility.work(eligibility_message(clinic), "m-1") == 1
    checked = api.get(f"{clinic['base']}/visits/{fine['id']}", key=clinic["key"])[1]
    assert checked["eligibility_check_id"] and checked["expected_copay_cents"] == 2500
    tasks = {t["visit_id"]: t for t in front_desk_tasks(api, clinic)}
    assert set(tasks) == {legacy["id"], ended["id"]}
    assert all(t["reason"] == "eligibility_not_checked" and t["priority"] == "high" and t["due_on"] == clinic["day"]
               for t in tasks.values())
    assert "name_on_card" in tasks[legacy["id"]]["detail"] and "山田" not in tasks[legacy["id"]]["detail"]
    assert "coverage has ended" in tasks[ended["id"]]["detail"]

    assert eligibility.work(eligibility_message(clinic), "m-1-again") == 0  # nothing is tried or opened twice
    assert len(front_desk_tasks(api, clinic)) == 2


def test_a_visit_that_fails_unexpectedly_fails_the_message_after_the_others_and_alone_is_retried(api, clinic):
    clinic["visit"]("Moreno", "ACTBOOM1")
    other = clinic["visit"]("Okafor", "ACT904")
    flaky = FailingFor(get_eligibility_gateway(), "*MI*ACTBOOM1")
    with pytest.raises(ItemsFailed):
        eligibility.work(eligibility_message(clinic), "m-2", gateway=flaky)
    assert api.get(f"{clinic['base']}/visits/{other['id']}", key=clinic["key"])[1]["eligibility_check_id"]
    assert eligibility.work(eligibility_message(clinic), "m-2-retried") == 1  # the failed visit, and only it
    assert front_desk_tasks(api, clinic) == []


@pytest.fixture
def billed(world, api):
    """Two claims submitted a month after their visits, due for their 999 on the same day."""
    practice = Practice(world, api)
    days_ago = [(date.today() - timedelta(days=n)).isoformat() for n in (30, 31)]  # not duplicates of each other
    claims = [practice.claim(at=f"{day}T09:00:00-06:00") for day in days_ago]
    assert [c["status"] for c in claims] == ["ready", "ready"], claims
    submit_all(practice)
    items = [ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(c["id"])) for c in claims]
    assert items[0].follow_up_on == items[1].follow_up_on
    return practice, items, date.fromisoformat(items[0].follow_up_on)


def follow_up_message(practice, day):
    return {"job": follow_up.JOB, "practice_id": practice.id, "firm_id": practice.firm_id, "day": day.isoformat()}


def claim_tasks(api, practice, claim_id):
    return api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)[1]["data"]


def break_276(claim):
    """The claim as stored before its member id was checked: a 276 cannot carry a one-character id."""
    document = codec.loads(claim.document)
    claim.update(actions=[ClaimItem.document.set(codec.dumps(dataclasses.replace(
        document, subscriber=dataclasses.replace(document.subscriber, member_id="X"))))])


def test_a_claim_the_job_cannot_act_on_gets_a_task_and_its_next_date_and_the_others_are_followed_up(api, billed):
    practice, (broken, fine), due = billed
    break_276(broken)

    assert follow_up.work(follow_up_message(practice, due), "m-3") == 1
    [task] = claim_tasks(api, practice, broken.id)
    assert (task["reason"], task["priority"]) == ("follow_up_refused", "high")
    assert "subscriber.member_id does not meet the 276 rules" in task["detail"]
    history = api.get(f"{practice.base}/claims/{broken.id}/events", key=practice.admin)[1]["data"]
    assert history[-1]["event"] == "follow_up_refused"
    got = api.get(f"{practice.base}/claims/{broken.id}", key=practice.admin)[1]
    assert got["follow_up_on"] == (due + timedelta(days=14)).isoformat()
    assert [t["reason"] for t in claim_tasks(api, practice, fine.id)] == ["no_999"]

    assert follow_up.work(follow_up_message(practice, due), "m-3-again") == 0
    assert len(claim_tasks(api, practice, broken.id)) == 1


def test_a_claim_that_fails_unexpectedly_stays_due_and_alone_is_followed_up_on_the_retry(api, billed):
    practice, (flaky_claim, fine), due = billed
    flaky = FailingFor(get_status_gateway(), f"REF*EJ*{flaky_claim.patient_control_number}~")
    with pytest.raises(ItemsFailed):
        follow_up.work(follow_up_message(practice, due), "m-4", gateway=flaky)
    assert [t["reason"] for t in claim_tasks(api, practice, fine.id)] == ["no_999"]
    assert api.get(f"{practice.base}/claims/{flaky_claim.id}", key=practice.admin)[1]["follow_up_on"] == \
        due.isoformat()
    assert follow_up.work(follow_up_message(practice, due), "m-4-retried") == 1


def test_a_biller_asking_the_status_of_a_claim_whose_276_breaks_a_rule_gets_a_422_and_nothing_is_recorded(api,
                                                                                                         billed):
    practice, (broken, _), _ = billed
    break_276(broken)
    url = f"{practice.base}/claims/{broken.id}/status-inquiries"
    code, refused, _ = api.post(url, {}, key=practice.admin)
    assert code == 422 and "subscriber.member_id does not meet the 276 rules" in refused["detail"]
    assert api.get(url, key=practice.admin)[1]["data"] == []
