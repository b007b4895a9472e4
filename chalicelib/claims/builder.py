"""From stored items (practice, payer, patient, coverage, visit and its coding) to a `ClaimDocument`.

Pure: the service reads the items and passes them in. Text is folded to X12's basic character set here, once,
so the document the scrubber judges is exactly what the 837 will say; people are named as patients/names.py
says (the card's spelling when there is one). Nothing is validated here: a missing or wrong fact, a name stored
before X12's letters were asked for among them, becomes a scrubber finding the biller can see and fix.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.edi.claim.document import (
    Address,
    Claim,
    ClaimDocument,
    ClaimType,
    Institutional,
    Line,
    PatientOfSubscriber,
    Payer,
    Person,
    Provider,
    Subscriber,
)
from chalicelib.db.models import Payer as PayerItem
from chalicelib.db.models import Practice
from chalicelib.db.models import Provider as ProviderItem
from chalicelib.edi.x12.charset import x12_text
from chalicelib.patients.items import Coverage, Patient, Person as Holder
from chalicelib.patients.names import X12Name, for_x12
from chalicelib.visits.items import Visit, VisitCoding

# PAT01 (X222A1 / X223A2 loop 2000C): the patient's relationship to the subscriber.
RELATIONSHIP_CODES = {"spouse": "01", "child": "19", "other": "G8"}


def address(stored: Any) -> Address:
    return Address(x12_text(stored.line1, 55), x12_text(stored.city, 30), stored.state, stored.zip,
                   x12_text(stored.line2, 55))


def provider(item: ProviderItem) -> Provider:
    if item.entity_type == "organization":
        return Provider("organization", item.npi, x12_text(item.organization_name), taxonomy_code=item.taxonomy_code)
    return Provider("individual", item.npi, x12_text(item.last_name), x12_text(item.first_name),
                    taxonomy_code=item.taxonomy_code)


def billing_provider(practice: Practice) -> Provider:
    return Provider("organization", practice.npi, x12_text(practice.name), tax_id=practice.tax_id.replace("-", ""),
                    address=address(practice.address))


def _person(holder: Patient | Holder, birth_date: str, home: Address) -> Person:
    # A name X12 cannot write is left empty: the scrubber's person-name rule asks for the card's spelling.
    name = for_x12(holder) or X12Name("", "")
    sex = holder.sex if holder.sex in ("F", "M") else "U"
    return Person(name.last[:60], name.first[:35], date.fromisoformat(birth_date), sex,  # type: ignore[arg-type]
                  home, name.middle[:25])


def parties(patient: Patient, coverage: Coverage, filing_indicator: str = "CI"
            ) -> tuple[Subscriber, PatientOfSubscriber | None]:
    """2000B names the policy holder; 2000C the patient, only when someone else holds the policy."""
    home = address(patient.address)
    patient_person = _person(patient, patient.birth_date, home)
    order = {"primary": "P", "secondary": "S", "tertiary": "T"}.get(coverage.order, "P")
    if coverage.relationship == "self" or coverage.subscriber is None:
        holder, dependent = patient_person, None
    else:
        held = coverage.subscriber
        holder = _person(held, held.birth_date or patient.birth_date, home)
        dependent = PatientOfSubscriber(patient_person, RELATIONSHIP_CODES.get(coverage.relationship, "G8"))
    subscriber = Subscriber(holder, coverage.member_id, order,  # type: ignore[arg-type]
                            group_number=coverage.group_number or "",
                            group_name="" if coverage.group_number else x12_text(coverage.plan_name, 60),
                            claim_filing_indicator=filing_indicator)
    return subscriber, dependent


def lines(coding: VisitCoding, day: date, pcn: str) -> tuple[Line, ...]:
    """Each line's REF*6R control number is the claim's number and the line's: the 835 echoes it back."""
    return tuple(Line(n, line["code"], int(line["charge_cents"]), int(line["units"]), day,
                      tuple(line["diagnosis_pointers"]), tuple(line["modifiers"]), line.get("revenue_code") or "",
                      control_number=f"{pcn}-{n}")
                 for n, line in enumerate(json.loads(coding.lines), start=1))


@dataclass(frozen=True)
class BuildInput:
    """Everything a claim is built from, already read and checked to belong to one practice."""

    claim_id: str
    patient_control_number: str
    claim_type: ClaimType
    practice: Practice
    payer: PayerItem
    patient: Patient
    coverage: Coverage
    visit: Visit
    coding: VisitCoding
    rendering: ProviderItem
    referring: ProviderItem | None = None
    attending: ProviderItem | None = None
    institutional: Any = None  # claims.models.InstitutionalIn
    prior_authorization: str | None = None
    referral_number: str | None = None


def _institutional(data: BuildInput, day: date) -> Institutional | None:
    given = data.institutional
    if data.claim_type != "institutional" or given is None:
        return None
    return Institutional(given.type_of_bill, given.statement_from or day, given.statement_to or day,
                         given.admission_type or "", given.admission_source or "", given.patient_status or "",
                         given.admission_date, given.admission_hour, given.discharge_hour,
                         provider(data.attending) if data.attending else None,
                         (given.admitting_diagnosis or "").replace(".", "").upper())


def build(data: BuildInput) -> ClaimDocument:
    day = date.fromisoformat(data.visit.visit_date)
    built_lines = lines(data.coding, day, data.patient_control_number)
    institutional = _institutional(data, day)
    frequency = institutional.type_of_bill[-1] if institutional else "1"
    rendering = provider(data.rendering)
    claim = Claim(data.claim_type, data.patient_control_number, sum(line.charge_cents for line in built_lines),
                  tuple(json.loads(data.coding.diagnoses)), built_lines, day, day,
                  place_of_service="" if institutional else data.visit.place_of_service, frequency_code=frequency,
                  prior_authorization=data.prior_authorization or "", referral_number=data.referral_number or "",
                  rendering=None if institutional or rendering.npi == data.practice.npi else rendering,
                  referring=provider(data.referring) if data.referring else None, institutional=institutional)
    subscriber, patient = parties(data.patient, data.coverage, data.payer.claim_filing_indicator or "CI")
    return ClaimDocument(billing_provider(data.practice), payer_of(data.payer), subscriber, claim, patient,
                         claim_id=data.claim_id)


def payer_of(item: PayerItem) -> Payer:
    return Payer(x12_text(item.name) or "PAYER", item.payer_id, address(item.address) if item.address else None)


def renumbered(document: ClaimDocument, frequency: str, number: str, pcn: str, claim_id: str) -> ClaimDocument:
    """The document as a new claim: its own claim number (CLM01) and line control numbers (REF*6R), the
    frequency (CLM05-3, and the type of bill's last character) and the payer's number it refers to (REF*F8)."""
    claim = document.claim
    lines = tuple(dataclasses.replace(line, control_number=f"{pcn}-{line.number}") for line in claim.lines)
    institutional = claim.institutional
    if institutional is not None:
        institutional = dataclasses.replace(institutional, type_of_bill=institutional.type_of_bill[:2] + frequency)
    changed = dataclasses.replace(claim, frequency_code=frequency, payer_claim_control_number=number,
                                  patient_control_number=pcn, lines=lines, institutional=institutional)
    return dataclasses.replace(document, claim=changed, claim_id=claim_id)
