"""Rules about the parties on a claim: billing, rendering and referring providers, payer, subscriber, patient.

Loop and element names are those of the 837 implementation guides (ASC X12 005010X222A1 professional,
005010X223A2 institutional), whose rules for these loops agree.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from chalicelib.coding.npi import is_valid_npi, is_valid_taxonomy
from chalicelib.edi.claim.document import Address, ClaimDocument, Provider
from chalicelib.scrubbing.scrub import Flag, RuleSet, ScrubContext, error, patient_of, service_dates

RULES = RuleSet()

# 2010AA N301/N302: "The Billing Provider Address must be a street address. Post Office Box or Lock Box
# addresses are to be sent in the Pay-To Address Loop (2010AB)."
_PO_BOX = re.compile(r"\bP\.?\s*O\.?\s*B(?:O)?X\b|\bPOST\s+OFFICE\s+BOX\b|\bLOCK\s*BOX\b|\bPOB\s*\d",
                     re.IGNORECASE)
_TAX_ID = re.compile(r"\d{9}")  # 2010AA REF02 with REF01 EI (EIN) or SY (SSN): nine digits, no hyphen
_ZIP = re.compile(r"\d{5}(?:\d{4})?")
# Identifiers we write into X12 elements: letters, digits and hyphens only, so no delimiter (* : ^ ~) or
# control character can reach the file; NM109 is 2 to 80 characters.
_X12_ID = re.compile(r"[A-Za-z0-9-]{2,80}")
# 2000C PAT01: spouse, child, employee, unknown, organ donor, cadaver donor, life partner, other relationship.
# 18 (self) is not among them: a patient who is the subscriber has no 2000C loop.
_RELATIONSHIPS = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})


def _npi_problem(provider: Provider, path: str, role: str) -> Iterator[Flag]:
    if not provider.npi:
        yield error(f"the {role} NPI is missing", f"{path}.npi")
    elif not is_valid_npi(provider.npi):
        yield error(f"{provider.npi} is not a valid NPI: ten digits with a correct check digit", f"{path}.npi")


@RULES.rule("billing-npi", "The billing provider has a valid NPI.",
            "X222A1/X223A2 2010AA NM109 (XX); CMS NPI check digit (Luhn over prefix 80840)")
def billing_npi(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    yield from _npi_problem(document.billing, "billing", "billing provider")


@RULES.rule("billing-tax-id", "The billing provider's tax id is nine digits.", "X222A1/X223A2 2010AA REF*EI")
def billing_tax_id(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if not _TAX_ID.fullmatch(document.billing.tax_id):
        yield error("the billing provider's tax id (EIN) must be nine digits without a hyphen", "billing.tax_id")


@RULES.rule("billing-address", "The billing provider has a street address, not a PO box or lock box.",
            "X222A1/X223A2 2010AA N301 note")
def billing_address(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    address = document.billing.address
    if address is None or not (address.line1.strip() and address.city.strip() and address.state.strip()):
        yield error("the billing provider's street address, city and state are required", "billing.address")
    elif _PO_BOX.search(f"{address.line1} {address.line2}"):
        yield error("the billing provider address cannot be a PO box or lock box: put it in the pay-to address "
                    "and give the street address here", "billing.address.line1")


@RULES.rule("billing-zip-plus-four", "The billing provider's ZIP code has nine digits.",
            "X222A1/X223A2 2010AA N403")
def billing_zip_plus_four(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    address = document.billing.address
    if address is not None and not re.fullmatch(r"\d{9}", address.zip):
        yield error("the billing provider's ZIP code must be the full nine digits (ZIP+4)",
                    "billing.address.zip")


@RULES.rule("address-zip", "Other addresses carry a five- or nine-digit ZIP code.",
            "X222A1 2010AB, 2010BA, 2010CA N403")
def address_zip(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    addresses: list[tuple[Address | None, str]] = [(document.pay_to, "pay_to"),
                                                    (document.subscriber.person.address, "subscriber.person.address")]
    if document.patient is not None:
        addresses.append((document.patient.person.address, "patient.person.address"))
    for address, path in addresses:
        if address is not None and not _ZIP.fullmatch(address.zip):
            yield error("a ZIP code must be five or nine digits", f"{path}.zip")


@RULES.rule("taxonomy-format", "Provider taxonomy codes have the NUCC shape.", "NUCC taxonomy code set; PRV03")
def taxonomy_format(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    for provider, path in _providers(document):
        if provider.taxonomy_code and not is_valid_taxonomy(provider.taxonomy_code):
            yield error(f"{provider.taxonomy_code} is not a NUCC taxonomy code (ten characters ending in X)",
                        f"{path}.taxonomy_code")


@RULES.rule("rendering-npi", "A rendering provider has a valid NPI.", "X222A1 2310B NM109")
def rendering_npi(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if document.claim.rendering is not None:
        yield from _npi_problem(document.claim.rendering, "claim.rendering", "rendering provider")


@RULES.rule("referring-npi", "A referring provider has a valid NPI.", "X222A1 2310A / X223A2 2310F NM109")
def referring_npi(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if document.claim.referring is not None:
        yield from _npi_problem(document.claim.referring, "claim.referring", "referring provider")


@RULES.rule("payer-id", "The payer id is present and safe to write.", "X222A1/X223A2 2010BB NM109 (PI)")
def payer_id(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if not _X12_ID.fullmatch(document.payer.payer_id):
        yield error("the payer id is missing or has characters other than letters, digits and hyphens",
                    "payer.payer_id")


@RULES.rule("member-id", "The subscriber's member id is present and safe to write.",
            "X222A1/X223A2 2010BA NM109 (MI), 2 to 80 characters")
def member_id(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # The message never repeats the id: it is patient data.
    if not document.subscriber.member_id.strip():
        yield error("the subscriber's member id is missing", "subscriber.member_id")
    elif not _X12_ID.fullmatch(document.subscriber.member_id):
        yield error("the member id must be 2 to 80 letters, digits or hyphens (as on the insurance card)",
                    "subscriber.member_id")


@RULES.rule("person-name", "The subscriber and patient have a last and first name.",
            "X222A1/X223A2 2010BA, 2010CA NM103/NM104")
def person_name(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    people = [(document.subscriber.person, "subscriber.person")]
    if document.patient is not None:
        people.append((document.patient.person, "patient.person"))
    for person, path in people:
        for name in ("last_name", "first_name"):
            if not getattr(person, name).strip():
                # Also what a name stored before X12's letters were asked for becomes (claims/builder.py).
                yield error(f"the {name.replace('_', ' ')} is missing or has letters an X12 claim cannot carry: "
                            "give the name as the insurance card prints it (name_on_card)", f"{path}.{name}")


@RULES.rule("birth-date", "Birth dates are not in the future nor after the date of service.",
            "X222A1/X223A2 2010BA, 2010CA DMG02")
def birth_date(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    subscriber_born_later = document.subscriber.person.birth_date > context.today
    if subscriber_born_later:
        yield error("the subscriber's birth date is in the future", "subscriber.person.birth_date")
    patient, path = patient_of(document)
    # One finding per field: a subscriber-patient born in the future is also born after the service.
    if patient.birth_date > document.claim.service_from and not (subscriber_born_later and document.patient is None):
        yield error("the patient's birth date is after the first date of service", f"{path}.birth_date")


@RULES.rule("patient-relationship", "A patient who is not the subscriber has a valid relationship code.",
            "X222A1/X223A2 2000C PAT01")
def patient_relationship(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if document.patient is not None and document.patient.relationship not in _RELATIONSHIPS:
        yield error(f"relationship {document.patient.relationship!r} is not a 2000C PAT01 code: one of "
                    f"{', '.join(sorted(_RELATIONSHIPS))} (18, self, means the patient is the subscriber)",
                    "patient.relationship")


@RULES.rule("coverage-in-effect", "The coverage billed is in effect on every date of service.",
            "X222A1/X223A2 2000B SBR: the payer named is the one liable on the date of service; the coverage's "
            "effective dates as the practice recorded them")
def coverage_in_effect(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    # No dates in the message: dates of service are the patient's.
    facts = context.coverage
    if facts is None:
        return
    outside = [day for day in service_dates(document) if not facts.in_effect(day)]
    if any(day < facts.effective_from for day in outside):
        yield error("the coverage billed starts after a date of service: bill the coverage in effect then, or "
                    "correct the coverage's start date", "coverage_id")
    elif outside:
        yield error("the coverage billed had ended before a date of service: bill the coverage in effect then, or "
                    "correct the coverage's end date", "coverage_id")


@RULES.rule("eligibility-inactive", "The payer's latest eligibility answer for each date of service is not "
            "'inactive'.", "X279A1 2110C EB01 6 (inactive): the payer says it will not pay for that date")
def eligibility_inactive(document: ClaimDocument, context: ScrubContext) -> Iterator[Flag]:
    if context.coverage is not None and context.coverage.inactive_on:
        yield error("the payer's latest eligibility answer for a date of service says the coverage is inactive: "
                    "check eligibility again or bill the coverage in effect then", "coverage_id")


def _providers(document: ClaimDocument) -> list[tuple[Provider, str]]:
    claim = document.claim
    found = [(document.billing, "billing")]
    found += [(p, path) for p, path in ((claim.rendering, "claim.rendering"), (claim.referring, "claim.referring"))
              if p is not None]
    if claim.institutional is not None and claim.institutional.attending is not None:
        found.append((claim.institutional.attending, "claim.institutional.attending"))
    return found
