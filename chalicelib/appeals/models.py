"""API schemas of appeals: making one from a denial, moving it on, its list, its letter and attachments."""
from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from chalicelib.appeals.items import LEVELS, STATUSES
from chalicelib.core.messages import Expected
from chalicelib.core.types import Out, PageQuery, Patch, Schema, Versioned
from chalicelib.tasks.models import Detail

Level = Literal["first", "second", "external_review"]
FileName = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9 ._()\-]+$"),
                     Expected("a file name of 1 to 120 letters, digits, spaces, dots, dashes, underscores and "
                              "brackets, e.g. operative-note.pdf", "not a file name this API takes")]
Status = Literal["draft", "sent", "won", "partly_won", "lost"]
assert set(LEVELS) == set(Level.__args__) and set(STATUSES) == set(Status.__args__)  # type: ignore[attr-defined]


class AppealCreate(Schema):
    level: Level = "first"
    reason: Detail = Field(description="Why the payer should pay: the argument the letter makes, in the biller's "
                                       "words (ids and codes, no patient names)")


class AppealUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    status: Status | None = Field(default=None, description="draft -> sent -> won | partly_won | lost")
    reason: Detail | None = Field(default=None, description="While a draft")
    sent_on: date | None = Field(default=None, description="With status sent: the day it went (default today)")
    recovered_cents: int | None = Field(default=None, ge=0, description="With won or partly_won: what the payer "
                                                                         "agreed to pay, when no 835 says it yet")
    version: int | None = Field(default=None, ge=1, description="Or send it in If-Match")

    @model_validator(mode="after")
    def _something_to_change(self) -> "AppealUpdate":
        if self.status is None and self.reason is None:
            raise ValueError("send a status or a reason to change")
        if self.sent_on is not None and self.status != "sent":
            raise ValueError("sent_on goes with status sent")
        if self.recovered_cents is not None and self.status not in ("won", "partly_won"):
            raise ValueError("recovered_cents goes with status won or partly_won")
        return self


class AttachmentOut(Out):
    id: str
    name: str
    content_type: str
    size_bytes: int | None = Field(default=None, description="None until an upload by URL has arrived")
    kind: Literal["upload", "timely_filing_proof"]
    added_at: str


class AttachmentListed(AttachmentOut):
    url: str | None = Field(default=None, description="A signed GET, valid minutes; None until the file is stored")


class OutcomeOut(Out):
    remittance_id: str
    record_sk: str = Field(description="The claim payment that paid it (the remittance's record)")
    paid_cents: int
    paid_on: str


class AppealOut(Versioned):
    practice_id: str
    denial_id: str
    claim_id: str
    remittance_id: str = Field(description="The remittance that denied it")
    patient_control_number: str
    payer_claim_number: str
    payer_name: str
    category: str = Field(description="The denial's category: which letter argues it")
    line_number: int | None = None
    denied_cents: int
    level: Level
    reason: str
    status: Status
    window_from: str = Field(description="The remittance's date, or the decision on the level before")
    window_days: int = Field(description="The payer's appeal window (its appeal_window_days)")
    due_on: str = Field(description="The last day the payer takes the appeal")
    task_id: str = Field(description="The reminder: send it before the window closes")
    sent_on: str | None = None
    decided_on: str | None = None
    recovered_cents: int | None = None
    outcome: OutcomeOut | None = Field(default=None, description="The later 835 that paid the claim")
    letter_at: str | None = Field(default=None, description="When the latest letter was rendered")
    attachments: list[AttachmentOut]

    @field_validator("attachments", "outcome", mode="before")
    @classmethod
    def _stored_as_json(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class AppealQuery(PageQuery):
    status: Status | None = Field(default=None, description="With a status: soonest due first; without: newest "
                                                             "first")


class LetterOut(Out):
    url: str = Field(description="A signed GET of the PDF, valid for expires_in seconds")
    expires_in: int
    rendered_at: str


class AttachmentIn(Schema):
    name: FileName = Field(description="A file name of letters, digits, spaces, dots, dashes and underscores; "
                                       "no patient names: it shows in lists and in the letter")
    content_type: Literal["application/pdf", "image/png", "image/jpeg", "image/tiff", "text/plain"]
    size_bytes: int = Field(gt=0, description="The file's size; at most REVCYCLE_APPEAL_ATTACHMENT_MAX_BYTES")
    content_base64: str | None = Field(default=None, max_length=200_000,
                                       description="A small file's bytes; without it, the answer has an upload URL")


class AttachmentMade(Out):
    attachment: AttachmentOut
    upload: dict[str, Any] | None = Field(default=None, description="A presigned POST (url, fields) that takes "
                                                                    "this file, of this type and size, for minutes")
