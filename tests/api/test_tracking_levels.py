"""A 277CA that rejects above the claims, through the API: the whole batch (2200B, the information receiver) or a
billing provider (2200C) refused rejects every claim of ours it covers, as a claim-level rejection does; acceptance
at those levels changes nothing. The 277CA files are tests/fixtures/x12/277ca-*.x12, filled with the batch's id
(our BHT03, which 2200B TRN02 echoes), the practice's NPI and a claim number."""
from datetime import date, timedelta

import pytest

from chalicelib.core.ids import new_id
from tests.api.conftest import practice_body
from tests.api.test_claims import CODING, Practice
from tests.api.test_tracking import answer_batches, claim, deliver, submit_all
from tests.x12_fixtures import x12_fixture

NPI = practice_body()["npi"]  # the practice's NPI: the billing provider of its claims
OTHER_NPI = "1003000126"


def days_ago(days: int) -> str:
    """A visit time `days` before today (the clock's), so the claim is never out of its filing limit."""
    return f"{(date.today() - timedelta(days=days)).isoformat()}T09:00:00-06:00"


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def submitted_pair(practice, app, **coding):
    """Two claims submitted in one batch, the clearinghouse's 999 in; (first, second, batch id)."""
    first = practice.claim(at=days_ago(3), **coding)
    second = practice.claim(at=days_ago(4))
    submission = submit_all(practice)
    assert len(answer_batches(app, submission, only=".999")) == 1  # the 277CA is the test's
    return first, second, submission["batches"][0]["id"]


def fixture_277ca(name, batch_id, first, npi=NPI):
    return x12_fixture(name, BATCH=batch_id, NPI=npi, PCN1=first["patient_control_number"],
                       SERVICE_DATE=first["service_from"].replace("-", ""))


def tasks_of(practice, api, claim_id):
    return api.get(f"{practice.base}/claims/{claim_id}/tasks", key=practice.admin)[1]["data"]


