"""835 posting when items change under it, or a patient has more claims than one transaction holds: a unit
that meets a changed claim is read again and posted, one that keeps meeting a conflict is held on the work
list while the others post, and a patient's payments beyond one transaction post in the next round."""
import pytest

from chalicelib.claims.items import ClaimItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.edi.remittance.reader import read_835
from chalicelib.remits import claim_items, posting, records, service
from chalicelib.remits.items import ClaimPosting
from chalicelib.remits.matching import match_lines, our_lines
from tests.api.test_claims import Practice
from tests.api.test_remit_posting import DEDUCTIBLE_AND_COINSURANCE, ledger, paying
from tests.api.test_remittances import an_835, submitted
from tests.api.test_tracking import claim, deliver


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def _stored(practice, made):
    return ClaimItem.get(keys.practice_pk(practice.id), keys.claim_sk(made["id"]), consistent_read=True)


def _payments(origin, remittance, claims):
    return [claim_items.Payment(n, paid, match_lines(paid.lines, our_lines(c.document), paid.statement_from),
                            records.payment_digest(remittance, paid), c)
            for n, (paid, c) in enumerate(zip(remittance.claims, claims), start=1)]


def test_a_claim_changed_after_the_835_read_it_is_read_again_and_posted(practice, api):
    [made] = submitted(practice)
    stale = _stored(practice, made)
    fresh = _stored(practice, made)
    store.update(fresh, {"follow_up_reason": "no_payment"}, fresh.version, "claim")  # someone else's change
    [remittance] = read_835(an_835([paying(made, DEDUCTIBLE_AND_COINSURANCE)]))
    file_id = new_id()
    origin = records.Origin(practice.firm_id, file_id, service.remittance_id(file_id, 1), iso(utcnow()))

    done, _ = posting.post(origin, remittance, _payments(origin, remittance, [stale]))
    assert done[1].outcome == claim_items.POSTED and done[1].totals.paid_cents == 8250
    got = claim(practice, api, made["id"])
    assert (got["status"], got["insurance_paid_cents"], got["version"]) == ("paid", 8250, fresh.version + 1)


def test_a_payment_that_keeps_meeting_a_conflict_is_held_and_the_others_post(app, world, api):
    blocked_practice, other_practice = Practice(world, api), None
    other_practice = Practice(world, api, firm=(blocked_practice.firm_id, blocked_practice.admin))
    [blocked], [fine] = submitted(blocked_practice), submitted(other_practice)
    text = an_835([paying(blocked, DEDUCTIBLE_AND_COINSURANCE), paying(fine, DEDUCTIBLE_AND_COINSURANCE)])
    key = f"inbox/{blocked_practice.firm_id}/blocked.835"
    # An item in the way of the blocked claim's posting: every attempt meets it, and no pointer ever says why.
    from chalicelib.tracking import inbox

    stuck = inbox._start(blocked_practice.firm_id, key, text.encode(), iso(utcnow()))
    origin = records.Origin(blocked_practice.firm_id, stuck.id, service.remittance_id(stuck.id, 1), iso(utcnow()))
    posted_id = claim_items.posting_id(origin, 1)
    ClaimPosting(keys.practice_pk(blocked_practice.id), keys.claim_entry_sk(blocked["id"], posted_id),
                 id=posted_id, created_at=origin.recorded_at, updated_at=origin.recorded_at,
                 practice_id=blocked_practice.id, claim_id=blocked["id"], remittance_id=origin.remittance_id,
                 position=1, trace_number="X", patient_control_number="X", payer_claim_number="X",
                 payment_status="1", claim_status="paid", entries="[]", paid_cents=0, adjusted_cents=0,
                 patient_cents=0, insurance_balance_cents=0).save()

    service.record(blocked_practice.firm_id, read_835(text), stuck.id, origin.recorded_at)
    [held] = api.get(f"{blocked_practice.base}/unmatched-remittances", key=blocked_practice.admin)[1]["data"]
    assert (held["reason"], held["claim_id"]) == ("posting_conflict", blocked["id"])
    assert claim(blocked_practice, api, blocked["id"])["status"] == "submitted"
    assert ledger(api, blocked_practice) == []
    assert claim(other_practice, api, fine["id"])["status"] == "paid"
    got = api.get(f"{blocked_practice.base}/remittances", key=blocked_practice.admin)[1]["data"][0]
    assert (got["held_count"], got["recorded_count"], got["posted_count"]) == (1, 0, 0)


def test_a_patient_with_more_payments_than_one_transaction_holds_has_them_all_posted_in_sequence(app, practice,
                                                                                                  api):
    made = submitted(practice, 13)  # 8 items a payment: 13 of one patient are more than 100
    deliver(app, f"inbox/{practice.firm_id}/many.835",
            an_835([paying(m, DEDUCTIBLE_AND_COINSURANCE) for m in made]))
    got = ledger(api, practice)
    assert [e["sequence"] for e in got] == list(range(1, 14))
    assert got[-1]["balance_after_cents"] == 13 * 4250
    assert {claim(practice, api, m["id"])["status"] for m in made} == {"paid"}
    check = api.get(f"{practice.base}/patients/{practice.patient}/balance", key=practice.admin)[1]
    assert check["balance_cents"] == 13 * 4250 and check["entry_count"] == 13
