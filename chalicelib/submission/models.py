"""API schemas of submission: which claims to send, and the batches (837 files) a submission made."""
from __future__ import annotations

from pydantic import Field, model_validator

from chalicelib.core.types import Id, Out, Schema, Versioned


class BatchCreate(Schema):
    claim_ids: list[Id] | None = Field(default=None, min_length=1, max_length=1000)
    all_ready: bool = Field(default=False, description="Submit every ready claim of the practice")

    @model_validator(mode="after")
    def _one_way(self) -> "BatchCreate":
        if (self.claim_ids is None) == (not self.all_ready):
            raise ValueError("claim_ids and all_ready disagree: give claim_ids, or all_ready=true, not both")
        if self.claim_ids is not None and len(set(self.claim_ids)) != len(self.claim_ids):
            raise ValueError("claim_ids lists a claim twice: name each claim once")
        return self


class BatchOut(Versioned):
    practice_id: str
    payer_id: str
    claim_type: str
    claim_ids: list[str]
    claim_count: int
    total_charge_cents: int
    interchange_control_number: int
    file_key: str
    file_bytes: int
    status: str
    recovered_at: str | None = Field(default=None, description="When the recovery sweep finished a submission "
                                                                "that a crash had cut short")
    recovery_error: str | None = Field(default=None, description="Why the sweep could not finish it (yet)")


class SubmissionOut(Out):
    batches: list[BatchOut]
    claim_count: int
