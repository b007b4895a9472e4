"""The follow-up job acts on its due claims together: a few table calls for all of them, the 276s and their
S3 copies side by side, and each claim still on its own (a claim changed meanwhile, a crash mid-batch)."""
from datetime import date, timedelta

import pytest

from chalicelib.claims.items import ClaimItem
from chalicelib.clearinghouse import get_status_gateway
from chalicelib.clearinghouse.mailbox import get_mailbox
from chalicelib.core.clock import now_iso, utcnow
from chalicelib.core.settings import get_settings
from chalicelib.db import keys
from chalicelib.jobs import follow_up as job
from chalicelib.jobs import recovery
from chalicelib.tracking import status_batch
from tests.api.test_claims import Practice
from tests.api.test_follow_up import claim, inquiries_of, message, tasks_of
from tests.api.test_tracking import submit_all
from tests.aws_calls import counting
from tests.dates import at_desk, days_ago


class Gateway:
    """The sandbox status payer, counting the 276s it is sent; `meanwhile` runs before it answers one."""

    def __init__(self, meanwhile=lambda text: None):
        self.real, self.meanwhile, self.sent = get_status_gateway(), meanwhile, []

    def inquire(self, text):
        self.sent.append(text)
        self.meanwhile(text)
        return self.real.inquire(text)


@pytest.fixture
def billed(world, api):
    """Four claims submitted together, due for their 999 on the same day."""
    practice = Practice(world, api)
    made = [practice.claim(at=at_desk(days_ago(days))) for days in (12, 11, 10, 9)]
    submit_all(practice)
    items = [ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(c["id"])) for c in made]
    assert len({item.follow_up_on for item in items}) == 1
    return practice, items, date.fromisoformat(items[0].follow_up_on)


def test_four_due_claims_take_five_table_calls_and_their_eight_documents_are_kept(billed):
    practice, items, due = billed
    with counting() as calls:
        assert job.work(message(practice, due), "m") == 4
    # One Query of the due index, one BatchGetItem of the claims, one UpdateItem for the four 276s' control
    # numbers, one transaction putting the four inquiries, one saving the claims with their events, tasks and
    # answers: against 24 calls one claim after another.
    assert calls.of("dynamodb") == {"Query": 1, "BatchGetItem": 1, "UpdateItem": 1, "TransactWriteItems": 2}
    assert calls.of("s3") == {"PutObject": 8}  # each claim's 276 and 277


def test_a_claim_changed_while_its_276_was_out_keeps_the_answer_on_its_inquiry_and_the_others_move(billed, api):
    practice, items, due = billed
    edited = items[1]

    def biller_edits(text):
        if f"REF*EJ*{edited.patient_control_number}~" in text:
            ClaimItem.get(edited.pk, edited.sk).update(actions=[ClaimItem.updated_at.set(now_iso())])

    assert job.work(message(practice, due), "m", gateway=Gateway(biller_edits)) == 3
    assert claim(practice, api, edited.id)["follow_up_on"] == due.isoformat()  # not moved: still due
    [inquiry] = inquiries_of(practice, api, edited.id)
    assert inquiry["status"] == "answered" and inquiry["answers"][0]["categories"] == ["P1"]
    assert tasks_of(practice, api, edited.id) == []
    for other in items[:1] + items[2:]:
        assert claim(practice, api, other.id)["follow_up_on"] == (due + timedelta(days=14)).isoformat()
        assert [t["reason"] for t in tasks_of(practice, api, other.id)] == ["no_999"]

    again = Gateway()
    assert job.work(message(practice, due), "m-next", gateway=again) == 1  # asked already: no second 276
    assert again.sent == [] and len(inquiries_of(practice, api, edited.id)) == 1
    assert [t["reason"] for t in tasks_of(practice, api, edited.id)] == ["no_999"]


def test_a_crash_after_the_answers_came_back_is_finished_by_the_next_run_and_the_sweep_without_a_second_276(
        billed, api):
    practice, items, due = billed
    gateway, now = Gateway(), utcnow()
    # A worker put the inquiries, sent the 276s and kept the 277s, then died before saving anything else.
    asking = [status_batch.prepare(c, job.inquiry_id(c), job.ACTOR, c.follow_up_reason, now, n)
              for n, c in enumerate(items, 1)]
    put = status_batch.put_all(asking)
    assert len(put.new) == 4
    status_batch.ask_all(put.new, gateway, get_mailbox(), at_once=4, go_on=lambda: True)

    assert job.work(message(practice, due), "m-retried", gateway=gateway) == 4
    assert len(gateway.sent) == 4  # the retry found each record and sent nothing
    assert all([t["reason"] for t in tasks_of(practice, api, c.id)] == ["no_999"] for c in items)

    later = utcnow() + timedelta(minutes=6)
    assert recovery.sweep(now=later, gateway=gateway)["status_inquiry"] == 4
    assert len(gateway.sent) == 4  # the sweep read the kept 277s
    for item in items:
        assert claim(practice, api, item.id)["last_status"]["categories"] == ["P1"]
        assert [i["status"] for i in inquiries_of(practice, api, item.id)] == ["answered"]


def test_a_claim_due_again_with_its_task_still_open_is_asked_again_and_gets_no_second_task(billed, api):
    practice, items, due = billed
    assert job.work(message(practice, due), "m") == 4
    again = due + timedelta(days=get_settings().follow_up_recheck_days)
    with counting() as calls:
        assert job.work(message(practice, again), "m-again") == 4
    assert calls.of("dynamodb")["BatchGetItem"] == 2  # the claims, then the four tasks they name: still open
    for item in items:
        assert len(inquiries_of(practice, api, item.id)) == 2
        assert [t["reason"] for t in tasks_of(practice, api, item.id)] == ["no_999"]
