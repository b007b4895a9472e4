"""API schemas of remittances: what each 835 said per practice, its claims matched, what posted, the work list,
and the postings of a claim and the provider adjustments of a practice."""
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
    posting: Literal["posted", "recorded", "held", "refused"] = Field(
        description="`posted`: entries, claim and patient share posted; `recorded`: nothing to post (CLP02 23 not "
                    "our claim, 25 predetermination); `held`: on the work list, nothing posted (a reversal of a "
                    "payment never posted); `refused`: it does not balance and is not posted")
    imbalances: list[str]


class ProviderAdjustmentOut(Out):
    provider_id: str
    fiscal_period_end: str | None = None
    reason: str
    reason_words: str
    reference: str
    amount_cents: int = Field(description="Positive reduces the payment (a recoupment), negative adds (interest)")
    posted: bool = Field(default=False, description="Posted to this practice by this remittance (its PLB01 is "
                                                    "the practice's NPI or tax id, and no earlier 835 posted it)")


class DuplicateOut(Out):
    claim_id: str
    remittance_id: str = Field(description="The remittance that recorded this claim payment first")


class RemittanceOut(Out):
    """One 835 transaction set as this practice sees it: the payment, its trace, what it recorded and posted."""

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
    posted_count: int = Field(description="Claim payments posted to their claims by this remittance")
    held_count: int = Field(description="Claim payments on the work list instead of posted")
    posted_paid_cents: int = Field(description="Insurance payments posted (a reversal's count negative)")
    posted_adjusted_cents: int = Field(description="Contractual and other adjustments posted")
    posted_patient_cents: int = Field(description="Patient responsibility moved to patients' accounts")
    provider_adjustment_cents: int = Field(description="PLB posted to this practice: interest adds, a "
                                                       "recoupment takes away")
    provider_adjustments: list[ProviderAdjustmentOut]
    balanced: bool = Field(description="BPR02 equals the claim payments minus the provider adjustments")
    imbalances: list[str]
    claims: list[RemittanceClaimOut] | None = Field(default=None, description="On a single remittance only")


class RemittanceWorkOut(Out):
    """A claim payment (or a provider adjustment) that cannot be posted as sent, and why."""

    id: str
    created_at: str
    practice_id: str | None = Field(default=None, description="None when the claim number is none of ours")
    claim_id: str | None = None
    remittance_id: str
    file_id: str
    reason: Literal["unknown_claim", "unbalanced", "unmatched_lines", "reversal_unmatched", "posting_conflict",
                    "provider_adjustment"]
    detail: str
    patient_control_number: str | None = None
    payer_claim_number: str | None = None
    claim_status: str | None = None
    charge_cents: int | None = None
    paid_cents: int = Field(description="CLP04, or the provider adjustment's amount")
    payer_name: str
    trace_number: str


class ClaimEntryOut(Out):
    """One entry of a posting: what it did to the claim's insurance balance, and its cause."""

    kind: Literal["insurance_payment", "contractual_adjustment", "patient_responsibility", "other_adjustment",
                  "reversal"]
    amount_cents: int = Field(description="Reduces the claim's insurance balance; negative adds back")
    group: str | None = Field(default=None, description="CAS01: CO, PR, OA, PI, CR")
    carc: str | None = Field(default=None, description="The claim adjustment reason code")
    rarcs: list[str] = Field(description="Remark codes (LQ*HE at a line, MIA/MOA at the claim)")
    svc_number: int | None = Field(default=None, description="The SVC's place in the claim payment; none: claim "
                                                             "level")
    line_number: int | None = Field(default=None, description="Our claim line it answers")
    control_number: str | None = Field(default=None, description="Our line item control number (REF*6R)")
    of: str | None = Field(default=None, description="For a reversal: the kind of entry it undoes")


class ClaimPostingOut(Out):
    """What one claim payment of an 835 posted to the claim: its entries with their cause."""

    id: str
    created_at: str
    claim_id: str
    remittance_id: str
    position: int = Field(description="The CLP's place in its 835 transaction set")
    trace_number: str = Field(description="TRN02: the check or EFT trace")
    patient_control_number: str = Field(description="CLP01")
    payer_claim_number: str = Field(description="CLP07")
    payment_status: str = Field(description="CLP02")
    claim_status: str = Field(description="The claim's status after it")
    entries: list[ClaimEntryOut]
    paid_cents: int
    adjusted_cents: int
    patient_cents: int = Field(description="Moved to the patient's account (0 when forwarded to another payer)")
    insurance_balance_cents: int = Field(description="The claim's insurance balance after it")
    ledger_entry_id: str | None = Field(default=None, description="The patient ledger entry it made")
    reverses: str | None = Field(default=None, description="The posting a reversal undoes")
    forwarded_to: str | None = None


class PracticeEntryOut(Out):
    """A provider-level adjustment (PLB) posted to the practice."""

    id: str
    created_at: str
    remittance_id: str
    trace_number: str
    payer_name: str
    provider_id: str = Field(description="PLB01: the practice's NPI or tax id")
    fiscal_period_end: str | None = None
    reason: str = Field(description="PLB03-1: L6 interest, WO overpayment recovery, FB forward balance ...")
    reference: str
    amount_cents: int = Field(description="To the practice: interest positive, a recoupment negative")
