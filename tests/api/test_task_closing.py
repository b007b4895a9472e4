"""Tasks close by themselves when their claim moves past their cause, each recording the claim event that
closed it: a rejection once the fixed claim is sent again, a missing 999 once it comes, a missing 277CA and a
near filing limit once the payer accepts the claim. A task a person closed first is left as they closed it."""
from datetime import date, timedelta

import boto3
import pytest

from chalicelib.clearinghouse import sandbox_mailbox
from chalicelib.core.settings import get_settings
from chalicelib.jobs import follow_up as job
from tests.api.test_claims import Practice
from tests.api.test_follow_up import message
from tests.api.test_tracking import ANSWERED, deliver, skip_numbers_to


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def seen(days_ago: int) -> str:
    return f"{(date.today() - timedelta(days=days_ago)).isoformat()}T09:00:00-06:00"


def get(practice, path):
    status, body, _ = practice.api.get(practice.base + path, key=practice.admin)
    assert status == 200, body
    return body


def tasks_of(practice, claim_id):
    return {t["reason"]: t for t in get(practice, f"/claims/{claim_id}/tasks")["data"]}


def open_list(practice):
    return [t["id"] for t in get(practice, "/tasks?queue=billing&limit=100")["data"]]


def submitted(practice, ending=1, days_ago=2):
    """A claim sent in its own batch, with the sandbox clearinghouse's answers (999, then 277CA) kept apart."""
    skip_numbers_to(practice, ending)
    claim = practice.claim(at=seen(days_ago))
    [batch] = practice.post("/claim-batches", {"claim_ids": [claim["id"]]})["batches"]
    text = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read()
    return claim, sorted(sandbox_mailbox.answer(batch["file_key"], text.decode(), ANSWERED).items())


def follow_up_when_due(practice, claim_id):
    due = date.fromisoformat(get(practice, f"/claims/{claim_id}")["follow_up_on"])
    assert job.work(message(practice, due), f"m-{claim_id}") == 1


def closed_by(task):
    assert task["status"] == "done" and task["completed_at"], task
    return task["closed_by_event"]["event"], task["closed_by_event"]["to_status"]


def test_a_rejected_claims_task_stays_open_while_it_is_fixed_and_closes_when_it_is_sent_again(app, practice):
    claim, answers = submitted(practice, ending=9)  # the sandbox's 277CA rejects numbers ending in 9
    for key, text in answers:
        deliver(app, key, text)
    rejected = get(practice, f"/claims/{claim['id']}")
    task = tasks_of(practice, claim["id"])["rejected"]
    assert rejected["status"] == "rejected" and task["status"] == "open"

    status, fixed, _ = practice.api.patch(f"{practice.base}/claims/{claim['id']}", {"prior_authorization": "AUTH-2"},
                                          key=practice.admin, headers={"If-Match": str(rejected["version"])})
    assert status == 200 and fixed["status"] == "ready", fixed
    assert tasks_of(practice, claim["id"])["rejected"]["status"] == "open" and task["id"] in open_list(practice)

    practice.post("/claim-batches", {"claim_ids": [claim["id"]]})
    done = tasks_of(practice, claim["id"])["rejected"]
    assert closed_by(done) == ("submitted", "submitted") and task["id"] not in open_list(practice)
    events = get(practice, f"/claims/{claim['id']}/events")["data"]
    assert events[done["closed_by_event"]["sequence"] - 1]["event"] == "submitted"
    again = get(practice, f"/claims/{claim['id']}")
    assert again["rejection"] is None and again["acknowledged_at"] is None  # this submission's 999 is to come


def test_a_missing_999_task_closes_when_the_999_comes(app, practice):
    claim, [(key_999, text_999), _] = submitted(practice)
    follow_up_when_due(practice, claim["id"])
    assert tasks_of(practice, claim["id"])["no_999"]["status"] == "open"
    deliver(app, key_999, text_999)
    assert closed_by(tasks_of(practice, claim["id"])["no_999"]) == ("acknowledged", "submitted")
    assert open_list(practice) == []


def test_a_missing_277ca_task_closes_when_the_payer_accepts_the_claim(app, practice):
    claim, [(key_999, text_999), (key_277ca, text_277ca)] = submitted(practice)
    deliver(app, key_999, text_999)
    follow_up_when_due(practice, claim["id"])
    assert tasks_of(practice, claim["id"])["no_277ca"]["status"] == "open"
    deliver(app, key_277ca, text_277ca)
    assert closed_by(tasks_of(practice, claim["id"])["no_277ca"]) == ("accepted", "accepted")


def test_a_filing_limit_task_stays_open_through_submission_and_closes_on_acceptance(app, practice, api):
    url = f"{practice.base}/payers/{practice.payer}"
    assert api.patch(url, {"timely_filing_days": 30}, key=practice.admin, headers={"If-Match": "1"})[0] == 200
    skip_numbers_to(practice, 1)
    claim = practice.claim(at=seen(20))  # its last day is in 10 days: the 14-day alert is due
    assert job.work(message(practice, date.today()), "m") == 1
    task = tasks_of(practice, claim["id"])["timely_filing"]
    assert task["priority"] == "urgent"

    [batch] = practice.post("/claim-batches", {"claim_ids": [claim["id"]]})["batches"]
    assert tasks_of(practice, claim["id"])["timely_filing"]["status"] == "open"  # sent is not yet accepted
    text = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read()
    for key, answer in sorted(sandbox_mailbox.answer(batch["file_key"], text.decode(), ANSWERED).items()):
        deliver(app, key, answer)
    assert closed_by(tasks_of(practice, claim["id"])["timely_filing"]) == ("accepted", "accepted")


def test_a_task_a_person_completed_first_keeps_their_note_when_the_cause_clears(app, practice, api):
    claim, [(key_999, text_999), _] = submitted(practice)
    follow_up_when_due(practice, claim["id"])
    task = tasks_of(practice, claim["id"])["no_999"]
    status, _, _ = api.post(f"{practice.base}/tasks/{task['id']}/complete", {"note": "Called the clearinghouse"},
                            key=practice.admin, headers={"If-Match": str(task["version"])})
    assert status == 200
    deliver(app, key_999, text_999)
    done = tasks_of(practice, claim["id"])["no_999"]
    assert done["note"] == "Called the clearinghouse" and done["closed_by_event"] is None
    assert get(practice, f"/claims/{claim['id']}")["acknowledged_at"]
