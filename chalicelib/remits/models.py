"""API schemas of remittances: what each 835 said per practice, its claims matched, and the work list."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.core.types import Out


class AdjustmentOut(Out):
    group: str = Field(description="CAS01: CO, PR, OA, PI, CR")
    reason: str = Field(description="The claim adjustment reason code (CARC)")
    amount_cents: int
    quantity: str | None = None


class ProcedureOut(Out):
    qualifier: str
    code: str
    modifiers: list[str]


class RemarkOut(Out):
    qualifier: str = Field(description="HE: a remittance advice remark code (RARC); RX: an NCPDP code")
    code: str


class RemittanceLineOut(Out):
    """One SVC and the line of ours it answers, or why none."""

    number: int = Field(description="The SVC's place in its claim payment, from 1")
    procedure: ProcedureOut
    original_procedure: ProcedureOut | None = Field(default=None, description="SVC06: what was billed, when the "
                                                                              "payer adjudicated another code")
    revenue_code: str
    units: str | None = None
    charge_cents: int
    paid_cents: int
    allowed_cents: int | None = None
    service_from: str | None = None
    service_to: str | None = None
    control_number: str = Field(description="REF*6R as the payer echoed it; empty when dropped")
    adjustments: list[AdjustmentOut]
    remarks: list[RemarkOut]
    line_number: int | None = Field(default=None, description="Our claim line it answers (LX01 of our 837)")
    line_control_number: str | None = None
    matched_by: Literal["control_number", "procedure_and_date"] | None = None
    unmatched_reason: str | None = None


class RemittanceClaimOut(Out):
    """One claim payment (CLP) of a remittance, matched to the practice's claim."""

    claim_id: str
    position: int = Field(description="The CLP's place in the 835 transaction set, from 1")
    patient_control_number: str
    status: str = Field(description="CLP02: 1 processed as primary, 4 denied, 22 reversal ...")
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int | None = None
    filing_indicator: str
    payer_claim_number: str = Field(description="CLP07: the payer's claim control number")
    adjustments: list[AdjustmentOut] = Field(description="Claim-level CAS")
    remarks: list[str] = Field(description="RARCs from MIA/MOA")
    lines: list[RemittanceLineOut]
    posting: Literal["ready", "refused"] = Field(description="`refused`: it does not balance and is not posted")
    imbalances: list[str]


class ProviderAdjustmentOut(Out):
    provider_id: str
    fiscal_period_end: str | None = None
    reason: str
    reason_words: str
    reference: str
    amount_cents: int = Field(description="Positive reduces the payment (a recoupment), negative adds (interest)")


class DuplicateOut(Out):
    claim_id: str
    remittance_id: str = Field(description="The remittance that recorded this claim payment first")


class RemittanceOut(Out):
    """One 835 transaction set as this practice sees it: the payment, its trace and what it recorded. Nothing
    is posted to claims or the ledger yet."""

    id: str
    created_at: str
    updated_at: str
    practice_id: str
    file_id: str
    set_control_number: str
    recorded_at: str
    payer_name: str
    payer_id: str
    trace_type: str
    trace_number: str = Field(description="TRN02: the check or EFT trace number")
    amount_cents: int = Field(description="BPR02: the whole payment, every practice's claims in it")
    credit: bool
    method: str = Field(description="BPR04: ACH, BOP, CHK, FWT, NON")
    paid_on: str | None = None
    production_date: str | None = None
    payee_npi: str | None = None
    set_claim_count: int = Field(description="Claim payments in the whole 835 set")
    claim_count: int = Field(description="Claim payments of this practice's claims")
    paid_cents: int = Field(description="What the payer paid on this practice's claims (sum of CLP04)")
    recorded_count: int
    duplicate_count: int
    duplicates: list[DuplicateOut]
    refused_count: int
    provider_adjustments: list[ProviderAdjustmentOut]
    balanced: bool = Field(description="BPR02 equals the claim payments minus the provider adjustments")
    imbalances: list[str]
    claims: list[RemittanceClaimOut] | None = Field(default=None, description="On a single remittance only")


class RemittanceWorkOut(Out):
    """A claim payment that cannot be posted as sent, and why."""

    id: str
    created_at: str
    practice_id: str | None = Field(default=None, description="None when the claim number is none of ours")
    claim_id: str | None = None
    remittance_id: str
    file_id: str
    reason: Literal["unknown_claim", "unbalanced", "unmatched_lines"]
    detail: str
    patient_control_number: str
    payer_claim_number: str
    claim_status: str
    charge_cents: int
    paid_cents: int
    payer_name: str
    trace_number: str
