"""The loop to the payment through the API: a claim built and submitted, the sandbox clearinghouse's 999 and
277CA accepting it, then the sandbox payer's 835 (local/sandbox_payer.py, as `make run` runs it) delivered to
the firm's inbox and recorded as a remittance for the claim, its lines matched by REF*6R."""
from datetime import timedelta

import pytest

from chalicelib.clearinghouse import sandbox_mailbox
from chalicelib.core.clock import utcnow
from chalicelib.core.settings import get_settings
from local.sandbox_payer import SandboxPayer
from tests.api.test_claims import CODING, Practice
from tests.api.test_tracking import claim, deliver, s3, skip_numbers_to, submit_all
from tests.dates import at_desk, days_ago

ANSWERED = utcnow().replace(microsecond=0)  # the sandbox's clock, passed in; later polls count from it


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def sandbox_payer(delay=timedelta(0)):
    """The payer as the local event runner makes it; no delay, as the test client wants it."""
    return SandboxPayer(s3(), get_settings().edi_bucket, delay)


def through_the_clearinghouse(app, submission, payer, at=ANSWERED):
    """Each batch's 837 answered: the payer books the claims the 277CA accepts, the 999 and 277CA delivered."""
    for batch in submission["batches"]:
        text = s3().get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read().decode()
        payer.book(batch["file_key"], text, at)
        for key, answer in sorted(sandbox_mailbox.answer(batch["file_key"], text, at).items()):
            deliver(app, key, answer)


def payer_poll(app, payer, firm_id, at=ANSWERED):
    """One poll of the sandbox payer: the 835s of what is due, each delivered to the inbox handler."""
    files = payer.pay_due(at, firm_id)
    for key, text in sorted(files.items()):
        deliver(app, key, text)
    return files


def remittances_of(api, practice):
    listed = api.get(f"{practice.base}/remittances", key=practice.admin)[1]["data"]
    return [api.get(f"{practice.base}/remittances/{r['id']}", key=practice.admin)[1] for r in listed]


def coded(unit_charge_cents):
    """The usual coding with the first line's charge set, which sets the total's cents and so the 835 rule."""
    first, *others = CODING["lines"]
    return {**CODING, "lines": [{**first, "unit_charge_cents": unit_charge_cents}, *others]}


def test_a_submitted_claim_is_accepted_then_paid_in_an_835_recorded_for_it_line_by_line(app, practice, api):
    made = practice.claim()
    payer = sandbox_payer()
    through_the_clearinghouse(app, submit_all(practice), payer)
    assert claim(practice, api, made["id"])["status"] == "accepted"

    [(key, text)] = payer_poll(app, payer, practice.firm_id).items()
    [remittance] = remittances_of(api, practice)
    [paid] = remittance["claims"]
    assert key.startswith(f"inbox/{practice.firm_id}/sandbox-") and remittance["payer_id"] == "60054"
    assert (paid["claim_id"], paid["status"], paid["payer_claim_number"]) == (
        made["id"], "1", "SBX" + made["patient_control_number"])
    assert [(line["line_number"], line["matched_by"]) for line in paid["lines"]] == [
        (1, "control_number"), (2, "control_number")]
    # 125.00 and 30.00 (82962 twice at 15.00): allowed 80%, the first 20.00 deductible, 20% coinsurance after it
    assert [(a["group"], a["reason"], a["amount_cents"]) for a in paid["lines"][0]["adjustments"]] == [
        ("CO", "45", 2500), ("PR", "1", 2000), ("PR", "2", 1600)]
    assert paid["paid_cents"] == 6400 + 1920 and remittance["amount_cents"] == paid["paid_cents"]
    assert remittance["balanced"] is True and paid["posting"] == "posted"
    files = api.get(f"{practice.base}/edi-files", key=practice.admin)[1]["data"]
    assert sorted(f["kind"] for f in files) == ["277CA", "835", "999"]
    # Posted: the claim is paid and closed, the deductible and coinsurance (16.00 + 4.80 on 82962) the patient's,
    # and the follow-up job chases it no more.
    now = claim(practice, api, made["id"])
    assert (now["status"], now["insurance_balance_cents"], now["insurance_paid_cents"]) == ("paid", 0, 8320)
    assert now["patient_responsibility_cents"] == 2000 + 1600 + 480 and now["follow_up_on"] is None


