"""API schemas of claims and their history."""
from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.core.messages import Expected
from chalicelib.core.types import Cents, Id, Out, Patch, PageQuery, Schema, Versioned
from chalicelib.visits.coding_models import Code, Diagnosis, ModifierCode, RevenueCode

# REF02 of prior authorization (G1), referral (9F) and payer claim control number (F8): 1 to 50 characters.
Reference = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9\-]+$"),
                      Expected("1 to 50 letters, digits or hyphens, as the payer gave it", "not a reference number")]
# The UB-04 prints the type of bill in four digits with a leading 0 (form locator 4); the 837I's CLM05 takes
# the three that mean something, so both forms are taken and kept as three.
TypeOfBill = Annotated[str, StringConstraints(pattern=r"^0?\d{3}$"), AfterValidator(lambda code: code[-3:]),
                       Expected("a type of bill is 3 digits: facility type, classification, frequency (131 hospital "
                                "outpatient, original); the UB-04's four-digit form with its leading 0 (0131) is "
                                "taken too", "not a type of bill")]
Status = Literal["draft", "ready", "needs_fix", "submitted", "accepted", "rejected", "paid", "partial", "denied",
                 "forwarded", "corrected", "appealed", "closed"]
Hour = Annotated[int, Field(ge=0, le=23)]
UbCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{1,2}$"),
                   Expected("a UB-04 code of 1 or 2 capital letters or digits (admission type 1 emergency, admission "
                            "source 2 clinic referral)", "not a UB-04 code")]
PatientStatus = Annotated[str, StringConstraints(pattern=r"^\d{2}$"),
                          Expected("a patient (discharge) status is 2 digits (01 home, 30 still a patient)",
                                   "not a patient status code")]


class InstitutionalIn(Schema):
    """UB-04 facts of an institutional (837I) claim."""

    type_of_bill: TypeOfBill = Field(
        description="Facility type, classification, frequency (e.g. 131 hospital outpatient, 111 inpatient); the "
                    "UB-04's four-digit form (0131) is taken too, and kept as three")
    statement_from: date | None = Field(default=None, description="Defaults to the first date of service")
    statement_to: date | None = Field(default=None, description="Defaults to the last date of service")
    admission_type: UbCode | None = None
    admission_source: UbCode | None = None
    patient_status: PatientStatus | None = None
    admission_date: date | None = None
    admission_hour: Hour | None = None
    discharge_hour: Hour | None = None
    admitting_diagnosis: Diagnosis | None = Field(default=None, description="ICD-10-CM; required on inpatient bills")
    attending_provider_id: Id = Field(description="The attending provider (837I loop 2310A)")


class ClaimCreate(Schema):
    claim_type: Literal["professional", "institutional"] | None = Field(
        default=None, description="Defaults to the payer's claim type; institutional needs `institutional`")
    prior_authorization: Reference | None = None
    referral_number: Reference | None = None
    referring_provider_id: Id | None = None
    institutional: InstitutionalIn | None = None


class ClaimLineIn(Schema):
    code: Code
    modifiers: list[ModifierCode] = Field(default=[], max_length=4)
    units: int = Field(default=1, ge=1, le=999)
    charge_cents: Cents = Field(description="The line's total charge")
    diagnosis_pointers: list[int] = Field(default=[], max_length=4)
    revenue_code: RevenueCode | None = Field(default=None, description="Institutional lines")
    service_date: date | None = Field(default=None, description="Defaults to the claim's first date of service")


class ClaimUpdate(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"prior_authorization", "referral_number"})

    diagnoses: list[Diagnosis] | None = Field(default=None, min_length=1, max_length=12)
    lines: list[ClaimLineIn] | None = Field(default=None, min_length=1, max_length=50)
    prior_authorization: Reference | None = None
    referral_number: Reference | None = None
    version: int | None = Field(default=None, ge=1)


