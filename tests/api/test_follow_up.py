"""The claim follow-up job and status inquiries: due claims found by index, each acted on once."""
from datetime import date, timedelta

import boto3
import pytest

from chalicelib.claims.items import ClaimItem
from chalicelib.core.settings import get_settings
from chalicelib.db import keys
from chalicelib.jobs import follow_up as job
from chalicelib.jobs.per_item import Tally
from tests.api.test_claims import Practice
from tests.api.test_tracking import answer_batches, skip_numbers_to, submit_all
from tests.dates import at_desk, days_ago, today


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def message(practice, day):
    return {"job": job.JOB, "practice_id": practice.id, "firm_id": practice.firm_id, "day": day.isoformat()}


def claim(practice, api, claim_id):
    return api.get(f"{practice.base}/claims/{claim_id}", key=practice.admin)[1]


def tasks_of(practice, api, claim_id):
    status, body, _ = api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)
    assert status == 200, body
    return body["data"]


def inquiries_of(practice, api, claim_id):
    status, body, _ = api.get(f"{practice.base}/claims/{claim_id}/status-inquiries", key=practice.admin)
    assert status == 200, body
    return body["data"]


def test_a_submitted_claim_is_due_two_days_later_for_its_999(practice, api):
    ready = practice.claim()
    submit_all(practice)
    got = claim(practice, api, ready["id"])
    submitted = date.fromisoformat(got["submitted_at"][:10])
    assert (got["follow_up_reason"], got["follow_up_on"]) == ("no_999", (submitted + timedelta(days=2)).isoformat())


def test_an_overdue_claim_gets_one_status_inquiry_and_one_task_however_often_the_job_runs(app, practice, api):
    ready = practice.claim()
    submit_all(practice)
    due = date.fromisoformat(claim(practice, api, ready["id"])["follow_up_on"])

    assert job.work(message(practice, due - timedelta(days=1)), "m0") == 0  # not due yet
    assert job.work(message(practice, due), "m1") == 1
    assert job.work(message(practice, due), "m1") == 0  # delivered twice: the claim has moved on

    got = claim(practice, api, ready["id"])
    assert got["follow_up_on"] == (due + timedelta(days=14)).isoformat() and got["follow_up_reason"] == "no_999"
    assert got["last_status"]["categories"] == ["P1"]
    inquiries = api.get(f"{practice.base}/claims/{ready['id']}/status-inquiries", key=practice.admin)[1]["data"]
    assert len(inquiries) == 1 and inquiries[0]["status"] == "answered" and inquiries[0]["reason"] == "no_999"
    assert [(t["reason"], t["priority"]) for t in tasks_of(practice, api, ready["id"])] == [("no_999", "normal")]


def test_a_second_worker_holding_the_claim_as_it_was_sends_no_second_inquiry_nor_task(app, practice, api):
    ready = practice.claim()
    submit_all(practice)
    read = lambda: ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(ready["id"]))  # noqa: E731
    first, before_the_move = read(), read()
    due = date.fromisoformat(first.follow_up_on)
    tally = Tally(job.JOB, practice.id)
    job.act([first], due, tally)
    # A redelivered message's worker read the claim before the first one saved its move: its inquiry's record
    # exists (no 276 goes out) and its move is refused (stale version): nothing is done twice, nothing fails.
    job.act([before_the_move], due, tally)
    assert (tally.tried, tally.done, tally.failed) == (2, 1, 0)
    assert len(inquiries_of(practice, api, ready["id"])) == 1 and len(tasks_of(practice, api, ready["id"])) == 1


