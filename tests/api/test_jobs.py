"""The daily eligibility job: one message per practice, one 270 per insured scheduled visit and day."""
import json
from datetime import date

import boto3
import pytest
from chalice.test import Client

from chalicelib.jobs import eligibility as job

PATIENT = {"first_name": "Kai", "last_name": "Moreno", "birth_date": "1990-05-05", "sex": "U",
           "address": {"line1": "3 Bay Rd", "city": "Springfield", "state": "IL", "zip": "62704"}}
DAY = "2026-12-08"


@pytest.fixture
def clinic(world, api):
    firm_id, admin = world.firm()
    pid = world.practice(admin)
    base = f"/practices/{pid}"
    payer = api.post(f"{base}/payers", {"name": "Aetna", "payer_id": "60054"}, key=admin)[1]["id"]
    provider = api.post(f"{base}/providers", {"entity_type": "individual", "npi": "1679576722", "first_name": "Sam",
                                              "last_name": "Lee", "taxonomy_code": "207Q00000X",
                                              "roles": ["rendering"]}, key=admin)[1]["id"]

    def visit(first_name, member_id=None, at=f"{DAY}T09:00:00-06:00"):
        patient = api.post(f"{base}/patients", {**PATIENT, "first_name": first_name}, key=admin)[1]["id"]
        if member_id:
            api.post(f"{base}/patients/{patient}/coverages", {"payer_id": payer, "member_id": member_id,
                                                              "effective_from": "2026-01-01"}, key=admin)
        return api.post(f"{base}/visits", {"patient_id": patient, "provider_id": provider, "scheduled_at": at},
                        key=admin)[1]

    return {"firm": firm_id, "pid": pid, "key": admin, "base": base, "visit": visit}


def message(clinic):
    return {"job": "eligibility", "practice_id": clinic["pid"], "firm_id": clinic["firm"], "day": DAY}


@pytest.mark.parametrize("today, expected", [("2026-12-07", "2026-12-08"), ("2026-12-11", "2026-12-14"),
                                             ("2026-12-12", "2026-12-14"), ("2026-12-13", "2026-12-14")])
def test_the_next_business_day_skips_the_weekend(today, expected):
    assert job.next_business_day(date.fromisoformat(today)).isoformat() == expected


def test_dispatch_sends_one_message_per_practice_for_the_next_business_day(api, clinic, world):
    other = world.practice(clinic["key"])
    sent = []
    job.dispatch(sent.extend, today=date(2026, 12, 11))
    mine = [m for m in sent if m["practice_id"] in {clinic["pid"], other}]
    assert len(mine) == 2 and {m["day"] for m in mine} == {"2026-12-14"} and len(sent) == len({
        m["practice_id"] for m in sent})


def test_the_worker_checks_insured_scheduled_visits_once_however_often_it_is_told(api, clinic):
    insured = clinic["visit"]("Ines", "ACT777")
    clinic["visit"]("Sol")  # self-pay: nothing to verify
    cancelled = clinic["visit"]("Cy", "ACT778")
    api.post(f"{clinic['base']}/visits/{cancelled['id']}/cancel", {"version": 1}, key=clinic["key"])
    assert job.work(message(clinic), "m-1") == 1
    assert job.work(message(clinic), "m-1-redelivered") == 0
    visit = api.get(f"{clinic['base']}/visits/{insured['id']}", key=clinic["key"])[1]
    assert visit["expected_copay_cents"] == 2500 and visit["eligibility_check_id"]
    checks = api.get(f"{clinic['base']}/patients/{insured['patient_id']}/eligibility-checks",
                     key=clinic["key"])[1]["data"]
    assert len(checks) == 1 and checks[0]["service_date"] == DAY


def test_a_job_check_is_audited_as_the_job(api, clinic):
    clinic["visit"]("Ada", "ACT779")
    job.work(message(clinic), "m-2")
    trail = api.get(f"/practices/{clinic['pid']}/audit", key=clinic["key"])[1]["data"]
    assert any(r["actor_key_id"] == "job:eligibility" and r["request_id"] == "m-2" for r in trail)


def test_the_queue_trigger_runs_the_worker_on_an_sqs_message(app, api, clinic):
    insured = clinic["visit"]("Bea", "ACT780")
    with Client(app) as client:
        event = client.events.generate_sqs_event(message_bodies=[json.dumps(message(clinic))],
                                                 queue_name="revcycle-jobs")
        client.lambda_.invoke("jobs_worker", event)
    visit = api.get(f"{clinic['base']}/visits/{insured['id']}", key=clinic["key"])[1]
    assert visit["eligibility_check_id"]


def test_the_scheduled_dispatch_puts_messages_on_the_jobs_queue(app, clinic):
    with Client(app) as client:
        client.lambda_.invoke("eligibility_dispatch", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="revcycle-jobs")["QueueUrl"]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(batch)])
    assert clinic["pid"] in {b["practice_id"] for b in bodies}
