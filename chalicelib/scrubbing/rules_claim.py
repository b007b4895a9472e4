"""Rules about the claim as a whole (837 loop 2300): its control number, type, frequency, dates, total, place
of service, and whether it was already billed or is too late to bill.

Messages name no date of service: dates of service are patient data under HIPAA. They give counts of days.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from chalicelib.coding.institutional import FREQUENCY_CODES, PROFESSIONAL_FREQUENCY_CODES, REFERS_TO_PRIOR_CLAIM
from chalicelib.coding.place_of_service import is_place_of_service
from chalicelib.core.money import Money
from chalicelib.edi.claim import coordination
from chalicelib.edi.claim.document import ClaimDocument
from chalicelib.scrubbing.scrub import Flag, RuleSet, ScrubContext, error, last_service_date, line_field, warning

RULES = RuleSet()

_CONTROL_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")  # CLM01: at most 20 characters; no X12 delimiters
TIMELY_FILING_WARNING_DAYS = 14  # warn this many days before the payer's limit, while there is time to bill


@RULES.rule("patient-control-number", "The claim has a patient control number of at most 20 characters.",
            "X222A1/X223A2 2300 CLM01")
def patient_control_number(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if not _CONTROL_NUMBER.fullmatch(document.claim.patient_control_number):
        yield error("the patient control number must be 1 to 20 letters, digits or hyphens",
                    "claim.patient_control_number")


@RULES.rule("claim-type", "An institutional claim carries its UB-04 data; a professional claim does not.",
            "X223A2 2300 CL1/DTP*434 required; X222A1 has no such segments")
def claim_type(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.claim_type == "institutional" and claim.institutional is None:
        yield error("an institutional claim needs its type of bill and statement period", "claim.institutional")
    elif claim.claim_type == "professional" and claim.institutional is not None:
        yield error("a professional claim cannot carry institutional (UB-04) data", "claim.institutional")


@RULES.rule("claim-frequency", "The frequency code is one the claim type allows.",
            "X222A1 2300 CLM05-3 (1, 7, 8); X223A2 CLM05-3 (NUBC FL 4 frequency)")
def claim_frequency(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    allowed = PROFESSIONAL_FREQUENCY_CODES if claim.claim_type == "professional" else frozenset(FREQUENCY_CODES)
    if claim.frequency_code not in allowed:
        yield error(f"frequency code {claim.frequency_code!r} is not allowed on a {claim.claim_type} claim: one of "
                    f"{', '.join(sorted(allowed))}", "claim.frequency_code")


@RULES.rule("payer-claim-control-number", "Replacements and voids name the payer's claim; originals do not.",
            "X222A1/X223A2 2300 REF*F8 (required when CLM05-3 is 7 or 8)")
def payer_claim_control_number(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.frequency_code in REFERS_TO_PRIOR_CLAIM and not claim.payer_claim_control_number.strip():
        yield error("a replacement (7) or void (8) needs the payer's claim control number of the claim it "
                    "replaces", "claim.payer_claim_control_number")
    elif claim.frequency_code == "1" and claim.payer_claim_control_number:
        yield error("an original claim (frequency 1) cannot carry a payer claim control number: use frequency 7 "
                    "to replace a claim", "claim.payer_claim_control_number")


@RULES.rule("duplicate-claim", "No other live claim bills the same services.",
            "payer duplicate-claim edits (CARC 18); claims found by fingerprint")
def duplicate_claim(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if context.duplicate_of:
        yield error(f"claim {', '.join(context.duplicate_of)} already bills the same patient, provider, dates and "
                    "procedures: void or replace that claim instead", "claim")


@RULES.rule("place-of-service", "A professional claim's place of service codes are CMS POS codes.",
            "X222A1 2300 CLM05-1, 2400 SV105; CMS place of service code set")
def place_of_service(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.claim_type != "professional":
        return  # on an 837I, CLM05-1 is the type of bill (rules_institutional)
    if not is_place_of_service(claim.place_of_service):
        yield error(f"{claim.place_of_service!r} is not a CMS place of service code", "claim.place_of_service")
    for index, line in enumerate(claim.lines):
        if line.place_of_service and not is_place_of_service(line.place_of_service):
            yield error(f"{line.place_of_service!r} is not a CMS place of service code",
                        line_field(index, "place_of_service"))


@RULES.rule("service-period", "The service period runs forward and holds every professional line's date.",
            "X222A1 2400 DTP*472 within the claim's dates")
def service_period(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.service_from > claim.service_to:
        yield error("the service period ends before it starts", "claim.service_to")
        return
    if claim.claim_type != "professional":
        return  # an 837I's dates on the wire are the statement period: rule statement-period holds its lines
    for index, line in enumerate(claim.lines):
        if not claim.service_from <= line.service_date <= claim.service_to:
            yield error("the line's date of service is outside the claim's service period",
                        line_field(index, "service_date"))


@RULES.rule("future-service-date", "No date of service is after today.",
            "payers deny services not yet rendered; X222A1 2400 DTP*472")
def future_service_date(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    if claim.service_to > context.today:
        yield error("the service period ends in the future: bill once the services are rendered",
                    "claim.service_to")
    for index, line in enumerate(claim.lines):
        if line.service_date > context.today:
            yield error("the line's date of service is in the future", line_field(index, "service_date"))


@RULES.rule("timely-filing", "The claim goes out within the payer's filing limit.",
            "payer timely filing limit (Medicare: 12 months from the date of service, 42 CFR 424.44)")
def timely_filing(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    elapsed = (context.today - last_service_date(document)).days
    limit = context.timely_filing_days
    if elapsed > limit:
        yield error(f"{elapsed} days since the last date of service: past the payer's {limit}-day filing limit",
                    "claim.service_to")
    elif elapsed > limit - TIMELY_FILING_WARNING_DAYS:
        yield warning(f"{elapsed} days since the last date of service: {limit - elapsed} days left before the "
                      f"payer's {limit}-day filing limit", "claim.service_to")


@RULES.rule("total-charge", "The claim's total charge equals the sum of its lines.",
            "X222A1/X223A2 2300 CLM02: the sum of 2400 SV102 / SV203")
def total_charge(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    claim = document.claim
    lines_total = sum(line.charge_cents for line in claim.lines)
    if claim.total_charge_cents != lines_total:
        yield error(f"the total charge ({Money(claim.total_charge_cents)}) differs from the sum of the lines "
                    f"({Money(lines_total)})", "claim.total_charge_cents")


@RULES.rule("other-payers-balance", "An earlier payer's adjudication answers every line and balances to the charges.",
            "X222A1/X223A2 2320 AMT*D and 2430 SVD02 notes (coordination of benefits balancing)")
def other_payers_balance(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # A secondary claim's lines edited after it was built no longer match what the earlier payer adjudicated.
    for _, words in coordination.imbalances(document):
        yield error(f"{words}: put the lines back as billed to that payer, or build the claim again from its "
                    "835", "other_payers")
