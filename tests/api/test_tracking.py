"""The tracking loop through the API: 837 out, the sandbox clearinghouse's 999 and 277CA into the firm's inbox,
claims acknowledged, accepted or rejected, every file recorded once."""
from datetime import date, datetime, timedelta, timezone

import boto3
import pytest
from chalice.test import Client

from chalicelib.clearinghouse import sandbox_mailbox
from chalicelib.core.settings import get_settings
from chalicelib.db import counters, keys
from tests.api.test_claims import CODING, Practice
from tests.unit.edi.samples import read_sample, sample_params
from tests.dates import at_desk, days_ago

ANSWERED = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def s3():
    return boto3.client("s3")


def deliver(app, key, body):
    """Put a file in the inbox and hand the handler the event EventBridge would."""
    bucket = get_settings().edi_bucket
    s3().put_object(Bucket=bucket, Key=key, Body=body.encode() if isinstance(body, str) else body)
    with Client(app) as client:
        event = client.events.generate_cw_event(
            source="aws.s3", detail_type="Object Created", resources=[f"arn:aws:s3:::{bucket}"],
            detail={"bucket": {"name": bucket}, "object": {"key": key, "size": len(body)}})
        client.lambda_.invoke("edi_inbox", event)


def sandbox_answers(batch):
    """The sandbox clearinghouse's answers to one batch's 837 in the outbox: inbox key -> text."""
    text = s3().get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read().decode()
    return sandbox_mailbox.answer(batch["file_key"], text, ANSWERED)


def answer_batches(app, submission, only=""):
    """The sandbox clearinghouse answers each 837 of the submission; the answers (those whose name ends in `only`,
    when given) are delivered in order."""
    delivered = []
    for batch in submission["batches"]:
        for key, answer in sorted(sandbox_answers(batch).items()):
            if key.endswith(only):
                deliver(app, key, answer)
                delivered.append(key)
    return delivered


def skip_numbers_to(practice, last_digit):
    """Move the firm's claim-number counter so the next claim's number ends in `last_digit`."""
    pk = keys.firm_pk(practice.firm_id)
    while (counters.next_value(pk, "claim-pcn") + 1) % 10 != last_digit:
        pass


def claim(practice, api, claim_id):
    return api.get(f"{practice.base}/claims/{claim_id}", key=practice.admin)[1]


def submit_all(practice):
    return practice.post("/claim-batches", {"all_ready": True})


def test_the_sandbox_answers_accept_one_claim_and_reject_two_with_reasons(app, practice, api):
    accepted = practice.claim()
    skip_numbers_to(practice, 8)
    missing_information = practice.claim(at=at_desk(days_ago(9)))
    member_id_invalid = practice.claim(at=at_desk(days_ago(8)))
    assert member_id_invalid["patient_control_number"].endswith("9")
    answer_batches(app, submit_all(practice))

    got = claim(practice, api, accepted["id"])
    assert got["status"] == "accepted" and got["payer_claim_control_number"] == "SBX" + got["patient_control_number"]
    assert got["acknowledged_at"] and got["accepted_at"] and got["rejection"] is None
    payment_due = date.fromisoformat(got["accepted_at"][:10]) + timedelta(days=get_settings().expected_payment_days)
    assert got["follow_up_reason"] == "no_payment" and got["follow_up_on"] == payment_due.isoformat()
    events = api.get(f"{practice.base}/claims/{accepted['id']}/events", key=practice.admin)[1]["data"]
    assert [(e["event"], e["to_status"]) for e in events] == [
        ("built", "ready"), ("submitted", "submitted"), ("acknowledged", "submitted"), ("accepted", "accepted")]
    for rejected, words in ((missing_information, "missing"), (member_id_invalid, "member")):
        got = claim(practice, api, rejected["id"])
        assert got["status"] == "rejected" and got["rejection"]["source"] == "277CA"
        assert any(words in m.lower() for m in got["rejection"]["messages"]), got["rejection"]
        assert got["follow_up_reason"] == "timely_filing"