def test_nothing_is_paid_before_the_payers_delay_and_everything_due_after_it(app, practice, api):
    first, second = practice.claim(), practice.claim(at=at_desk(days_ago(11)))
    payer = sandbox_payer(timedelta(minutes=5))
    through_the_clearinghouse(app, submit_all(practice), payer)

    assert payer_poll(app, payer, practice.firm_id, ANSWERED + timedelta(minutes=4)) == {}
    assert remittances_of(api, practice) == []
    [text] = payer_poll(app, payer, practice.firm_id, ANSWERED + timedelta(minutes=5)).values()
    assert text.count("CLP*") == 2
    [remittance] = remittances_of(api, practice)
    assert {c["claim_id"] for c in remittance["claims"]} == {first["id"], second["id"]}
    assert payer_poll(app, payer, practice.firm_id, ANSWERED + timedelta(hours=1)) == {}


def test_one_835_pays_the_claims_of_two_practices_of_the_firm(app, world, api):
    east = Practice(world, api)
    west = Practice(world, api, firm=(east.firm_id, east.admin))
    east_claim, west_claim = east.claim(), west.claim()
    payer = sandbox_payer()
    through_the_clearinghouse(app, submit_all(east), payer)
    through_the_clearinghouse(app, submit_all(west), payer)

    [text] = payer_poll(app, payer, east.firm_id).values()
    [east_got], [west_got] = remittances_of(api, east), remittances_of(api, west)
    assert text.count("ISA*") == 1 and east_got["id"] == west_got["id"]
    assert [c["claim_id"] for c in east_got["claims"]] == [east_claim["id"]]
    assert [c["claim_id"] for c in west_got["claims"]] == [west_claim["id"]]


def test_a_denied_claim_comes_back_with_its_carc_and_rarc(app, practice, api):
    made = practice.claim(coding=coded(12501))
    payer = sandbox_payer()
    through_the_clearinghouse(app, submit_all(practice), payer)
    payer_poll(app, payer, practice.firm_id)
    [remittance] = remittances_of(api, practice)
    [denied] = remittance["claims"]
    assert made["total_charge_cents"] % 100 == 1
    assert (denied["status"], denied["paid_cents"]) == ("4", 0)
    assert {(a["group"], a["reason"]) for line in denied["lines"] for a in line["adjustments"]} == {("CO", "50")}
    assert {r["code"] for line in denied["lines"] for r in line["remarks"]} == {"N130"}


def test_a_reversed_claim_is_paid_then_reversed_and_corrected_in_the_next_835(app, practice, api):
    made = practice.claim(coding=coded(12504))
    payer = sandbox_payer()
    through_the_clearinghouse(app, submit_all(practice), payer)
    payer_poll(app, payer, practice.firm_id)
    payer_poll(app, payer, practice.firm_id, ANSWERED + timedelta(seconds=1))

    first, later = sorted(remittances_of(api, practice), key=lambda r: r["id"])
    assert [(c["claim_id"], c["status"]) for c in first["claims"]] == [(made["id"], "1")]
    assert [(c["claim_id"], c["status"]) for c in later["claims"]] == [(made["id"], "22"), (made["id"], "1")]
    reversal, correction = later["claims"]
    assert reversal["paid_cents"] == -first["claims"][0]["paid_cents"]
    assert correction["paid_cents"] > first["claims"][0]["paid_cents"]
    assert first["trace_number"] != later["trace_number"]


