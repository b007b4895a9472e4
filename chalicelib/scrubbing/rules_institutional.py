"""Rules only an institutional claim (837I, the UB-04's data) has: type of bill, revenue codes, admission data,
statement period, attending provider.

Code meanings come from the NUBC UB-04 Data Specifications Manual as `coding/institutional.py` holds them;
the manual is licensed, so only shapes and the widely published values are used. Every rule here skips a
professional claim and an institutional claim with no UB-04 data (rule `claim-type` reports that).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from chalicelib.coding.institutional import TOTAL_CHARGES_REVENUE_CODE, TypeOfBill, is_revenue_code, parse_type_of_bill
from chalicelib.coding.npi import is_valid_npi
from chalicelib.edi.claim.document import ClaimDocument, Institutional
from chalicelib.scrubbing.scrub import Flag, RuleSet, ScrubContext, error, line_field

RULES = RuleSet()

# Inpatient bills (NUBC FL 4): facility type hospital, skilled nursing, religious nonmedical or intermediate
# care with classification 1 (inpatient, Part A), 2 (inpatient, Part B) or 8 (swing bed): 11x, 12x, 18x,
# 21x, 22x, 28x ... Clinics (7x) and special facilities (8x) give those digits other meanings.
_INPATIENT_FACILITIES = frozenset("1246")
_INPATIENT_CLASSIFICATIONS = frozenset("128")
# Outpatient bills where Medicare's OPPS requires a HCPCS code on the lines below: 13x hospital outpatient,
# 14x hospital referred diagnostic services, 85x critical access hospital (Medicare Claims Processing Manual
# ch. 4, OPPS). A small list on purpose: the revenue code groups that always describe a coded service.
_HCPCS_BILL_TYPES = frozenset({"13", "14", "85"})
_HCPCS_REVENUE_GROUPS = {
    "030": "laboratory", "031": "pathology laboratory", "032": "diagnostic radiology", "033": "therapeutic "
    "radiology", "034": "nuclear medicine", "035": "CT scan", "040": "other imaging", "042": "physical therapy",
    "043": "occupational therapy", "044": "speech-language pathology", "045": "emergency room",
    "048": "cardiology", "051": "clinic", "061": "MRI", "073": "EKG/ECG",
}
_ADMISSION_TYPES = frozenset("123459")  # FL 14: emergency, urgent, elective, newborn, trauma, information n/a
_ADMISSION_SOURCE = re.compile(r"[0-9A-Z]")  # FL 15: one character; its meaning depends on the admission type
_PATIENT_STATUS = re.compile(r"\d{2}")  # FL 17: two digits (01 home, 02 short-term hospital, 20 expired ...)


def type_of_bill(document: ClaimDocument) -> TypeOfBill | None:
    """The claim's parsed type of bill. The document holds three characters (131); the NUBC writes four
    (0131), the leading 0 carrying no meaning, so both are read."""
    institutional = document.claim.institutional
    if institutional is None:
        return None
    code = institutional.type_of_bill
    return parse_type_of_bill(f"0{code}" if len(code) == 3 else code)


def is_inpatient(document: ClaimDocument) -> bool:
    bill = type_of_bill(document)
    return bill is not None and bill.code[1] in _INPATIENT_FACILITIES and bill.code[2] in _INPATIENT_CLASSIFICATIONS


def _institutional(document: ClaimDocument) -> Institutional | None:
    claim = document.claim
    return claim.institutional if claim.claim_type == "institutional" else None


@RULES.rule("type-of-bill", "The type of bill is a valid NUBC type of bill.", "X223A2 2300 CLM05-1/-3; NUBC FL 4")
def type_of_bill_valid(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = _institutional(document)
    if institutional is not None and type_of_bill(document) is None:
        yield error(f"{institutional.type_of_bill!r} is not a type of bill: facility type, classification and "
                    "frequency (131 hospital outpatient original)", "claim.institutional.type_of_bill")


@RULES.rule("bill-frequency", "The type of bill's frequency is the claim's frequency code.",
            "X223A2 2300 CLM05-3 is the third digit of the type of bill")
def bill_frequency(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    bill = type_of_bill(document) if _institutional(document) else None
    if bill is not None and bill.frequency_code != document.claim.frequency_code:
        yield error(f"the type of bill ends in frequency {bill.frequency_code} but the claim's frequency code is "
                    f"{document.claim.frequency_code!r}", "claim.frequency_code")


@RULES.rule("revenue-code", "Every institutional line has a valid revenue code.", "X223A2 2400 SV201; NUBC FL 42")
def revenue_code(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if _institutional(document) is None:
        return
    for index, line in enumerate(document.claim.lines):
        if line.revenue_code == TOTAL_CHARGES_REVENUE_CODE:
            yield error("revenue code 0001 (total charges) is not a service line: the total goes in CLM02",
                        line_field(index, "revenue_code"))
        elif not is_revenue_code(line.revenue_code):
            yield error(f"{line.revenue_code!r} is not a revenue code (four digits)", line_field(index, "revenue_code"))


@RULES.rule("inpatient-admission", "An inpatient claim has its admission date, type, source and patient status.",
            "X223A2 2300 DTP*435 and CL101-CL103 (required on inpatient claims); NUBC FL 12, 14, 15, 17")
def inpatient_admission(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = _institutional(document)
    if institutional is None or not is_inpatient(document):
        return
    path = "claim.institutional"
    if institutional.admission_date is None:
        yield error("an inpatient claim needs the admission date", f"{path}.admission_date")
    if institutional.admission_type not in _ADMISSION_TYPES:
        yield error("an inpatient claim needs an admission type: 1, 2, 3, 4, 5 or 9", f"{path}.admission_type")
    if not _ADMISSION_SOURCE.fullmatch(institutional.admission_source):
        yield error("an inpatient claim needs a one-character point of origin (admission source)",
                    f"{path}.admission_source")
    if not _PATIENT_STATUS.fullmatch(institutional.patient_status):
        yield error("an inpatient claim needs a two-digit patient (discharge) status", f"{path}.patient_status")


@RULES.rule("admission-hour", "Admission and discharge hours are 0 to 23.", "NUBC FL 13 and FL 16; X223A2 DTP*435")
def admission_hour(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = _institutional(document)
    if institutional is None:
        return
    for name in ("admission_hour", "discharge_hour"):
        hour = getattr(institutional, name)
        if hour is not None and not 0 <= hour <= 23:
            yield error(f"the {name.replace('_', ' ')} must be 0 to 23", f"claim.institutional.{name}")


@RULES.rule("statement-period", "The statement period runs forward and covers every date of service.",
            "X223A2 2300 DTP*434 (statement from/through, UB-04 FL 6)")
def statement_period(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = _institutional(document)
    if institutional is None:
        return
    starts, ends, claim = institutional.statement_from, institutional.statement_to, document.claim
    if starts > ends:
        yield error("the statement period ends before it starts", "claim.institutional.statement_to")
        return
    if not (starts <= claim.service_from and claim.service_to <= ends):
        yield error("the claim's service dates fall outside the statement period", "claim.institutional")
    for index, line in enumerate(claim.lines):
        if not starts <= line.service_date <= ends:
            yield error("the line's date of service is outside the statement period",
                        line_field(index, "service_date"))
    if institutional.admission_date is not None and institutional.admission_date > ends:
        yield error("the admission date is after the statement period", "claim.institutional.admission_date")


@RULES.rule("attending-provider", "An institutional claim names its attending provider with a valid NPI.",
            "X223A2 2310A (required unless only non-scheduled transportation is billed)")
def attending_provider(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = _institutional(document)
    if institutional is None:
        return
    if institutional.attending is None:
        yield error("the attending provider is missing", "claim.institutional.attending")
    elif not is_valid_npi(institutional.attending.npi):
        yield error(f"{institutional.attending.npi!r} is not a valid NPI for the attending provider",
                    "claim.institutional.attending.npi")


@RULES.rule("outpatient-hcpcs", "Hospital outpatient lines in coded revenue groups carry a HCPCS/CPT code.",
            "Medicare Claims Processing Manual ch. 4 (OPPS HCPCS reporting); X223A2 2400 SV202")
def outpatient_hcpcs(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    bill = type_of_bill(document) if _institutional(document) else None
    if bill is None or bill.code[1:3] not in _HCPCS_BILL_TYPES:
        return
    for index, line in enumerate(document.claim.lines):
        group = _HCPCS_REVENUE_GROUPS.get(line.revenue_code[:3])
        if group and not line.procedure_code:
            yield error(f"revenue code {line.revenue_code} ({group}) on an outpatient bill needs a HCPCS/CPT code",
                        line_field(index, "procedure_code"))
