"""Routes of tasks, the work queue: a practice's open tasks by queue, a claim's tasks, and the firm's across
practices. Thin: parse, authorize (in `endpoint`), call the service, return."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.tasks.models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
tasks = lazy_module("chalicelib.tasks.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
BASE = "/practices/{practice_id}/tasks"
READ, WRITE = "tasks:read", "tasks:write"


@endpoint(bp, "POST", BASE, tag="tasks", permission=WRITE, body=models.TaskCreate, response=models.TaskOut,
          status=201, audit_entity="task")
def create_task(call: Call) -> Any:
    """Add a manual task (a to-do), optionally about one of the practice's claims."""
    return tasks.create(call.scope, call.body, call.audit)


@endpoint(bp, "GET", BASE, tag="tasks", permission=READ, query=models.TaskQuery, response=models.TaskOut,
          list_response=True, audit_entity="task")
def list_tasks(call: Call) -> Page:
    """Open tasks of a queue (default `billing`): urgent first, then soonest due; snoozed ones hidden."""
    return tasks.list_open(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/{task_id}", tag="tasks", permission=READ, response=models.TaskOut,
          audit_entity="task")
def get_task(call: Call) -> Any:
    """One task."""
    return tasks.get(call.scope, call.path["task_id"])


@endpoint(bp, "PATCH", BASE + "/{task_id}", tag="tasks", permission=WRITE, body=models.TaskUpdate,
          response=models.TaskOut, audit_entity="task")
def update_task(call: Call) -> Any:
    """Assign (to a key's label) or unassign, snooze, re-prioritize, re-date or re-word an open task."""
    return tasks.update(call.scope, call.path["task_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{task_id}/complete", tag="tasks", permission=WRITE, body=models.TaskComplete,
          response=models.TaskOut, audit_entity="task")
def complete_task(call: Call) -> Any:
    """Mark a task done with a note; a claim's task frees its (claim, reason) slot."""
    return tasks.complete(call.scope, call.path["task_id"], call.body.note, expected_version(call), call.audit)


@endpoint(bp, "GET", "/practices/{practice_id}/claims/{claim_id}/tasks", tag="tasks", permission=READ,
          query=PageQuery, response=models.TaskOut, list_response=True, audit_entity="task")
def claim_tasks(call: Call) -> Page:
    """Every task of a claim, open and done, oldest first."""
    return tasks.for_claim(call.scope, call.path["claim_id"], call.query)


@endpoint(bp, "GET", "/tasks", tag="tasks", permission=READ, query=models.FirmTaskQuery, response=models.TaskOut,
          list_response=True)
def firm_tasks(call: Call) -> Page:
    """Open tasks of a queue across several practices the key sees (`practice_ids=a,b`, at most 20), merged:
    urgent first, then soonest due."""
    # `endpoint` audits practice routes; this one names its practices itself, one record each
    return tasks.list_for_practices(call.principal, call.query.practice_id_list(), call.query,
                                    lambda practice_id: call.read_event("task", practice_id))
