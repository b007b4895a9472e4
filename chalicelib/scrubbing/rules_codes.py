"""Rules about the claim's ICD-10-CM diagnoses (837 2300 HI) and the lines' pointers to them.

Codes are judged with the ICD-10-CM code set in force on the date they were coded for (`coding/icd10cm.py`
holds each loaded fiscal year; a date past the newest is judged with the newest, and the claim says once that
its year is not loaded). The demographic edits below are a subset of what CMS's Medicare Code Editor (MCE)
checks, derived from the ICD-10-CM tabular list's chapter and block ranges: the MCE's own code tables are not
loaded, so codes outside those blocks that the MCE also limits (D07.4 male, Z00.11- newborn, ...) pass
unflagged.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from chalicelib.coding import icd10cm
from chalicelib.edi.claim.document import ClaimDocument
from chalicelib.scrubbing.rules_institutional import is_inpatient
from chalicelib.scrubbing.scrub import Flag, RuleSet, ScrubContext, age_on, error, line_field, patient_of, warning

RULES = RuleSet()

MAX_PROFESSIONAL = 12  # X222A1 2300 HI: ABK principal plus 11 ABF in one segment
MAX_INSTITUTIONAL = 25  # X223A2 2300 HI: ABK principal, then two HI*ABF segments of 12 other diagnoses
MAX_POINTERS = 4  # X222A1 2400 SV107-1 to SV107-4

# Category ranges (first three characters, compared as strings: O9A sorts after O99) from the ICD-10-CM
# FY2026 tabular list's chapter and block headings.
_FEMALE_ONLY = (("C51", "C58", "malignant neoplasms of female genital organs"),
                ("N70", "N98", "diseases of the female pelvic organs and genital tract"),
                ("O00", "O9A", "pregnancy, childbirth and the puerperium (chapter 15)"))
_MALE_ONLY = (("C60", "C63", "malignant neoplasms of male genital organs"),
              ("N40", "N53", "diseases of male genital organs"))
# MCE age conflict edit, maternity diagnoses: ages 9 through 64 (the MCE widened this from 12-55; CMS MCE
# "Definitions of Medicare Code Edits", edit 4). Newborn diagnoses: age 0 only.
MATERNITY_AGES = (9, 64)


def _category(code: str) -> str:
    return code[:3].upper()


def _in_ranges(code: str, ranges: tuple[tuple[str, str, str], ...]) -> str | None:
    category = _category(code)
    return next((label for low, high, label in ranges if low <= category <= high), None)


def coding_date(document: ClaimDocument) -> date:
    """The date the diagnoses were coded for: an inpatient stay is coded with the code set in effect on the
    discharge date (the statement's through date); any other claim with the one on its first date of service
    (CMS: the code set follows the date of service, the discharge date for inpatient claims)."""
    institutional = document.claim.institutional
    if institutional is not None and is_inpatient(document):
        return institutional.statement_to
    return document.claim.service_from


@RULES.rule("diagnosis-count", "The claim has at least one diagnosis and no more than the 837 holds.",
            "X222A1 2300 HI (12 codes); X223A2 2300 HI (principal plus 24)")
def diagnosis_count(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    most = MAX_PROFESSIONAL if claim.claim_type == "professional" else MAX_INSTITUTIONAL
    if not claim.diagnoses:
        yield error("the claim needs at least one diagnosis", "claim.diagnoses")
    elif len(claim.diagnoses) > most:
        yield error(f"{len(claim.diagnoses)} diagnoses: a {claim.claim_type} claim holds at most {most}",
                    "claim.diagnoses")


@RULES.rule("diagnosis-duplicate", "No diagnosis is listed twice.", "MCE edit 3 (duplicate of principal); X12 HI")
def diagnosis_duplicate(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    seen: set[str] = set()
    for index, code in enumerate(document.claim.diagnoses):
        key = icd10cm.normalize(code) or code
        if key in seen:
            yield error(f"{icd10cm.dotted(key)} is listed more than once", f"claim.diagnoses.{index}")
        seen.add(key)


def icd10cm_code_set(document: ClaimDocument) -> str:
    """The name of the ICD-10-CM code set that judges the claim's diagnoses (FY2027), which the claim records."""
    return icd10cm.basis(coding_date(document)).code_set.name


@RULES.rule("diagnosis-code-set", "The ICD-10-CM code set in force on the claim's coding date is loaded.",
            "CMS/NCHS: the code set of the date of service (of discharge, inpatient), updated every October 1")
def diagnosis_code_set(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # Once per claim rather than once per diagnosis: a warning on every code teaches billers to skip warnings.
    note = icd10cm.basis(coding_date(document)).note()
    if note and document.claim.diagnoses:
        yield warning(note, "claim.diagnoses")


@RULES.rule("diagnosis-code", "Each diagnosis is a billable ICD-10-CM code on the date it was coded for.",
            "CDC/NCHS ICD-10-CM tabular list (FY code set by date of service); MCE edit 1 (invalid code)")
def diagnosis_code(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    day = coding_date(document)
    for index, code in enumerate(document.claim.diagnoses):
        yield from _code_problems(code, day, f"claim.diagnoses.{index}")


def _code_problems(code: str, day: date, field: str) -> Iterator[Flag]:
    key = icd10cm.normalize(code)
    if key is not None and key != code:
        yield error(f"write {key} without the dot, in upper case, as the 837 HI segment carries it", field)
    for problem in icd10cm.validate_diagnosis(code, day):
        yield Flag(problem.severity, problem.message, field)


@RULES.rule("admitting-diagnosis", "An inpatient claim has a valid admitting diagnosis.",
            "X223A2 2300 HI*ABJ (required on inpatient admission claims); UB-04 FL 69")
def admitting_diagnosis(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    institutional = document.claim.institutional
    if institutional is None or document.claim.claim_type != "institutional" or not is_inpatient(document):
        return
    field = "claim.institutional.admitting_diagnosis"
    if not institutional.admitting_diagnosis:
        yield error("an inpatient claim needs the admitting diagnosis", field)
        return
    yield from _code_problems(institutional.admitting_diagnosis, coding_date(document), field)


@RULES.rule("diagnosis-manifestation-first", "A manifestation code is not the first-listed diagnosis.",
            "ICD-10-CM Official Guidelines I.A.13 (in diseases classified elsewhere: never first-listed)")
def diagnosis_manifestation_first(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # The index has no "code first" notes; the guideline says a title ending "in diseases classified
    # elsewhere" marks a manifestation code, and those are the ones this rule can see.
    first = document.claim.diagnoses[0] if document.claim.diagnoses else ""
    found = icd10cm.lookup(first, coding_date(document)) if first else None
    if found is not None and "in diseases classified elsewhere" in found.description.lower():
        yield error(f"{found.dotted} is a manifestation code: list the underlying condition first",
                    "claim.diagnoses.0")


@RULES.rule("diagnosis-external-cause-first", "An external cause code (V00-Y99) is not the first-listed diagnosis.",
            "ICD-10-CM Official Guidelines I.C.20 (never principal or first-listed); MCE edit 2")
def diagnosis_external_cause_first(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    first = document.claim.diagnoses[0] if document.claim.diagnoses else ""
    if first[:1].upper() in ("V", "W", "X", "Y"):
        yield error(f"{icd10cm.dotted(first)} is an external cause code: it follows the injury or condition it "
                    "explains and cannot be listed first", "claim.diagnoses.0")


@RULES.rule("diagnosis-sex", "Sex-specific diagnoses match the patient's sex.",
            "ICD-10-CM tabular list blocks C51-C58, N70-N98, O00-O9A (female), C60-C63, N40-N53 (male)")
def diagnosis_sex(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # A warning, not an error: CMS has deactivated the MCE's sex conflict edit, and the claim may be right
    # (a transgender patient, or a payer's own gender on file); some payers still deny, so a biller looks.
    patient, _ = patient_of(document)
    if patient.sex not in ("F", "M"):
        return
    conflicting = _MALE_ONLY if patient.sex == "F" else _FEMALE_ONLY
    other = "male" if patient.sex == "F" else "female"
    for index, code in enumerate(document.claim.diagnoses):
        label = _in_ranges(code, conflicting)
        if label:
            yield warning(f"{icd10cm.dotted(code)} is in {label}, coded for {other} patients: check the patient's "
                          "sex on file or the code", f"claim.diagnoses.{index}")


@RULES.rule("diagnosis-age", "Maternity and perinatal diagnoses fit the patient's age.",
            "CMS MCE edit 4 (age conflict: maternity 9-64, newborn 0); ICD-10-CM chapters 15 and 16")
def diagnosis_age(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # Warnings: both are "unlikely", not impossible, and chapter 16 codes may be used at any age while the
    # perinatal condition persists (Official Guidelines I.C.16.a.4).
    patient, _ = patient_of(document)
    age = age_on(patient.birth_date, document.claim.service_from)
    low, high = MATERNITY_AGES
    for index, code in enumerate(document.claim.diagnoses):
        category = _category(code)
        if "O00" <= category <= "O9A" and not low <= age <= high:
            yield warning(f"{icd10cm.dotted(code)} is a maternity diagnosis, expected for patients aged {low} to "
                          f"{high}: the patient's age is outside it", f"claim.diagnoses.{index}")
        elif "P00" <= category <= "P96" and age != 0:
            yield warning(f"{icd10cm.dotted(code)} is a perinatal diagnosis, expected on a newborn's claim: use it "
                          "past the first year only while the perinatal condition persists", f"claim.diagnoses.{index}")


@RULES.rule("diagnosis-pointers", "Each professional line points at one to four listed diagnoses.",
            "X222A1 2400 SV107 (SV107-1 required; pointers 1-12 into 2300 HI)")
def diagnosis_pointers(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.claim_type != "professional":
        return
    for index, line in enumerate(claim.lines):
        field, pointers = line_field(index, "diagnosis_pointers"), line.diagnosis_pointers
        if not pointers:
            yield error("the line needs a diagnosis pointer: the first one is required", field)
        elif len(pointers) > MAX_POINTERS:
            yield error(f"{len(pointers)} diagnosis pointers: at most {MAX_POINTERS}", field)
        elif len(set(pointers)) != len(pointers):
            yield error("a diagnosis pointer repeats on the line", field)
        for pointer in pointers:
            if not 1 <= pointer <= len(claim.diagnoses):
                yield error(f"pointer {pointer} does not point at a listed diagnosis (1 to {len(claim.diagnoses)})",
                            field)
