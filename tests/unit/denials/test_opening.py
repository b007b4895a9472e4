"""The items a recorded claim payment opens, in memory: a denial and a biller's task per denial, ids derived
from the record so a retry makes the same ones, the claim naming a claim-level denial's task."""
import json
from datetime import date, datetime, timedelta, timezone

from chalicelib.claims import open_tasks
from chalicelib.claims.items import ClaimItem
from chalicelib.denials.items import Denial
from chalicelib.denials.opening import opened_by
from chalicelib.remits.items import RemittanceClaim
from chalicelib.tasks.items import Task
from tests.unit.denials.test_denied import line

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=timezone.utc)
REMITTANCE = "01JNKQ8Z9T0000000000000000"


def a_claim(open_tasks_=None):
    return ClaimItem("PRACTICE#P1", "CLAIM#C1", id="01JNKQ8Z9T0000000000000001",
                     practice_id="01JNKQ8Z9T000000000000000P", patient_control_number="000000123",
                     open_tasks=open_tasks_)


def a_record(status, lines, remarks=()):
    return RemittanceClaim(
        "PRACTICE#P1", f"REMITTANCE#{REMITTANCE}#CLAIM#00001", remittance_id=REMITTANCE, claim_id="C1", position=1,
        patient_control_number="000000123", status=status, charge_cents=sum(x["charge_cents"] for x in lines),
        paid_cents=sum(x["paid_cents"] for x in lines), filing_indicator="12", payer_claim_number="SBX000000123",
        adjustments="[]", remarks=json.dumps(list(remarks)), lines=json.dumps(lines), posting="ready",
        imbalances="[]")


def opened(claim, record, paid_on=date(2027, 2, 26)):
    return opened_by(claim, record, firm_id="01JNKQ8Z9T000000000000000F", payer_id="SBX01",
                     payer_name="SANDBOX HEALTH PLAN", paid_on=paid_on, now=NOW)


def test_a_denied_claim_opens_a_denial_and_its_task_which_the_claim_names():
    claim = a_claim()
    denial, task = opened(claim, a_record("4", [line(1, 150_000, 0, ("CO", "50", 150_000))], remarks=["MA01"]))
    assert isinstance(denial, Denial) and isinstance(task, Task)
    assert (denial.category, denial.action, denial.priority) == ("medical_necessity", "appeal", "high")
    assert denial.appeal_due == (date(2027, 2, 26) + timedelta(days=180)).isoformat()
    assert (task.id, task.reason, task.claim_id, task.priority) == (denial.task_id, "denied", claim.id, "high")
    assert open_tasks.named(claim) == {"denied": task.id}
    assert denial.gsi1sk == f"1#{denial.appeal_due}#{denial.id}" and denial.gsi2sk == denial.id


def test_a_retry_makes_the_same_items():
    record = a_record("1", [line(1, 10_000, 8_000, ("CO", "45", 2_000)), line(2, 5_000, 0, ("CO", "97", 5_000))])
    first, again = opened(a_claim(), record), opened(a_claim(), record)
    assert [(i.pk, i.sk) for i in first] == [(i.pk, i.sk) for i in again]
    assert len(first) == 2


def test_a_line_denial_is_named_by_no_claim():
    claim = a_claim()
    denial, task = opened(claim, a_record("1", [line(1, 10_000, 8_000, ("CO", "45", 2_000)),
                                                line(2, 5_000, 0, ("CO", "97", 5_000))]))
    assert (denial.level, denial.line_number, task.reason) == ("line", 2, "denied_line")
    assert claim.open_tasks is None


def test_a_claim_that_names_a_denied_task_already_keeps_it():
    claim = a_claim(json.dumps({"denied": "01JNKQ8Z9T00000000000000TT"}))
    opened(claim, a_record("4", [line(1, 10_000, 0, ("CO", "29", 10_000))]))
    assert open_tasks.named(claim) == {"denied": "01JNKQ8Z9T00000000000000TT"}


def test_a_remittance_without_a_payment_date_counts_the_window_from_now():
    [denial, _] = opened(a_claim(), a_record("4", [line(1, 10_000, 0, ("CO", "29", 10_000))]), paid_on=None)
    assert (denial.denied_on, denial.appeal_due) == ("2027-03-01", "2027-08-28")


def test_a_paid_claim_opens_nothing():
    assert opened(a_claim(), a_record("1", [line(1, 10_000, 8_000, ("CO", "45", 2_000))])) == []
