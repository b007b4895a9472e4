"""API schemas of denials: the denial work items, their lists and how a biller works one."""
from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from chalicelib.core.messages import Expected
from chalicelib.core.types import Out, PageQuery, Schema, Versioned
from chalicelib.denials.items import STATUSES
from chalicelib.tasks.models import Note

Category = Literal["eligibility_coverage", "authorization", "coding", "medical_necessity", "duplicate",
                   "timely_filing", "bundling", "non_covered", "coordination_of_benefits", "missing_information",
                   "other"]
Action = Literal["correct_and_resubmit", "appeal", "bill_secondary", "bill_patient", "write_off"]
Status = Literal["open", "in_progress", "resolved", "written_off"]
Priority = Literal["urgent", "high", "normal", "low"]
Age = Literal["0-30", "31-60", "61-90", "91-180", "over-180"]
PayerId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9 .\-]+$"),
                    Expected("the payer id the remittance names (REF*2U, N104 or TRN03): letters, digits, spaces, "
                             "dots and dashes", "not a payer id")]
assert set(STATUSES) == set(Status.__args__)  # type: ignore[attr-defined]


class CodeWords(Out):
    code: str
    words: str = Field(description="The code in plain words; the code itself when it has none here")


class AdjustmentOut(Out):
    group: str = Field(description="CAS01: CO, OA, PI, CR (PR: the patient's)")
    group_words: str = Field(description="CO: contractual obligations, OA: other adjustments ...")
    reason: str = Field(description="The claim adjustment reason code (CARC)")
    words: str
    amount_cents: int


class NoteOut(Out):
    at: str
    by: str = Field(description="The API key id that worked it")
    status: Status
    note: str


class DenialOut(Versioned):
    practice_id: str
    claim_id: str
    patient_control_number: str = Field(description="CLP01: our claim number")
    payer_claim_number: str = Field(description="CLP07")
    claim_status: str = Field(description="CLP02 of the claim payment: 4 denied, 1 processed as primary ...")
    remittance_id: str
    level: Literal["claim", "line"]
    svc: int | None = Field(default=None, description="The SVC's place in the claim payment (a line's denial)")
    line_number: int | None = Field(default=None, description="Our claim line it answers, when matched")
    procedure: str | None = Field(default=None, description="The SVC's code and modifiers: 99213-25")
    payer_id: str
    payer_name: str
    charge_cents: int
    denied_cents: int = Field(description="The adjustments that are not the patient's: what is at stake")
    reason: CodeWords = Field(description="The main CARC: the largest adjustment that is not the patient's")
    adjustments: list[AdjustmentOut]
    remarks: list[CodeWords] = Field(description="RARCs")
    category: Category
    action: Action = Field(description="The recommended next step")
    priority: Priority
    denied_on: str = Field(description="The remittance's payment date (else the day it was recorded)")
    appeal_due: str = Field(description="The last day to appeal: the payer's window from denied_on")
    status: Status
    notes: list[NoteOut]
    task_id: str = Field(description="The biller's task opened with it")
    closed_at: str | None = None
    closed_by: str | None = None

    @field_validator("notes", mode="before")
    @classmethod
    def _stored_as_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value


class DenialQuery(PageQuery):
    status: Status | None = None
    category: Category | None = None
    payer_id: PayerId | None = None
    age: Age | None = Field(default=None, description="Days since the denial was recorded")
    order: Literal["newest", "priority"] = Field(
        default="newest", description="priority: unresolved denials only, urgent first, then the soonest appeal due")

    @model_validator(mode="after")
    def _priority_lists_unresolved(self) -> "DenialQuery":
        if self.order == "priority" and self.status in ("resolved", "written_off"):
            raise ValueError("order=priority lists unresolved denials (open, in_progress): use order=newest")
        return self


class FirmDenialQuery(PageQuery):
    status: Status | None = None
    category: Category | None = None
    payer_id: PayerId | None = None
    age: Age | None = Field(default=None, description="Days since the denial was recorded")


class DenialWork(Schema):
    status: Status = Field(description="in_progress while worked; resolved or written_off close it and its task")
    note: Note = Field(description="What was done: ids and codes, no patient names")
    version: int | None = Field(default=None, ge=1, description="Or send it in If-Match")
