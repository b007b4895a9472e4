"""A claim as the payer will see it: every fact an 837P or 837I carries, in plain frozen dataclasses.

The claim service builds one of these from stored items (practice, payer, patient, coverage, visit coding);
the scrubber (`scrubbing/scrub.py`) judges it and the 837 writers (`edi/claim/professional.py`, `edi/claim/institutional.py`) turn
it into X12. Neither of those touches storage, so both are pure and fast, and tests build documents with
`tests/claims_factory.make_document(**overrides)`.

Money is integer cents; dates are `date`; codes are stored the way X12 wants them (ICD-10-CM without the
dot, NPI as ten digits, tax id as nine digits without the hyphen).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from chalicelib.edi.claim.writer import ClaimSegments

ClaimType = Literal["professional", "institutional"]
Sex = Literal["F", "M", "U"]


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str  # two-letter US state
    zip: str  # 5 or 9 digits, no hyphen (the 837 wants 9 for the billing provider; 5 is accepted elsewhere)
    line2: str = ""


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider named on the claim (billing, rendering, referring, attending)."""

    entity_type: Literal["individual", "organization"]  # NM102 1 (person) or 2 (non-person)
    npi: str
    last_name: str = ""  # or the organization's name
    first_name: str = ""
    taxonomy_code: str = ""  # PRV03
    tax_id: str = ""  # billing provider only: EIN, nine digits (REF*EI)
    address: Address | None = None  # billing provider: street address, not a PO box

    @property
    def name(self) -> str:
        return self.last_name


@dataclass(frozen=True, slots=True)
class Party:
    """Submitter (1000A) or receiver (1000B) of the interchange: the clearinghouse relationship."""

    name: str
    id: str  # 1000A: the submitter's ETIN at the clearinghouse; 1000B: the receiver's id
    contact_name: str = ""
    contact_phone: str = ""  # ten digits


@dataclass(frozen=True, slots=True)
class Payer:
    name: str
    payer_id: str  # 2010BB NM109 qualified PI
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    address: Address
    middle_name: str = ""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Loop 2000B/2010BA: the insured whose coverage pays."""

    person: Person
    member_id: str  # NM109 qualified MI
    payer_responsibility: Literal["P", "S", "T"] = "P"  # SBR01: primary, secondary, tertiary
    group_number: str = ""  # SBR03
    group_name: str = ""  # SBR04 (only when there is no group number)
    claim_filing_indicator: str = "CI"  # SBR09: CI commercial, MB Medicare B, MC Medicaid, BL Blue Cross ...


@dataclass(frozen=True, slots=True)
class PatientOfSubscriber:
    """Loop 2000C/2010CA, present only when the patient is not the subscriber."""

    person: Person
    relationship: str  # PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, 39 organ donor, 40 cadaver
    # donor, 53 life partner, G8 other relationship (X222A1 2000C PAT01)


@dataclass(frozen=True, slots=True)
class Line:
    """A service line (2400). Professional lines carry a CPT/HCPCS code (SV1); institutional lines carry a
    revenue code and, for outpatient services, a procedure code (SV2)."""

    number: int  # LX01, 1-based
    procedure_code: str  # CPT or HCPCS; "" only on an institutional line billed by revenue code alone
    charge_cents: int  # the line's total (unit charge x units)
    units: int
    service_date: date  # DTP*472
    diagnosis_pointers: tuple[int, ...] = ()  # SV107, 1-based into Claim.diagnoses; professional only
    modifiers: tuple[str, ...] = ()
    revenue_code: str = ""  # SV201, institutional only
    place_of_service: str = ""  # SV105, only when it differs from the claim's
    control_number: str = ""  # REF*6R, the provider's line item control number (echoed on the 835)


@dataclass(frozen=True, slots=True)
class Institutional:
    """The parts of an 837I claim a professional claim does not have (UB-04 fields)."""

    type_of_bill: str  # three characters: facility type, classification, frequency (CLM05-1 is the first two)
    statement_from: date  # DTP*434 statement period
    statement_to: date
    admission_type: str = ""  # CL101 (UB-04 FL 14), required on inpatient claims
    admission_source: str = ""  # CL102 (FL 15)
    patient_status: str = ""  # CL103 (FL 17), the discharge status
    admission_date: date | None = None  # DTP*435 (inpatient: required; outpatient: when known)
    admission_hour: int | None = None  # DTP*435 with time, 0-23
    discharge_hour: int | None = None  # DTP*096, inpatient discharge hour 0-23
    attending: Provider | None = None  # 2310A, required when the claim has services other than non-scheduled
    # transportation
    admitting_diagnosis: str = ""  # HI*ABJ, ICD-10-CM without the dot; required on inpatient admission claims


@dataclass(frozen=True, slots=True)
class Claim:
    claim_type: ClaimType
    patient_control_number: str  # CLM01, at most 20 characters; the claim id the 999/277CA/835 echo back
    total_charge_cents: int  # CLM02, equal to the sum of the lines
    diagnoses: tuple[str, ...]  # ICD-10-CM without dots, in claim order (HI: ABK principal, ABF others)
    lines: tuple[Line, ...]
    service_from: date
    service_to: date
    place_of_service: str = "11"  # CLM05-1 on a professional claim
    frequency_code: str = "1"  # CLM05-3: 1 original, 7 replacement, 8 void
    payer_claim_control_number: str = ""  # REF*F8, required for frequency 7 and 8
    prior_authorization: str = ""  # REF*G1
    referral_number: str = ""  # REF*9F
    rendering: Provider | None = None  # 2310B (837P), when different from the billing provider
    referring: Provider | None = None  # 2310A (837P) / 2310F (837I)
    institutional: Institutional | None = None  # required when claim_type is institutional
    provider_signature: bool = True  # CLM06
    assignment: Literal["A", "B", "C"] = "A"  # CLM07 (837P): assigned
    benefits_assigned: bool = True  # CLM08
    release_of_information: Literal["Y", "I"] = "Y"  # CLM09


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet of an earlier payer's adjudication: group (CO, CR, OA, PI, PR), CARC, amount, quantity."""

    group: str
    reason: str
    amount_cents: int
    quantity: str = ""  # CAS04, as the 835 gave it (units), "" when none


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """Loop 2430: what an earlier payer did with one of our lines (SVD, CAS, DTP*573, AMT*EAF)."""

    line_number: int  # our LX01 it answers
    paid_cents: int  # SVD02
    procedure_code: str  # SVD03: the procedure the payer adjudicated ("" on a line billed by revenue code alone)
    units: str  # SVD05, paid units as the payer gave them
    adjudicated_on: date  # DTP*573
    modifiers: tuple[str, ...] = ()
    revenue_code: str = ""  # SVD04, 837I only
    adjustments: tuple[Adjustment, ...] = ()
    remaining_liability_cents: int | None = None  # AMT*EAF: what the patient still owes on the line


