"""The institutional claim (837I, 005010X223A2): loop 2300 and what hangs under it, for one claim.

`writer.write_837` writes the envelope and the HL levels and calls `check` then `claim_loop` for each
claim of an institutional batch. Segment order follows the guide's loop 2300 table: CLM, DTP (096 discharge
hour, 434 statement period, 435 admission), CL1, REF (9F, G1, F8), HI (ABK principal, ABJ admitting, ABF
others), 2310A attending, 2310F referring, 2320/2330 earlier payers (coordination.py), then the 2400 lines (LX,
SV2, DTP*472, REF*6R, then the earlier payers' 2430).
"""
from __future__ import annotations

import re

from chalicelib.edi.claim import coordination
from chalicelib.edi.claim.document import Claim, ClaimDocument, Institutional, Line
from chalicelib.edi.claim.values import (
    ICD10_CODE,
    VERSION_I,
    Checks,
    amount,
    line_dates_and_references,
    provider_name,
    references,
    yes_no,
    ymd,
)
from chalicelib.edi.x12.writer import SegmentSpec, comp

VERSION = VERSION_I
MAX_LINES = 999  # loop 2400 repeat in X223A2
MAX_OTHER_DIAGNOSES = 24  # two "Other Diagnosis Information" HI segments of twelve ABF each
_TYPE_OF_BILL = re.compile(r"^\d{2}[0-9A-Z]$")  # facility type, bill classification, frequency (NUBC FL 4)
_REVENUE = re.compile(r"^\d{4}$")  # NUBC revenue code, leading zero kept
_PROCEDURE = re.compile(r"^[0-9A-Z]{5}$")
_PATIENT_STATUS = re.compile(r"^\d{2}$")  # CL103, required (NUBC FL 17)
_ADMISSION_TYPE = re.compile(r"^\d?$")  # CL101 (NUBC FL 14)
_ADMISSION_SOURCE = re.compile(r"^[0-9A-Z]?$")  # CL102 (NUBC FL 15)


def check(document: ClaimDocument) -> None:
    claim, checks = document.claim, Checks(document, VERSION)
    checks.require("institutional", claim.institutional is not None)
    assert claim.institutional is not None
    checks.claim(claim, MAX_LINES)
    checks.diagnoses(claim.diagnoses, 1 + MAX_OTHER_DIAGNOSES)
    checks.require("billing.entity_type", document.billing.entity_type == "organization")  # 2010AA NM102 is 2
    # CLM05-3 is the type of bill's third character: the two must not disagree about replacing or voiding.
    checks.require("frequency_code", claim.institutional.type_of_bill[-1:] == claim.frequency_code)
    _check_facts(checks, claim.institutional)
    for line in claim.lines:
        checks.require(f"line {line.number}.revenue_code", bool(_REVENUE.match(line.revenue_code)))
        checks.require(f"line {line.number}.procedure_code", bool(_PROCEDURE.match(line.procedure_code))
                       if line.procedure_code else not line.modifiers)
    if document.other_payers:
        coordination.check(checks, document, institutional=True)


def _check_facts(checks: Checks, facts: Institutional) -> None:
    """The UB-04 parts: bill type, statement period, CL1 codes, admission and discharge, attending."""
    checks.require("institutional.type_of_bill", bool(_TYPE_OF_BILL.match(facts.type_of_bill)))
    checks.require("institutional.statement_to", facts.statement_from <= facts.statement_to)
    checks.require("institutional.patient_status", bool(_PATIENT_STATUS.match(facts.patient_status)))
    checks.require("institutional.admission_type", bool(_ADMISSION_TYPE.match(facts.admission_type)))
    checks.require("institutional.admission_source", bool(_ADMISSION_SOURCE.match(facts.admission_source)))
    checks.require("institutional.admitting_diagnosis",
                   not facts.admitting_diagnosis or bool(ICD10_CODE.match(facts.admitting_diagnosis)))
    for field, hour in (("admission_hour", facts.admission_hour), ("discharge_hour", facts.discharge_hour)):
        checks.require(f"institutional.{field}", hour is None or (type(hour) is int and 0 <= hour <= 23))
    checks.require("institutional.admission_date", facts.admission_date is not None or facts.admission_hour is None)
    if _inpatient(facts):
        # DTP*435 is required on inpatient claims, CL101 when the patient is admitted (X223A2 2300 notes).
        checks.require("institutional.admission_date", facts.admission_date is not None)
        checks.require("institutional.admission_type", bool(facts.admission_type))
    if facts.attending is not None:
        checks.provider("attending", facts.attending, individual_only=True)  # 2310A NM102 is 1