class ClaimRefresh(Schema):
    version: int | None = Field(default=None, ge=1, description="The version read (or send If-Match)")
    coverage_id: Id | None = Field(default=None, description="Bill another of the patient's coverages, e.g. the "
                                                             "one in effect on the date of service")


class PriorClaimIn(Schema):
    payer_claim_control_number: Reference | None = Field(
        default=None, description="The payer's claim number (ICN/DCN), when the claim does not know it yet")


class RejectionOut(Out):
    source: str = Field(description="999 (the clearinghouse) or 277CA (the payer)")
    file_id: str
    messages: list[str] = Field(description="What was wrong, in the guide's words")


class ClaimQuery(PageQuery):
    status: Status = "needs_fix"


class FindingOut(Out):
    rule_id: str
    severity: Literal["error", "warning"]
    message: str
    field: str


class EditTableUsedOut(Out):
    table: str = Field(description="ptp-practitioner, mue-practitioner, ptp-outpatient or mue-outpatient")
    quarter: str | None = Field(description="The CMS quarter it was loaded as (2027Q1)")
    loaded_at: str | None = None


class LineOut(Out):
    number: int
    code: str
    modifiers: list[str]
    units: int
    charge_cents: int
    diagnosis_pointers: list[int]
    revenue_code: str | None = None
    service_date: str


class ClaimOut(Versioned):
    practice_id: str
    visit_id: str
    patient_id: str
    coverage_id: str
    payer_id: str
    claim_type: str
    status: Status
    frequency_code: str
    patient_control_number: str
    total_charge_cents: int
    service_from: str
    service_to: str
    diagnoses: list[str]
    lines: list[LineOut]
    prior_authorization: str | None = None
    referral_number: str | None = None
    type_of_bill: str | None = None
    findings: list[FindingOut]
    icd10cm_code_set: str | None = Field(default=None, description="The ICD-10-CM code set (fiscal year) that "
                                         "judged the diagnoses at the last scrub, e.g. FY2027")
    error_count: int
    warning_count: int
    replaces_claim_id: str | None = None
    replaced_by_claim_id: str | None = None
    primary_claim_id: str | None = Field(default=None, description="A secondary or tertiary claim: the claim "
                                         "whose payer's adjudication (835) it carries")
    secondary_claim_id: str | None = Field(default=None, description="The claim built from this one's 835 for "
                                           "the patient's next coverage")
    payer_claim_control_number: str | None = None
    batch_id: str | None = None
    submitted_at: str | None = None
    acknowledged_at: str | None = Field(default=None, description="When the clearinghouse's 999 accepted it")
    accepted_at: str | None = Field(default=None, description="When the payer's 277CA accepted it")
    rejection: RejectionOut | None = None
    last_status: dict[str, object] | None = Field(default=None, description="The latest 277 status answer")
    insurance_balance_cents: int = Field(description="What the payer side still owes: the total charge less "
                                         "payments, adjustments and what moved to the patient (835 postings)")
    insurance_paid_cents: int = 0
    adjusted_cents: int = Field(default=0, description="Contractual and other adjustments posted")
    patient_responsibility_cents: int = Field(default=0, description="Moved to the patient's account")
    forwarded_to: str | None = Field(default=None, description="The payer an 835 said it forwarded the claim to")
    follow_up_on: str | None = Field(default=None, description="When the follow-up job next looks at it")
    follow_up_reason: str | None = Field(default=None, description="timely_filing, no_999, no_277ca, no_payment")
    edit_tables: list[EditTableUsedOut] | None = Field(
        default=None, description="CMS's NCCI tables that judged the claim when it was last scrubbed (empty: none "
        "was loaded, and a warning says so); null on claims scrubbed before tables were recorded")


class ClaimEventOut(Out):
    sequence: int
    event: str
    from_status: str | None = None
    to_status: str
    actor: str
    at: str
    detail: dict[str, object] | None = None