@dataclass(frozen=True, slots=True)
class OtherPayer:
    """Loops 2320, 2330A and 2330B: an earlier payer of this claim (the primary, for a secondary claim) with its
    adjudication; a tertiary claim carries two, the primary's then the secondary's."""

    payer: Payer  # 2330B NM1*PR
    subscriber: Subscriber  # 2320 SBR (its payer_responsibility is the earlier payer's: P or S), 2330A NM1*IL
    relationship: str  # SBR02: the patient to that subscriber, 18 self or a PAT01 code
    paid_cents: int  # AMT*D
    adjudicated_on: date  # the payer's payment or remittance date: 2430 DTP*573 (2330B DTP*573 without lines)
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    lines: tuple[LineAdjudication, ...] = ()  # 2430, under our lines
    remaining_liability_cents: int | None = None  # 2320 AMT*EAF, only when no line is adjudicated in 2430
    payer_claim_control_number: str = ""  # 2330B REF*F8: the payer's CLP07


@dataclass(frozen=True, slots=True)
class ClaimDocument:
    """One claim with the parties it needs: what loop 2000A down to 2400 of an 837 say about it."""

    billing: Provider  # 2010AA; an organization (or a solo individual) with NPI, EIN and street address
    payer: Payer
    subscriber: Subscriber
    claim: Claim
    patient: PatientOfSubscriber | None = None  # None when the patient is the subscriber (SBR02 = 18)
    pay_to: Address | None = None  # 2010AB, only when payments go elsewhere than the billing address
    claim_id: str = ""  # our id, for error reports; not written to the file (CLM01 carries the control number)
    other_payers: tuple[OtherPayer, ...] = ()  # earlier payers' adjudication (2320/2330/2430), in payer order
    extras: dict[str, str] = field(default_factory=dict, compare=False)  # free for callers; never written


@dataclass(frozen=True, slots=True)
class Batch:
    """What one 837 file holds: claims of one type to one payer, and the interchange parties."""

    claim_type: ClaimType
    submitter: Party
    receiver: Party
    documents: tuple[ClaimDocument | ClaimSegments, ...]  # a stored claim comes rendered (edi/claim/writer.py)
    reference: str  # BHT03, the originator's batch id (our batch id)
