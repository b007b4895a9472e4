"""Claim documents for tests: `make_document(**overrides)` gives a clean professional claim, and
`make_institutional(**overrides)` a clean outpatient 837I one. Overrides replace fields of the `Claim`
(`lines=...`, `diagnoses=...`) or, with the names below, of the document (`billing=...`, `patient=...`)."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from chalicelib.edi.claim.document import (
    Address,
    Batch,
    Claim,
    ClaimDocument,
    Institutional,
    Line,
    Party,
    PatientOfSubscriber,
    Payer,
    Person,
    Provider,
    Subscriber,
)
from chalicelib.edi.claim.writer import write_837
from chalicelib.edi.x12.writer import ControlNumbers
from chalicelib.scrubbing.scrub import ScrubContext, scrub

DAY = date(2026, 3, 10)
CLINIC = Address("100 Main St", "Springfield", "IL", "627011234")
BILLING = Provider("organization", "1245319599", "Springfield Family Medicine", taxonomy_code="207Q00000X",
                   tax_id="123456789", address=CLINIC)
RENDERING = Provider("individual", "1679576722", "Lee", "Sam", taxonomy_code="207Q00000X")
PAYER = Payer("Aetna", "60054")
SUBSCRIBER = Subscriber(Person("Chen", "Lu", date(1966, 6, 6), "M", Address("8 Elm St", "Springfield", "IL",
                                                                            "62704")), "W123456789",
                        group_number="GRP001")
CHILD = PatientOfSubscriber(Person("Chen", "Mia", date(2015, 2, 3), "F", SUBSCRIBER.person.address), "19")
DOCUMENT_FIELDS = {"billing", "payer", "subscriber", "patient", "pay_to", "claim_id", "other_payers"}


def make_lines(count: int = 2, day: date = DAY) -> tuple[Line, ...]:
    shapes = [("99213", ("25",), 12500, 1, (1, 2)), ("82962", (), 1500, 2, (1,)), ("36415", (), 1000, 1, (1,))]
    lines = []
    for n in range(count):
        code, modifiers, unit, units, pointers = shapes[n % len(shapes)]
        lines.append(Line(n + 1, code, unit * units, units, day, pointers, modifiers, control_number=f"L{n + 1}"))
    return tuple(lines)


def make_document(**overrides) -> ClaimDocument:
    lines = overrides.pop("lines", None) or make_lines()
    claim_fields = {k: v for k, v in overrides.items() if k not in DOCUMENT_FIELDS}
    claim = Claim("professional", "C0001", sum(line.charge_cents for line in lines), ("E119", "I10"), lines, DAY,
                  DAY, rendering=RENDERING)
    claim = dataclasses.replace(claim, **claim_fields)
    document = ClaimDocument(BILLING, PAYER, SUBSCRIBER, claim, claim_id="01JCLAIM")
    return dataclasses.replace(document, **{k: v for k, v in overrides.items() if k in DOCUMENT_FIELDS})


def make_institutional(**overrides) -> ClaimDocument:
    lines = overrides.pop("lines", None) or (
        Line(1, "85025", 4500, 1, DAY, revenue_code="0300", control_number="L1"),
        Line(2, "99283", 52000, 1, DAY, revenue_code="0450", control_number="L2"))
    attending = Provider("individual", "1679576722", "Lee", "Sam", taxonomy_code="207P00000X")
    defaults = {"claim_type": "institutional", "lines": lines, "rendering": None, "place_of_service": "",
                "institutional": Institutional("131", DAY, DAY, admission_type="1", admission_source="1",
                                               patient_status="01", admission_date=DAY, admission_hour=9,
                                               attending=attending)}
    return make_document(**{**defaults, **overrides})


def make_batch(documents=None, claim_type="professional") -> Batch:
    documents = tuple(documents or [make_document()])
    return Batch(claim_type, Party("Revcycle Billing", "REVCYCLE01", "Billing Office", "2175550100"),
                 Party("Sandbox Clearinghouse", "SANDBOXCH"), documents, "B0001")


# Helpers for the 837 writer and reader tests (tests/unit/edi/test_claim_837*.py).
CREATED = datetime(2026, 3, 11, 9, 30)
CONTROLS = ControlNumbers(interchange=501, group=502, transaction=503)
OTHER_BILLING = Provider("organization", "1234567893", "Lakeside Clinic", taxonomy_code="261QP2300X",
                         tax_id="987654321", address=Address("9 Lake Rd", "Peoria", "IL", "616021234"))
REFERRING = Provider("individual", "1987654328", "Ng", "Ada")


def make_inpatient(**overrides) -> ClaimDocument:
    """An inpatient 837I claim (type of bill 111): admitted two days before DAY at 09:00, discharged on DAY
    at 14:00, a room-and-board line billed in days by revenue code alone and a lab line."""
    admitted = DAY - timedelta(days=2)
    attending = Provider("individual", "1679576722", "Lee", "Sam", taxonomy_code="207RC0000X")
    facts = Institutional("111", admitted, DAY, admission_type="1", admission_source="7", patient_status="01",
                          admission_date=admitted, admission_hour=9, discharge_hour=14, attending=attending,
                          admitting_diagnosis="R079")
    lines = (Line(1, "", 240000, 2, admitted, revenue_code="0120", control_number="L1"),
             Line(2, "85025", 4500, 1, DAY, revenue_code="0300", control_number="L2"))
    return make_institutional(**{"lines": lines, "institutional": facts, "diagnoses": ("I214", "E119"),
                                 **overrides})


def make_claims(count: int, maker=make_document, **overrides) -> list[ClaimDocument]:
    """`count` documents with distinct claim ids and patient control numbers."""
    return [maker(claim_id=f"01JCLAIM{n:05d}", patient_control_number=f"C{n:05d}", **overrides)
            for n in range(1, count + 1)]


def write(documents, claim_type="professional", **options) -> str:
    """An 837 of the documents, with fixed control numbers and time, test usage."""
    return write_837(make_batch(documents, claim_type), CONTROLS, **{"usage": "T", "created": CREATED, **options})


# Helpers for scrubber tests: change one part of a clean document, and see what one rule says about it.
TODAY = date(2026, 3, 20)  # ten days after DAY: inside the ICD-10-CM FY2026 code set and the filing limit


def with_line(document: ClaimDocument, index: int, **changes) -> ClaimDocument:
    """The document with one line changed; the claim total follows the lines, as make_document's does."""
    lines = list(document.claim.lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    claim = dataclasses.replace(document.claim, lines=tuple(lines),
                                total_charge_cents=sum(line.charge_cents for line in lines))
    return dataclasses.replace(document, claim=claim)


def with_institutional(document: ClaimDocument, **changes) -> ClaimDocument:
    claim = document.claim
    return dataclasses.replace(document, claim=dataclasses.replace(
        claim, institutional=dataclasses.replace(claim.institutional, **changes)))


def with_claim(document: ClaimDocument, **changes) -> ClaimDocument:
    """Claim fields replaced as given, with no defaults filled in (make_document turns lines=() into two)."""
    return dataclasses.replace(document, claim=dataclasses.replace(document.claim, **changes))


def rule_flags(document: ClaimDocument, rule_id: str, **context) -> list[tuple[str, str]]:
    """(severity, field) of each finding of rule `rule_id`, scrubbing on TODAY unless `today` is given."""
    found = scrub(document, ScrubContext(**{"today": TODAY, **context}))
    return [(finding.severity, finding.field) for finding in found if finding.rule_id == rule_id]


def case(label: str, rule_id: str, document: ClaimDocument, *expected: tuple[str, str], **context):
    """One row of a rule table: `rule_id` on `document` reports exactly `expected` ((severity, field) pairs)."""
    return pytest.param(rule_id, document, list(expected), context, id=f"{rule_id}: {label}")