def claim_loop(document: ClaimDocument) -> list[SegmentSpec]:
    """Loop 2300 with its 2310A/2310F providers and 2400 lines; `check` has passed."""
    claim = document.claim
    facts = claim.institutional
    assert facts is not None
    bill = facts.type_of_bill
    segments: list[SegmentSpec] = [
        # CLM06 is not used in the 837I; CLM05-1 is the facility type code, the first two characters of the bill type.
        ("CLM", claim.patient_control_number, amount(claim.total_charge_cents), "", "", comp(bill[:2], "A", bill[2]),
         "", claim.assignment, yes_no(claim.benefits_assigned), claim.release_of_information),
        *_dates(facts),
        ("CL1", facts.admission_type, facts.admission_source, facts.patient_status),
        *references(claim),
        *_diagnoses(claim, facts),
    ]
    if facts.attending is not None:
        segments.append(provider_name("71", facts.attending))
        if facts.attending.taxonomy_code:
            segments.append(("PRV", "AT", "PXC", facts.attending.taxonomy_code))
    if claim.referring is not None:
        segments.append(provider_name("DN", claim.referring))
    others = document.other_payers  # none on a primary claim: its lines are written as they always were
    if others:
        segments += coordination.claim_loops(document)
    for line in claim.lines:
        segments += _line(line)
        if others:
            segments += coordination.line_loops(document, line, institutional=True)
    return segments


def _inpatient(facts: Institutional) -> bool:
    """The bill type's second character is the bill classification; 1 is inpatient (NUBC FL 4)."""
    return facts.type_of_bill[1:2] == "1"


def _dates(facts: Institutional) -> list[SegmentSpec]:
    dates: list[SegmentSpec] = []
    if facts.discharge_hour is not None:
        dates.append(("DTP", "096", "TM", f"{facts.discharge_hour:02d}00"))
    dates.append(("DTP", "434", "RD8", f"{ymd(facts.statement_from)}-{ymd(facts.statement_to)}"))
    if facts.admission_date is not None:
        if facts.admission_hour is None:
            dates.append(("DTP", "435", "D8", ymd(facts.admission_date)))
        else:  # DT is CCYYMMDDHHMM; the guide asks for the hour, so the minutes are 00
            dates.append(("DTP", "435", "DT", f"{ymd(facts.admission_date)}{facts.admission_hour:02d}00"))
    return dates


def _diagnoses(claim: Claim, facts: Institutional) -> list[SegmentSpec]:
    """One HI per kind (ICD-10-CM qualifiers): ABK principal, ABJ admitting, then ABF others, twelve a segment."""
    principal, *others = claim.diagnoses
    segments: list[SegmentSpec] = [("HI", comp("ABK", principal))]
    if facts.admitting_diagnosis:
        segments.append(("HI", comp("ABJ", facts.admitting_diagnosis)))
    for start in range(0, len(others), 12):
        segments.append(("HI", *(comp("ABF", code) for code in others[start:start + 12])))
    return segments


def _line(line: Line) -> list[SegmentSpec]:
    procedure = comp("HC", line.procedure_code, *line.modifiers) if line.procedure_code else ""
    service: SegmentSpec = ("SV2", line.revenue_code, procedure, amount(line.charge_cents), "UN", str(line.units))
    return [("LX", str(line.number)), service, *line_dates_and_references(line)]
