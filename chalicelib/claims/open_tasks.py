"""The tasks a claim holds open, and how they close when the claim moves past their cause.

A task opened for a claim and a reason (a rejection, a follow-up: tasks.open_for_claim) is written in one
transaction with the claim, whose `open_tasks` ({reason: task id}) names it. The claim is the slot that keeps
one open task per claim and reason (its version refuses a second opener) and the hint that keeps closing
cheap: when a move leaves a named reason's cause behind (`CAUSES`), `lifecycle.write` closes that task in the
move's own transaction, recording the claim event that closed it. Only a claim that names tasks whose cause
its move cleared pays for it: one BatchGetItem of those tasks per transaction, and one item each in it.

A task a person completed stays named on the claim until its cause clears; then the read finds it done and the
claim forgets it. A reason with no rule here (one added later) is closed by people only.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from pynamodb.expressions.update import Action

from chalicelib.claims.items import ClaimEvent, ClaimItem
from chalicelib.db import keys
from chalicelib.tasks.items import Task

_BEFORE_RESUBMISSION = frozenset({"rejected", "draft", "ready", "needs_fix"})
# While each holds, the task of that reason is still work; once it fails, the claim has moved past it.
CAUSES: dict[str, Callable[[Any], bool]] = {
    "rejected": lambda claim: claim.status in _BEFORE_RESUBMISSION,  # fixed is not enough: sent again
    "timely_filing": lambda claim: claim.status in _BEFORE_RESUBMISSION | {"submitted"},  # not accepted yet
    "no_999": lambda claim: claim.status == "submitted" and not claim.acknowledged_at,
    "no_277ca": lambda claim: claim.status == "submitted",
    "no_payment": lambda claim: claim.status == "accepted",
    "denied": lambda claim: claim.status == "denied",
}


def named(claim: Any) -> dict[str, str]:
    """The tasks the claim names: reason -> task id."""
    return json.loads(claim.open_tasks or "{}")


def name(claim: ClaimItem, reason: str, task_id: str) -> None:
    claim.open_tasks = json.dumps({**named(claim), reason: task_id}, sort_keys=True)


def holds(reason: str, claim: Any) -> bool:
    return CAUSES.get(reason, lambda _: True)(claim)


def cleared(claim: Any) -> dict[str, str]:
    """The named tasks whose cause the claim, as it now is, has left behind."""
    return {reason: task_id for reason, task_id in named(claim).items() if not holds(reason, claim)}


def _closing(task: Task, event: ClaimEvent) -> list[Action]:
    cause = {"sequence": int(event.sequence), "event": event.event, "to_status": event.to_status}
    return [Task.status.set("done"), Task.completed_at.set(event.created_at), Task.completed_by.set(event.actor),
            Task.updated_at.set(event.created_at), Task.closed_by_event.set(json.dumps(cause)),
            Task.note.set(f"Closed by the claim's {event.event} event: the claim is {event.to_status}."),
            Task.gsi1pk.remove(), Task.gsi1sk.remove()]  # off the work list, as a completed task


def closures(saves: Iterable[Any]) -> list[tuple[Task, list[Action]]]:
    """The closing updates of the open tasks whose cause the claim moves in `saves` cleared, each caused by its
    claim's event in `saves`. The claims forget those tasks (in memory, so before they are saved)."""
    items = list(saves)
    events = {item.claim_id: item for item in items if isinstance(item, ClaimEvent)}
    wanted: dict[tuple[str, str], ClaimEvent] = {}
    for claim in (item for item in items if isinstance(item, ClaimItem) and item.id in events):
        gone = cleared(claim)
        if gone:
            left = {reason: task_id for reason, task_id in named(claim).items() if reason not in gone}
            claim.open_tasks = json.dumps(left, sort_keys=True) if left else None
            wanted.update({(claim.pk, keys.task_sk(task_id)): events[claim.id] for task_id in gone.values()})
    if not wanted:
        return []
    found = Task.batch_get(list(wanted), consistent_read=True)
    return [(task, _closing(task, wanted[(task.pk, task.sk)])) for task in found
            if isinstance(task, Task) and task.status == "open"]
