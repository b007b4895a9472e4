"""Work a crash cut in half finishes by itself: the recovery sweep completes a claim batch left `pending`, an
inbound file left `processing` and a status inquiry left `sending`, once, with nothing sent twice.

Each crash is injected between two steps by a collaborator the service takes (the mailbox, the status gateway,
the clock) raising where a killed Lambda would stop; what the user then sees is read through the API."""
from datetime import date, timedelta

import boto3
import pytest
from chalice.local import LambdaContext
from chalice.test import Client

from chalicelib.claims.items import ClaimItem
from chalicelib.clearinghouse import sandbox_mailbox
from chalicelib.clearinghouse.mailbox import S3Mailbox
from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.settings import get_settings
from chalicelib.db import keys, recovery
from chalicelib.edi.claim.reader import read_837
from chalicelib.jobs import recovery as sweeper
from chalicelib.submission import service as batches
from chalicelib.submission.models import BatchCreate
from chalicelib.tracking import inbox
from chalicelib.tracking import status_inquiry
from tests.api.test_claims import Practice
from tests.api.test_tracking import ANSWERED, deliver, skip_numbers_to
from tests.x12_validate import pyx12_errors


class Crash(Exception):
    """The invocation stops here, as a Lambda killed at this step would."""


class Mailbox(S3Mailbox):
    """The EDI bucket, keeping a list of what was written; `crash` = (method, key ending, "before" or "after"
    the write) stops the first such write once."""

    def __init__(self, crash: tuple[str, str, str] | None = None, broken: str | None = None) -> None:
        super().__init__(get_settings().edi_bucket)
        self.crash, self.broken, self.written = crash, broken, []

    def _write(self, method, key, text, put):
        if self.broken and key.endswith(self.broken):
            raise ConnectionError("the bucket is unreachable for this key")
        stop = self.crash is not None and self.crash[0] == method and key.endswith(self.crash[1])
        if stop and self.crash[2] == "before":
            self.crash = None
            raise Crash(method)
        put(key, text)
        self.written.append((method, key))
        if stop:
            self.crash = None
            raise Crash(method)

    def send(self, key, text):
        self._write("send", key, text, super().send)

    def archive(self, key, text):
        self._write("archive", key, text, super().archive)


class Payer(SandboxStatusPayer):
    """The sandbox status payer, counting the 276s it gets; `crash` loses its first answer on the way back."""

    def __init__(self, crash: bool = False) -> None:
        super().__init__()
        self.asked, self.crash = 0, crash

    def inquire(self, request_276_text):
        self.asked += 1
        answer = super().inquire(request_276_text)
        if self.crash:
            self.crash = False
            raise Crash("the connection dropped with the answer on its way")
        return answer


def seen(days_ago: int) -> str:
    return f"{(date.today() - timedelta(days=days_ago)).isoformat()}T09:00:00-06:00"


def later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def scope_of(practice) -> PracticeScope:
    return PracticeScope(practice.id, Principal("01J0RECOVERYTESTKEY0000000", practice.firm_id, "biller", None))


def get(practice, path):
    status, body, _ = practice.api.get(practice.base + path, key=practice.admin)
    assert status == 200, body
    return body


def versions(key):
    listed = boto3.client("s3").list_object_versions(Bucket=get_settings().edi_bucket, Prefix=key)
    return [v for v in listed.get("Versions", []) if v["Key"] == key]