def test_a_999_that_rejects_the_set_rejects_its_claims_and_no_277ca_comes(app, practice, api):
    coding = {**CODING, "lines": [{"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 99999}]}
    rejected = practice.claim(coding=coding)
    assert rejected["total_charge_cents"] == 99999
    delivered = answer_batches(app, submit_all(practice))
    assert [k.rsplit(".", 1)[-1] for k in delivered] == ["999"]
    got = claim(practice, api, rejected["id"])
    assert got["status"] == "rejected" and got["rejection"]["source"] == "999"
    assert any("CLM" in m for m in got["rejection"]["messages"])
    batch = api.get(f"{practice.base}/claim-batches/{got['batch_id']}", key=practice.admin)[1]
    assert batch["status"] == "sent"


def test_a_file_delivered_twice_or_under_another_name_changes_nothing(app, practice, api):
    first = practice.claim()
    delivered = answer_batches(app, submit_all(practice))
    before = api.get(f"{practice.base}/claims/{first['id']}/events", key=practice.admin)[1]["data"]
    body = s3().get_object(Bucket=get_settings().edi_bucket, Key=delivered[-1])["Body"].read()
    deliver(app, delivered[-1], body)
    deliver(app, delivered[-1].replace(".277ca", "-again.277ca"), body)
    after = api.get(f"{practice.base}/claims/{first['id']}/events", key=practice.admin)[1]["data"]
    assert after == before
    files = api.get(f"{practice.base}/edi-files", key=practice.admin)[1]["data"]
    assert sorted((f["kind"], f["set_count"]) for f in files) == [("277CA", 1), ("999", 1)]
    assert all(f["claims"] for f in files)


def test_an_unreadable_file_is_kept_as_failed_and_applies_nothing(app, practice, api):
    ready = practice.claim()
    submit_all(practice)
    number = ready["patient_control_number"]
    deliver(app, f"inbox/{practice.firm_id}/broken.277", f"ISA*00*broken~TRN*2*{number}~")
    got = claim(practice, api, ready["id"])
    assert got["status"] == "submitted" and got["acknowledged_at"] is None
    failed = api.get(f"{practice.base}/edi-files?status=failed", key=practice.admin)[1]["data"]
    assert len(failed) == 1 and failed[0]["reason"] and failed[0]["name"] == "broken.277"
    assert number not in failed[0]["reason"]
    firm = api.get("/edi-files?status=failed", key=practice.admin)[1]["data"]
    assert [f["id"] for f in firm] == [failed[0]["id"]] and firm[0]["practice_ids"] == [practice.id]


def test_a_file_outside_a_firm_folder_is_left_alone(app, practice, api):
    deliver(app, "inbox/stray.999", "ISA*00*")
    deliver(app, "inbox/01ZZZZZZZZZZZZZZZZZZZZZZZZ/stray.999", "ISA*00*")
    assert api.get("/edi-files?status=failed", key=practice.admin)[1]["data"] == []


def test_a_practice_limited_key_cannot_list_the_firm_files(practice, api, world):
    limited = world.key(practice.admin, "biller", [practice.id])
    status, body, _ = api.get("/edi-files", key=limited)
    assert status == 403 and body["status"] == 403


@pytest.mark.parametrize("path", sample_params("999") + sample_params("277"))
def test_third_party_acknowledgments_are_read_and_touch_no_claim_of_ours(app, practice, api, path):
    deliver(app, f"inbox/{practice.firm_id}/{path.name}", read_sample(path).encode("utf-8"))
    firm = api.get("/edi-files?status=processed&limit=100", key=practice.admin)[1]["data"]
    assert [(f["claim_count"], f["practice_ids"]) for f in firm] == [(0, [])], firm
    assert api.get("/edi-files?status=failed", key=practice.admin)[1]["data"] == []


def test_a_file_whose_invocation_died_is_run_again_from_the_bucket(app, practice, api):
    from chalicelib.tracking import inbox

    accepted = practice.claim()
    submission = submit_all(practice)
    bucket = get_settings().edi_bucket
    text = s3().get_object(Bucket=bucket, Key=submission["batches"][0]["file_key"])["Body"].read().decode()
    [(key, body)] = [(k, v) for k, v in sandbox_mailbox.answer(submission["batches"][0]["file_key"], text,
                                                               ANSWERED).items() if k.endswith(".277ca")]
    s3().put_object(Bucket=bucket, Key=key, Body=body.encode())
    # Claimed by an invocation that then died, and by its retries: EventBridge gives up after two.
    stuck = inbox._start(practice.firm_id, key, body.encode(), "2026-11-23T15:00:00Z")
    firm = api.get("/edi-files?status=processing", key=practice.admin)[1]["data"]
    assert [f["id"] for f in firm] == [stuck.id]

    status, done, _ = api.post(f"/edi-files/{stuck.id}/reprocess", {}, key=practice.admin)
    assert status == 200 and done["status"] == "processed" and done["claim_count"] == 1, done
    assert claim(practice, api, accepted["id"])["status"] == "accepted"
    assert api.post(f"/edi-files/{stuck.id}/reprocess", {}, key=practice.admin)[0] == 409


def test_a_failed_file_run_again_fails_again_with_its_reason_and_only_full_keys_may(app, practice, api, world):
    practice.claim()
    submit_all(practice)
    deliver(app, f"inbox/{practice.firm_id}/garbage.999", "not x12 at all")
    [failed] = api.get("/edi-files?status=failed", key=practice.admin)[1]["data"]
    status, again, _ = api.post(f"/edi-files/{failed['id']}/reprocess", {}, key=practice.admin)
    assert status == 200 and again["status"] == "failed" and again["reason"] == failed["reason"]
    limited = world.key(practice.admin, "biller", [practice.id])
    assert api.post(f"/edi-files/{failed['id']}/reprocess", {}, key=limited)[0] == 403


def test_a_retried_invocation_completes_a_file_its_first_try_left_processing(app, practice, api):
    from chalicelib.tracking import inbox

    accepted = practice.claim()
    submission = submit_all(practice)
    bucket, outbox_key = get_settings().edi_bucket, submission["batches"][0]["file_key"]
    text = s3().get_object(Bucket=bucket, Key=outbox_key)["Body"].read().decode()
    for key, body in sorted(sandbox_mailbox.answer(outbox_key, text, ANSWERED).items()):
        inbox._start(practice.firm_id, key, body.encode(), "2026-11-23T15:00:00Z")  # the first try died here
        deliver(app, key, body)  # EventBridge's retry
    assert claim(practice, api, accepted["id"])["status"] == "accepted"
    assert api.get("/edi-files?status=processing", key=practice.admin)[1]["data"] == []


def test_bad_input_on_the_tracking_routes_is_a_problem_and_writes_nothing(app, practice, api):
    from tests.api.conftest import ROOT_KEY
    from tests.api.helpers import changed_since, table_mark

    ready = practice.claim()
    mark = table_mark()
    for status, body, _ in (
            api.get(f"{practice.base}/edi-files?status=bogus", key=practice.admin),
            api.get("/edi-files?status=bogus", key=practice.admin),
            api.post(f"{practice.base}/claims/{ready['id']}/status-inquiries", {"urgent": True}, key=practice.admin),
            api.post("/edi-files/01ZZZZZZZZZZZZZZZZZZZZZZZZ/reprocess", {"now": 1}, key=practice.admin),
            api.post("/admin/jobs/claim-follow-up/run", {"day": "tomorrow"}, key=ROOT_KEY)):
        assert status == 422 and body["status"] == 422 and body["errors"], body
    assert api.post("/edi-files/01ZZZZZZZZZZZZZZZZZZZZZZZZ/reprocess", {}, key=practice.admin)[0] == 404
    assert changed_since(mark) == {}


def test_another_firm_neither_sees_nor_reruns_this_firm_files(app, practice, api, world):
    deliver(app, f"inbox/{practice.firm_id}/garbage.999", "not x12 at all")
    [failed] = api.get("/edi-files?status=failed", key=practice.admin)[1]["data"]
    _, other = world.firm("Other Billing")
    assert api.get("/edi-files?status=failed", key=other)[1]["data"] == []
    assert api.post(f"/edi-files/{failed['id']}/reprocess", {}, key=other)[0] == 404
