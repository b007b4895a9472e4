"""API schemas of tasks: the biller's work queue."""
from __future__ import annotations

import json
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from chalicelib.core.ids import is_id
from chalicelib.core.messages import Expected
from chalicelib.core.types import Id, Out, PageQuery, Patch, Schema, Versioned

Queue = Literal["billing", "coding", "front_desk"]
Priority = Literal["urgent", "high", "normal", "low"]
Status = Literal["open", "done"]
# Reasons are tokens (keys of the claim's `open_tasks`); the ones in use: rejected, denied, no_999, no_277ca,
# no_payment, timely_filing, manual.
REASON_PATTERN = r"^[a-z][a-z0-9_]{1,31}$"
MAX_PRACTICES = 20

# One line, no control characters. Titles name ids and codes ("Claim 000000123 rejected: fix and resubmit"),
# never a patient's name: they show in work lists every role reads.
Title = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f]+$"),
                  Expected("one line of 1 to 120 characters, without line breaks or other control characters",
                           "has a line break or another control character")]
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"  # line breaks and tabs are text; other control characters not
Detail = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=_TEXT),
                   Expected("1 to 2000 characters; line breaks and tabs are fine, other control characters are not",
                            "has a control character")]
Note = Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=_TEXT),
                 Expected("1 to 1000 characters; line breaks and tabs are fine, other control characters are not",
                          "has a control character")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class TaskCreate(Schema):
    title: Title
    detail: Detail | None = None
    claim_id: Id | None = Field(default=None, description="A claim of the practice this task is about")
    queue: Queue = "billing"
    priority: Priority = "normal"
    due_on: date | None = Field(default=None, description="Defaults to today (UTC)")
    assignee: Label | None = Field(default=None, description="The label of an active API key that sees the practice")


class TaskUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"assignee", "snoozed_until", "detail"})

    title: Title | None = None
    detail: Detail | None = None
    queue: Queue | None = None
    priority: Priority | None = None
    due_on: date | None = None
    assignee: Label | None = Field(default=None, description="null unassigns")
    snoozed_until: date | None = Field(default=None, description="Hidden from the open list until this day; null wakes")
    version: int | None = Field(default=None, ge=1, description="Or send it in If-Match")


class TaskComplete(Schema):
    note: Note = Field(description="What was done: ids and codes, no patient names")
    version: int | None = Field(default=None, ge=1, description="Or send it in If-Match")


class TaskQuery(PageQuery):
    queue: Queue = "billing"
    priority: Priority | None = None
    assignee: Label | None = None
    include_snoozed: bool = Field(default=False, description="Also tasks snoozed until after today")


class FirmTaskQuery(TaskQuery):
    practice_ids: Annotated[str, StringConstraints(min_length=1, max_length=600)] = Field(
        description=f"Comma-separated practice ids (at most {MAX_PRACTICES}), each one the key sees")
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None

    @field_validator("practice_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        ids = [part.strip() for part in value.split(",")]
        if not all(is_id(part) for part in ids):
            raise ValueError("not a list of practice ids: give practice ids separated by commas")
        if len(set(ids)) > MAX_PRACTICES:
            raise ValueError(f"too many: give at most {MAX_PRACTICES} practices")
        return ",".join(sorted(set(ids)))

    def practice_id_list(self) -> list[str]:
        return self.practice_ids.split(",")


class ClosingEventOut(Out):
    """The claim's move that closed a task by itself (GET .../claims/{id}/events lists it by sequence)."""

    sequence: int
    event: str = Field(description="What happened to the claim: submitted, acknowledged, accepted, rejected ...")
    to_status: str


class TaskOut(Versioned):
    practice_id: str
    claim_id: str | None = None
    visit_id: str | None = Field(default=None, description="The visit a job's task is about")
    reason: str
    queue: Queue
    priority: Priority
    status: Status
    title: str
    detail: str | None = None
    due_on: str
    assignee: str | None = None
    snoozed_until: str | None = None
    completed_at: str | None = None
    completed_by: str | None = None
    note: str | None = None
    created_by: str
    closed_by_event: ClosingEventOut | None = Field(
        default=None, description="Set when the claim moved past the task's cause and the task closed by itself")

    @field_validator("closed_by_event", mode="before")
    @classmethod
    def _stored_as_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value


class TaskOpening(Schema):
    """What a job or claim ingestion gives `service.open_for_claim` or `service.for_visit`: checked like a
    request body, so a bad reason or title from a caller is refused before anything is written. Python values,
    so not strict. A task is about a claim or a visit."""

    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)

    practice_id: Id
    claim_id: Id | None = None
    visit_id: Id | None = None
    reason: Annotated[str, StringConstraints(pattern=REASON_PATTERN),
                      Expected("a reason is a token of 2 to 32 lower-case letters, digits or underscores, starting "
                               "with a letter (no_payment)", "not a reason token")]
    title: Title
    detail: Detail | None = None
    queue: Queue
    priority: Priority
    due_on: date
    actor: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9:_\-.]+$"),
                     Expected("an API key id or job:<name>: 1 to 100 letters, digits or : _ - .", "not an actor")]

    @field_validator("reason")
    @classmethod
    def _not_manual(cls, value: str) -> str:
        if value == "manual":
            raise ValueError("not a job's reason: manual tasks are made by people (POST .../tasks) and hold no "
                             "claim slot")
        return value

    @model_validator(mode="after")
    def _about_one_thing(self) -> "TaskOpening":
        if (self.claim_id is None) == (self.visit_id is None):
            raise ValueError("claim_id and visit_id disagree: a job's task is about a claim or a visit, not both")
        return self