def test_a_rejected_claim_is_never_paid(app, practice, api):
    accepted = practice.claim()
    skip_numbers_to(practice, 9)
    rejected = practice.claim(at=at_desk(days_ago(11)))  # its number ends in 9: the 277CA rejects it
    payer = sandbox_payer()
    through_the_clearinghouse(app, submit_all(practice), payer)
    payer_poll(app, payer, practice.firm_id)
    [remittance] = remittances_of(api, practice)
    assert [c["claim_id"] for c in remittance["claims"]] == [accepted["id"]]
    assert claim(practice, api, rejected["id"])["status"] == "rejected"


class Killed(Exception):
    pass


class DiesAt:
    """The S3 client of a runner killed at its first call of `operation` on a key ending in `suffix`."""

    def __init__(self, operation, suffix):
        self.s3, self.operation, self.suffix = s3(), operation, suffix

    def __getattr__(self, name):
        call = getattr(self.s3, name)

        def guarded(*args, **kw):
            if name == self.operation and kw.get("Key", "").endswith(self.suffix):
                raise Killed(name)
            return call(*args, **kw)
        return guarded


def inbox_835s(firm_id):
    listed = s3().list_objects_v2(Bucket=get_settings().edi_bucket, Prefix=f"inbox/{firm_id}/")
    return [item["Key"] for item in listed.get("Contents", []) if item["Key"].endswith(".835")]


@pytest.mark.parametrize("operation, suffix", [("put_object", ".835"), ("delete_object", ".json")],
                         ids=["before its 835 is written", "after its 835 is written"])
def test_a_payer_killed_mid_poll_pays_each_claim_once_on_the_next_poll(app, practice, api, operation, suffix):
    practice.claim()
    through_the_clearinghouse(app, submit_all(practice), sandbox_payer())
    killed = SandboxPayer(DiesAt(operation, suffix), get_settings().edi_bucket, timedelta(0))
    with pytest.raises(Killed):
        killed.pay_due(ANSWERED, practice.firm_id)

    payer_poll(app, sandbox_payer(), practice.firm_id, ANSWERED + timedelta(seconds=1))
    payer_poll(app, sandbox_payer(), practice.firm_id, ANSWERED + timedelta(seconds=2))
    [paid] = inbox_835s(practice.firm_id)
    # The event runner hands every inbox file over, the one the killed poll wrote too (once: the inbox knows it).
    deliver(app, paid, s3().get_object(Bucket=get_settings().edi_bucket, Key=paid)["Body"].read())
    [remittance] = remittances_of(api, practice)
    assert remittance["claim_count"] == 1


def test_a_batch_answered_again_after_a_restart_is_not_booked_twice(app, practice, api):
    practice.claim()
    payer = sandbox_payer()
    submission = submit_all(practice)
    through_the_clearinghouse(app, submission, payer)
    [batch] = submission["batches"]
    text = s3().get_object(Bucket=get_settings().edi_bucket, Key=batch["file_key"])["Body"].read().decode()
    assert payer.book(batch["file_key"], text, ANSWERED + timedelta(seconds=5)) == 0
    payer_poll(app, payer, practice.firm_id, ANSWERED + timedelta(minutes=1))
    assert len(inbox_835s(practice.firm_id)) == 1


def test_a_batch_whose_837_is_gone_leaves_its_claims_unpaid_and_the_others_paid(app, world, api):
    east = Practice(world, api)
    west = Practice(world, api, firm=(east.firm_id, east.admin))
    east.claim()
    west_claim = west.claim()
    payer = sandbox_payer()
    east_batches = submit_all(east)
    through_the_clearinghouse(app, east_batches, payer)
    through_the_clearinghouse(app, submit_all(west), payer)
    s3().delete_object(Bucket=get_settings().edi_bucket, Key=east_batches["batches"][0]["file_key"])

    [text] = payer_poll(app, payer, east.firm_id).values()
    assert text.count("CLP*") == 1
    assert remittances_of(api, east) == []
    assert [c["claim_id"] for c in remittances_of(api, west)[0]["claims"]] == [west_claim["id"]]