def crashed_submission(practice, mailbox, *, minutes_ago=0):
    claims = [practice.claim(at=seen(3)), practice.claim(at=seen(2))]
    started = utcnow() - timedelta(minutes=minutes_ago)
    with pytest.raises(Crash):
        batches.submit(scope_of(practice), BatchCreate(claim_ids=[c["id"] for c in claims]), mailbox=mailbox,
                       clock=lambda: started)
    [batch] = get(practice, "/claim-batches")["data"]
    return claims, batch


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_batch_cut_short_around_its_837_is_sent_once_by_the_sweep(practice, when):
    claims, batch = crashed_submission(practice, Mailbox(crash=("send", ".837", when)))
    assert batch["status"] == "pending"
    assert {get(practice, f"/claims/{c['id']}")["status"] for c in claims} == {"submitted"}
    assert len(versions(batch["file_key"])) == (1 if when == "after" else 0)

    mailbox = Mailbox()
    sweeper.sweep(now=later(batches.GRACE.seconds // 60 + 1), mailbox=mailbox)

    done = get(practice, f"/claim-batches/{batch['id']}")
    assert done["status"] == "sent" and done["recovered_at"] and done["recovery_error"] is None
    assert done["claim_ids"] == [c["id"] for c in claims]
    [stored] = versions(batch["file_key"])  # one 837 in the outbox, written once
    assert done["file_bytes"] == stored["Size"]
    text = boto3.client("s3").get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read()
    assert sorted(c.patient_control_number for c in read_837(text.decode())) == sorted(
        c["patient_control_number"] for c in claims)
    assert pyx12_errors(text.decode()) == []
    assert mailbox.written == ([] if when == "after" else [("send", batch["file_key"])])


class LostOutbox(Mailbox):
    """An outbox that no longer has the file (as if its object were gone): the sweep writes the 837 again."""

    def size(self, key):
        return None


def test_a_batch_recovered_from_its_claims_writes_the_very_bytes_of_its_first_837(practice):
    claims, batch = crashed_submission(practice, Mailbox(crash=("send", ".837", "after")))
    bucket = boto3.client("s3")
    first = bucket.get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read()
    # One claim as stored before claims kept their 837 segments: it is rendered again from its document.
    item = ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(claims[0]["id"]))
    item.update(actions=[ClaimItem.segments.remove()])

    sweeper.sweep(now=later(batches.GRACE.seconds // 60 + 1), mailbox=LostOutbox())

    assert get(practice, f"/claim-batches/{batch['id']}")["status"] == "sent"
    written = versions(batch["file_key"])
    [latest] = [v for v in written if v["IsLatest"]]
    assert len(written) == 2  # the first 837, then the sweep's
    again = bucket.get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"],
                              VersionId=latest["VersionId"])["Body"].read()
    assert again == first


def test_a_sweep_leaves_a_batch_alone_while_its_request_may_still_run_and_finishes_it_once(practice):
    _, batch = crashed_submission(practice, Mailbox(crash=("send", ".837", "before")))
    mailbox = Mailbox()
    sweeper.sweep(now=later(1), mailbox=mailbox)
    assert get(practice, f"/claim-batches/{batch['id']}")["status"] == "pending" and mailbox.written == []

    sweeper.sweep(now=later(10), mailbox=mailbox)
    sweeper.sweep(now=later(20), mailbox=mailbox)
    assert get(practice, f"/claim-batches/{batch['id']}")["status"] == "sent"
    assert mailbox.written == [("send", batch["file_key"])]


def test_the_scheduled_sweep_finishes_a_batch_pending_past_its_grace(app, practice):
    _, batch = crashed_submission(practice, Mailbox(crash=("send", ".837", "before")), minutes_ago=10)
    with Client(app) as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
    # As Lambda runs it: a minute to go (the test client's own context gives any handler 3 s).
    app.handler_map["recovery_sweep"](event, LambdaContext("recovery_sweep", 128, max_runtime_ms=60_000))
    assert get(practice, f"/claim-batches/{batch['id']}")["status"] == "sent"
    assert len(versions(batch["file_key"])) == 1


def test_each_item_is_swept_on_its_own_and_given_up_with_its_reason(world, api):
    first, second = Practice(world, api), Practice(world, api)
    _, stuck = crashed_submission(first, Mailbox(crash=("send", ".837", "before")))
    _, fine = crashed_submission(second, Mailbox(crash=("send", ".837", "before")))
    broken = Mailbox(broken=stuck["file_key"])

    sweeper.sweep(now=later(6), mailbox=broken)
    assert get(second, f"/claim-batches/{fine['id']}")["status"] == "sent"
    failing = get(first, f"/claim-batches/{stuck['id']}")
    assert failing["status"] == "pending" and failing["recovery_error"] == "ConnectionError"

    for attempt in range(2, recovery.MAX_ATTEMPTS + 2):
        sweeper.sweep(now=later(6 * attempt), mailbox=broken)
    given_up = get(first, f"/claim-batches/{stuck['id']}")
    assert given_up["status"] == "pending" and given_up["recovery_error"].startswith("given up after 5 attempts")
    sweeper.sweep(now=later(120), mailbox=Mailbox())  # out of the index: left for a person
    assert get(first, f"/claim-batches/{stuck['id']}")["status"] == "pending" and versions(stuck["file_key"]) == []


def submitted_claim(practice):
    """A claim at the payer whose number ends in 1: the sandbox's 277CA accepts it and its 277 says pending."""
    skip_numbers_to(practice, 1)
    ready = practice.claim(at=seen(2))
    [batch] = practice.post("/claim-batches", {"claim_ids": [ready["id"]]})["batches"]
    return ready, batch


def inquiries(practice, claim_id):
    return get(practice, f"/claims/{claim_id}/status-inquiries")["data"]


@pytest.mark.parametrize("crash, payer_crash, asked, answered", [
    (("archive", "276.x12", "before"), False, 1, True),  # died before the 276 went out: the sweep sends it
    (("archive", "277.x12", "after"), False, 1, True),   # died with the 277 kept: the sweep reads it
    (None, True, 1, False),                              # died waiting for the answer: never sent again
])
def test_a_status_inquiry_cut_short_is_settled_by_the_sweep_with_one_276(practice, api, crash, payer_crash,
                                                                          asked, answered):
    claim, _ = submitted_claim(practice)
    payer = Payer(crash=payer_crash)
    with pytest.raises(Crash):
        status_inquiry.inquire(scope_of(practice), claim["id"], gateway=payer, mailbox=Mailbox(crash=crash))
    [stuck] = inquiries(practice, claim["id"])
    assert stuck["status"] == "sending"

    sweeper.sweep(now=later(6), mailbox=Mailbox(), gateway=payer)
    sweeper.sweep(now=later(20), mailbox=Mailbox(), gateway=payer)

    [settled] = inquiries(practice, claim["id"])
    assert payer.asked == asked and settled["recovered_at"]
    assert settled["status"] == ("answered" if answered else "error")
    got = get(practice, f"/claims/{claim['id']}")
    if answered:
        assert settled["answers"][0]["categories"] == ["P1"] and got["last_status"]["categories"] == ["P1"]
    else:
        assert "not sent again" in settled["error"] and got["last_status"] is None


def test_an_inbound_file_whose_invocations_died_is_applied_once_by_the_sweep(app, practice):
    claim, batch = submitted_claim(practice)
    bucket = get_settings().edi_bucket
    text = boto3.client("s3").get_object(Bucket=bucket, Key=batch["file_key"])["Body"].read().decode()
    [(key, body)] = [(k, v) for k, v in sandbox_mailbox.answer(batch["file_key"], text, ANSWERED).items()
                     if k.endswith(".277ca")]
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())
    readings = []

    def killed_once_recorded():
        readings.append(1)
        if len(readings) > 1:
            raise Crash("the invocation died after recording the file")
        return utcnow()

    with pytest.raises(Crash):
        inbox.ingest(key, body.encode(), clock=killed_once_recorded)
    status, stuck, _ = practice.api.get("/edi-files?status=processing", key=practice.admin)
    [record] = [f for f in stuck["data"] if f["name"] == key.rsplit("/", 1)[-1]]

    sweeper.sweep(now=later(inbox.GRACE.seconds // 60 + 1), mailbox=Mailbox())
    deliver(app, key, body)  # a late delivery of the same file changes nothing

    status, firm, _ = practice.api.get("/edi-files?status=processed&limit=100", key=practice.admin)
    [done] = [f for f in firm["data"] if f["id"] == record["id"]]
    assert done["recovered_at"] and done["claim_count"] == 1
    events = get(practice, f"/claims/{claim['id']}/events")["data"]
    assert [e["event"] for e in events].count("accepted") == 1
    assert get(practice, f"/claims/{claim['id']}")["status"] == "accepted"
    assert [f["id"] for f in get(practice, "/edi-files")["data"]] == [record["id"]]


def test_an_inbound_file_gone_from_the_bucket_is_given_up_at_once_and_a_rerun_says_why(practice):
    key = f"inbox/{practice.firm_id}/vanished.999"
    record = inbox._start(practice.firm_id, key, b"ISA*00*vanished~", iso(utcnow()))
    sweeper.sweep(now=later(inbox.GRACE.seconds // 60 + 1), mailbox=Mailbox())
    status, stuck, _ = practice.api.get("/edi-files?status=processing&limit=100", key=practice.admin)
    [left] = [f for f in stuck["data"] if f["id"] == record.id]
    assert left["recovery_error"] == "Unrecoverable: the file is no longer in the bucket"
    sweeper.sweep(now=later(120), mailbox=Mailbox())
    status, again, _ = practice.api.get("/edi-files?status=processing&limit=100", key=practice.admin)
    assert [f["recovery_error"] for f in again["data"] if f["id"] == record.id] == [left["recovery_error"]]
    status, problem, _ = practice.api.post(f"/edi-files/{record.id}/reprocess", {}, key=practice.admin)
    assert status == 409 and "no longer in the bucket" in problem["detail"]