def test_a_claim_near_its_filing_limit_gets_an_urgent_task(app, practice, api):
    coding = {"diagnoses": ["I10"], "lines": [{"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 9000}]}
    # Seen 360 days ago with a 365-day limit: the last day is in 5 days, the alert came 14 days before it.
    seen = days_ago(360)
    old = practice.claim(at=at_desk(seen), coding=coding)
    alert = seen + timedelta(days=365 - 14)
    assert old["follow_up_reason"] == "timely_filing" and old["follow_up_on"] == alert.isoformat()
    assert job.work(message(practice, today()), "m") == 1
    assert [(t["reason"], t["priority"]) for t in tasks_of(practice, api, old["id"])] == [("timely_filing", "urgent")]
    recheck = today() + timedelta(days=get_settings().follow_up_recheck_days)
    assert claim(practice, api, old["id"])["follow_up_on"] == recheck.isoformat()


def test_a_rejected_claim_gets_a_billing_task_when_the_rejection_arrives(app, practice, api):
    skip_numbers_to(practice, 9)
    rejected = practice.claim()
    answer_batches(app, submit_all(practice))
    assert claim(practice, api, rejected["id"])["status"] == "rejected"
    [task] = tasks_of(practice, api, rejected["id"])
    assert (task["reason"], task["queue"], task["priority"], task["status"]) == ("rejected", "billing", "high", "open")
    assert "member" in (task["detail"] or "").lower()


def test_a_biller_asks_the_payer_for_a_claim_status(app, practice, api):
    skip_numbers_to(practice, 6)
    paid = practice.claim()
    answer_batches(app, submit_all(practice))
    status, inquiry, _ = api.post(f"{practice.base}/claims/{paid['id']}/status-inquiries", {}, key=practice.admin)
    assert status == 201, inquiry
    [answer] = inquiry["answers"]
    assert answer["categories"] == ["F1"] and answer["paid_cents"] == paid["total_charge_cents"]
    prefix = f"claim-status/{practice.id}/{paid['id']}/{inquiry['id']}/"
    kept = boto3.client("s3").list_objects_v2(Bucket=get_settings().edi_bucket, Prefix=prefix)["Contents"]
    assert sorted(item["Key"].removeprefix(prefix) for item in kept) == ["276.x12", "277.x12"]
    got = claim(practice, api, paid["id"])
    assert got["status"] == "accepted" and got["last_status"]["paid_cents"] == paid["total_charge_cents"]
    events = api.get(f"{practice.base}/claims/{paid['id']}/events", key=practice.admin)[1]["data"]
    assert events[-1]["event"] == "status" and events[-1]["detail"]["categories"] == ["F1"]


def test_a_claim_not_at_the_payer_has_no_status_to_ask(practice, api):
    ready = practice.claim()
    status, body, _ = api.post(f"{practice.base}/claims/{ready['id']}/status-inquiries", {}, key=practice.admin)
    assert status == 409 and body["status"] == 409


def test_the_dispatcher_sends_one_message_per_practice(practice):
    sent = []
    assert job.dispatch(sent.extend, today=date(2026, 11, 23)) == len(sent)
    assert {"job": job.JOB, "practice_id": practice.id, "firm_id": practice.firm_id, "day": "2026-11-23"} in sent


def test_operators_run_the_job_on_demand_and_firm_keys_cannot(api, practice):
    from tests.api.conftest import ROOT_KEY

    status, body, _ = api.post("/admin/jobs/claim-follow-up/run", {}, key=ROOT_KEY)
    assert status == 202 and body["messages"] >= 1
    assert api.post("/admin/jobs/claim-follow-up/run", {}, key=practice.admin)[0] == 403


def test_a_practice_with_more_due_than_one_message_takes_goes_on_in_one_continuation(app, practice, api):
    made = [practice.claim(at=at_desk(days_ago(days))) for days in (10, 9, 8)]
    submit_all(practice)
    due = max(date.fromisoformat(claim(practice, api, c["id"])["follow_up_on"]) for c in made)
    sent = []
    # Asked before the batch, then before each claim's 276: the invocation runs short of time at the third.
    left = iter([100.0, 100.0, 100.0, 5.0])
    assert job.work(message(practice, due), "m", seconds_left=lambda: next(left), send_all=sent.extend) == 2
    assert sent == [{**message(practice, due), "part": 2}]
    [waiting] = [c for c in made if claim(practice, api, c["id"])["follow_up_on"] == due.isoformat()]
    assert inquiries_of(practice, api, waiting["id"]) == []  # its record taken back: nothing went out
    assert job.work(message(practice, due), "m", seconds_left=lambda: 5.0, send_all=sent.extend) == 0
    assert len(sent) == 1  # the same part again: its continuation was sent already
    assert job.work(sent[0], "m2", send_all=sent.extend) == 1 and len(sent) == 1
    assert [len(inquiries_of(practice, api, c["id"])) for c in made] == [1, 1, 1]
