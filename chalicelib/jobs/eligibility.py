"""The daily eligibility job: verify coverage for the next business day's visits before patients arrive.

`dispatch` (scheduled) sends one message per practice; `work` (one message) checks that practice's scheduled
visits of that day. Each (visit, day) is claimed with a conditional put before its 270 goes out, so a message
delivered twice, or two workers on the same message, send one 270 per visit and day.

Each visit is handled on its own (jobs/per_item.py). A visit whose check is refused for its data (no active
coverage, a name X12 cannot carry, a 270 rule broken) keeps its claim, marked `refused` with the reason, and
gets a front-desk task in the same transaction: it is not tried again that day, and the other visits go on. A
check that fails for any other reason releases its claim, the other visits go on, and the message then fails,
so the queue's retry checks that visit again (and skips the ones done). A worker killed between claim and
check leaves that visit unchecked for the day (check-in still checks it).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from chalicelib.core import audit
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.clock import now_iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.db import keys, store
from chalicelib.db.models import Item, Practice
from chalicelib.jobs.per_item import REFUSALS, Tally, reason
from chalicelib.patients import eligibility
from chalicelib.patients.models import EligibilityCheckCreate
from chalicelib.visits.items import Visit

JOB = "eligibility"
ACTOR = "job:eligibility"
REFUSED = "eligibility_not_checked"  # the task's reason


class VisitDayClaim(Item, discriminator="eligibility_job_claim"):
    """sk=VISIT#<id>#ELIGJOB#<day>: this visit's 270 for this day has been (or is being) sent, or was refused."""

    outcome = UnicodeAttribute(null=True)  # refused: the check could not be made (see reason and the task)
    reason = UnicodeAttribute(null=True)


def next_business_day(today: date) -> date:
    """Monday to Friday; Friday and the weekend look ahead to Monday. Holidays are not skipped."""
    ahead = {4: 3, 5: 2}.get(today.weekday(), 1)
    return today + timedelta(days=ahead)


def dispatch(send_all: Callable[[list[dict[str, Any]]], None], today: date | None = None) -> int:
    """One message per practice; work proportional to practices, not to patients or visits."""
    day = next_business_day(today or utcnow().date()).isoformat()
    messages = [{"job": JOB, "practice_id": p.id, "firm_id": p.firm_id, "day": day}
                for p in Practice.gsi1.query(keys.ALL_PRACTICES)]
    send_all(messages)
    return len(messages)


def _claim(scope: PracticeScope, visit: Visit, day: str) -> VisitDayClaim | None:
    now = now_iso()
    claim = VisitDayClaim(keys.practice_pk(scope.practice_id), f"{keys.visit_sk(visit.id)}#ELIGJOB#{day}",
                          id=f"{visit.id}-{day}", created_at=now, updated_at=now)
    try:
        claim.save()  # conditional: the key must be free
    except PutError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return claim


def _refused(scope: PracticeScope, visit: Visit, day: str, claim: VisitDayClaim, error: Exception) -> None:
    """Keep the claim (not tried again today), with why, and the front desk's task, in one transaction."""
    from chalicelib.tasks import service as tasks  # loaded with the job, not at cold start

    why = reason(error)
    task = tasks.for_visit(scope.practice_id, visit.id, REFUSED, priority="high", queue="front_desk", due_on=day,
                           actor=ACTOR, title=f"Visit {visit.id} on {day}: eligibility could not be checked",
                           detail=f"{why}. Fix this, then check eligibility again (the patient's eligibility-checks, "
                                  "or check-in does it).")
    claim.outcome, claim.reason, claim.updated_at = "refused", why, now_iso()
    with store.transaction() as tx:
        tx.save(claim)  # conditional on the version the claim was put with
        tx.save(task)


def _check_visit(scope: PracticeScope, visit: Visit, day: str, message_id: str, gateway: Any) -> bool:
    claim = _claim(scope, visit, day)
    if claim is None:
        return False  # already sent (or refused) for this visit and day
    try:
        check = eligibility.run(scope, visit.patient_id, EligibilityCheckCreate(
            coverage_id=visit.coverage_id, service_date=date.fromisoformat(day)), visit_id=visit.id, gateway=gateway)
    except REFUSALS as error:
        try:
            _refused(scope, visit, day, claim, error)
        except BaseException:
            claim.delete(add_version_condition=False)  # not recorded: a retry of the message tries it again
            raise
        raise
    except BaseException:
        claim.delete()  # a retry of the message checks this visit again
        raise
    audit.record(audit.AuditEvent(scope.practice_id, ACTOR, "eligibility_check", check.id, "create", message_id,
                                  None))
    try:
        store.update(visit, {"eligibility_check_id": check.id, "expected_copay_cents": check.expected_copay_cents},
                     visit.version, "visit")
    except Conflict:
        pass  # the front desk changed the visit meanwhile; the check stays on the patient's record
    return True


def work(message: dict[str, Any], message_id: str, gateway: Any = None) -> int:
    """Check every scheduled, insured visit of the practice on the message's day, each on its own; returns how
    many 270s went out. Raises `ItemsFailed` after the others when some visit failed unexpectedly."""
    pid, day = message["practice_id"], message["day"]
    scope = PracticeScope(pid, Principal(ACTOR, message["firm_id"], "system", frozenset({pid})))
    tally = Tally(JOB, pid)
    for visit in Visit.gsi1.query(keys.visits_on_pk(pid, day)):
        if visit.status == "scheduled" and visit.coverage_id:
            tally.attempt(visit.id, lambda v=visit: _check_visit(scope, v, day, message_id, gateway),
                          lambda error: None)  # _check_visit recorded it with the claim it holds
    return tally.settle()