def test_a_277ca_refusing_the_whole_batch_rejects_every_claim_of_it_with_the_reason_and_a_task(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    deliver(app, f"inbox/{practice.firm_id}/refused.277ca", fixture_277ca("277ca-batch-rejected.x12", batch_id, first))
    for listed in (first, second):  # the second is not listed in the file: the batch level covers it
        got = claim(practice, api, listed["id"])
        assert got["status"] == "rejected" and got["rejection"]["source"] == "277CA", got
        assert got["rejection"]["messages"][0] == ("whole batch (information receiver, 2000B): returned as "
                                                   "unprocessable: entity not approved as an electronic submitter "
                                                   "(submitter)")
        assert got["follow_up_reason"] == "timely_filing"
        [task] = tasks_of(practice, api, listed["id"])
        assert task["reason"] == "rejected" and "not approved as an electronic submitter" in task["detail"]
    [record] = [f for f in api.get(f"{practice.base}/edi-files", key=practice.admin)[1]["data"] if f["kind"] == "277CA"]
    assert sorted(c["outcome"] for c in record["claims"]) == ["rejected", "rejected"]


def test_a_batch_refused_with_no_claim_listed_under_it_still_rejects_all_its_claims(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    deliver(app, f"inbox/{practice.firm_id}/refused.277ca", x12_fixture("277ca-batch-rejected-alone.x12",
                                                                        BATCH=batch_id))
    assert [claim(practice, api, c["id"])["status"] for c in (first, second)] == ["rejected", "rejected"]
    firm = api.get("/edi-files?status=processed", key=practice.admin)[1]["data"]
    assert [(f["claim_count"], f["unmatched"]) for f in firm if f["kind"] == "277CA"] == [(2, [])]


def test_a_277ca_refusing_the_billing_provider_rejects_its_claims_in_that_batch_only(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    later = practice.claim(at=days_ago(5))
    submit_all(practice)  # another batch of the same provider: the refusal names the first batch only
    deliver(app, f"inbox/{practice.firm_id}/provider.277ca",
            fixture_277ca("277ca-provider-rejected.x12", batch_id, first))
    for listed in (first, second):
        got = claim(practice, api, listed["id"])
        assert got["status"] == "rejected", got
        assert got["rejection"]["messages"][0] == ("billing provider (2000C): returned as unprocessable: entity "
                                                   "not approved (billing provider)")
        assert len(tasks_of(practice, api, listed["id"])) == 1
    assert claim(practice, api, later["id"])["status"] == "submitted"


def test_a_refused_billing_provider_that_is_not_ours_touches_no_claim(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    stranger = {**first, "patient_control_number": "X00000001"}  # the claim listed under it is not ours either
    deliver(app, f"inbox/{practice.firm_id}/provider.277ca",
            fixture_277ca("277ca-provider-rejected.x12", batch_id, stranger, npi=OTHER_NPI))
    assert [claim(practice, api, c["id"])["status"] for c in (first, second)] == ["submitted", "submitted"]
    [record] = [f for f in api.get("/edi-files?status=processed", key=practice.admin)[1]["data"]
                if f["kind"] == "277CA"]
    assert record["claim_count"] == 0 and record["unmatched"] == ["277CA for claim number X00000001"]


def test_acceptance_at_the_batch_and_provider_levels_changes_nothing(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    deliver(app, f"inbox/{practice.firm_id}/accepted.277ca",
            fixture_277ca("277ca-levels-accepted.x12", batch_id, first))
    got = claim(practice, api, first["id"])
    assert got["status"] == "accepted"
    assert got["payer_claim_control_number"] == "PAYER" + first["patient_control_number"]
    unlisted = claim(practice, api, second["id"])
    assert unlisted["status"] == "submitted" and unlisted["rejection"] is None
    assert tasks_of(practice, api, second["id"]) == []


def test_a_refusal_of_a_batch_that_is_not_ours_is_kept_as_unmatched(app, practice, api):
    first, second, _ = submitted_pair(practice, app)
    stranger = new_id()
    deliver(app, f"inbox/{practice.firm_id}/refused.277ca", x12_fixture("277ca-batch-rejected-alone.x12",
                                                                        BATCH=stranger))
    assert [claim(practice, api, c["id"])["status"] for c in (first, second)] == ["submitted", "submitted"]
    [record] = [f for f in api.get("/edi-files?status=processed", key=practice.admin)[1]["data"]
                if f["kind"] == "277CA"]
    assert record["unmatched"] == [f"277CA for batch {stranger}"] and record["practice_ids"] == []


def test_another_firm_cannot_refuse_this_firm_batch(app, practice, api, world):
    first, second, batch_id = submitted_pair(practice, app)
    other_firm, _ = world.firm("Other Billing")
    deliver(app, f"inbox/{other_firm}/refused.277ca", x12_fixture("277ca-batch-rejected-alone.x12", BATCH=batch_id))
    assert [claim(practice, api, c["id"])["status"] for c in (first, second)] == ["submitted", "submitted"]


def test_a_second_refusal_of_the_same_batch_changes_nothing_and_opens_no_second_task(app, practice, api):
    first, second, batch_id = submitted_pair(practice, app)
    deliver(app, f"inbox/{practice.firm_id}/refused.277ca", fixture_277ca("277ca-batch-rejected.x12", batch_id, first))
    events = api.get(f"{practice.base}/claims/{second['id']}/events", key=practice.admin)[1]["data"]
    deliver(app, f"inbox/{practice.firm_id}/again.277ca", x12_fixture("277ca-batch-rejected-alone.x12",
                                                                      BATCH=batch_id))
    assert api.get(f"{practice.base}/claims/{second['id']}/events", key=practice.admin)[1]["data"] == events
    assert len(tasks_of(practice, api, second["id"])) == 1


def test_the_sandbox_refuses_the_whole_batch_of_a_claim_of_777_dollars_77(app, practice, api):
    coding = {**CODING, "lines": [{"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 77777}]}
    marked = practice.claim(at=days_ago(3), coding=coding)
    plain = practice.claim(at=days_ago(4))
    answer_batches(app, submit_all(practice))
    for one in (marked, plain):
        got = claim(practice, api, one["id"])
        assert got["status"] == "rejected" and "whole batch" in got["rejection"]["messages"][0], got


def test_the_sandbox_refuses_the_billing_provider_of_a_claim_of_888_dollars_88(app, practice, api):
    coding = {**CODING, "lines": [{"code": "99213", "diagnosis_pointers": [1], "unit_charge_cents": 88888}]}
    marked = practice.claim(at=days_ago(3), coding=coding)
    plain = practice.claim(at=days_ago(4))
    answer_batches(app, submit_all(practice))
    for one in (marked, plain):  # one practice, one billing provider: both its claims
        got = claim(practice, api, one["id"])
        assert got["status"] == "rejected" and "billing provider (2000C)" in got["rejection"]["messages"][0], got
