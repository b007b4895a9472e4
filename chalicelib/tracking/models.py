"""API schemas of claim tracking: inbound EDI files, status inquiries (276/277) and the follow-up job."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.core.types import Out, PageQuery, Schema


class EdiFileQuery(PageQuery):
    status: Literal["processed", "failed"] = "processed"


class FirmEdiFileQuery(PageQuery):
    status: Literal["processing", "processed", "failed"] = "failed"


class ClaimOutcome(Out):
    claim_id: str
    outcome: Literal["accepted", "rejected", "acknowledged", "noted", "unchanged", "remitted", "duplicate",
                     "unbalanced", "held"] = Field(
        description="An 835's claims: `remitted` (recorded and posted), `duplicate` (an earlier 835 posted this "
                    "payment), `unbalanced` (does not balance: not posted), `held` (on the work list: not posted)")


class EdiFileOut(Out):
    """What one inbound file (999, 277CA, 277, 835) did to this practice's claims."""

    id: str
    created_at: str
    updated_at: str
    practice_id: str
    name: str
    received_at: str
    kind: str | None = Field(default=None, description="999, 277CA, 277 or 835; none when the file could not "
                                                                "be read")
    status: Literal["processed", "failed"]
    set_count: int = Field(description="Transaction sets in the file (ST..SE)")
    claims: list[ClaimOutcome]
    reason: str | None = Field(default=None, description="Why the file failed; nothing of it was applied")


class FirmEdiFileOut(Out):
    """An inbound file as the firm sees it, practices included: for keys that see all the firm's practices."""

    id: str
    created_at: str
    updated_at: str
    name: str
    size: int
    received_at: str
    kind: str | None = None
    status: Literal["processing", "processed", "failed"]
    practice_ids: list[str]
    set_count: int
    claim_count: int
    unmatched: list[str] = Field(description="References in the file that are not this firm's (other claims, "
                                             "other groups): read, and left alone")
    reason: str | None = None
    recovered_at: str | None = Field(default=None, description="When the recovery sweep finished a file whose "
                                                                "invocations had all failed")
    recovery_error: str | None = Field(default=None, description="Why the sweep could not finish it (yet)")


class EdiFileReprocess(Schema):
    """Run a file left `processing` or `failed` again, from its bytes in the bucket."""


class FollowUpRun(Schema):
    """Run the claim follow-up job now (as the daily schedule does)."""


class FollowUpRunOut(Out):
    messages: int = Field(description="Practices the job was sent for: one queue message each")


class StatusAnswerOut(Out):
    categories: list[str]
    statuses: list[str] = Field(description="Each status in the guide's words")
    effective: str | None = None
    paid_cents: int | None = None
    adjudicated: str | None = None
    check_number: str = ""
    payer_claim_number: str = ""


class StatusInquiryOut(Out):
    """A 276 sent about a claim and what the payer's 277 said."""

    id: str
    created_at: str
    updated_at: str
    claim_id: str
    trace_number: str
    status: Literal["sending", "answered", "error"]
    actor: str
    reason: str | None = Field(default=None, description="The follow-up reason when the scheduled job asked")
    answers: list[StatusAnswerOut]
    error: str | None = None
    recovered_at: str | None = Field(default=None, description="When the recovery sweep settled an inquiry that "
                                                                "a crash had cut short")


class StatusInquiryCreate(Schema):
    """Ask the payer for the claim's status now (a 276); the answer (277) comes back in the response."""
