"""Stored items of patients and coverages (pk=PRACTICE#p). Keys are built in chalicelib/db/keys.py."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Address, Item


class NameOnCard(MapAttribute):
    """The name as the insurance card prints it: what X12 files carry when the registered one cannot go."""

    first_name = UnicodeAttribute()
    middle_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute()


class Person(MapAttribute):
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    birth_date = UnicodeAttribute(null=True)
    sex = UnicodeAttribute(null=True)
    name_on_card = NameOnCard(null=True)


class Guarantor(MapAttribute):
    relationship = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    address = Address(null=True)


class Patient(Item, discriminator="patient"):
    """gsi1: the practice's patients by normalized name then birth date; gsi2: by birth date then name."""

    practice_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    middle_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute()
    birth_date = UnicodeAttribute()
    sex = UnicodeAttribute()
    address = Address()
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    mrn = UnicodeAttribute(null=True)
    guarantor = Guarantor(null=True)
    name_on_card = NameOnCard(null=True)  # patients/names.py: set when the name cannot be written in X12


class MrnClaim(Item, discriminator="mrn"):
    """One per MRN in a practice: makes MRNs unique (conditional put) and finds a patient by MRN (GetItem)."""

    patient_id = UnicodeAttribute()


class Coverage(Item, discriminator="coverage"):
    practice_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    payer_id = UnicodeAttribute()
    member_id = UnicodeAttribute()
    group_number = UnicodeAttribute(null=True)
    plan_name = UnicodeAttribute(null=True)
    relationship = UnicodeAttribute()
    subscriber = Person(null=True)
    order = UnicodeAttribute()
    effective_from = UnicodeAttribute()
    effective_to = UnicodeAttribute(null=True)
    active = BooleanAttribute()


class CoverageOrderClaim(Item, discriminator="coverage_order"):
    """One per (patient, order) while a coverage of that order is active: at most one active primary, etc."""

    coverage_id = UnicodeAttribute()


class EligibilityCheck(Item, discriminator="eligibility_check"):
    """One 270 sent and what its 271 said (sk=PATIENT#id#ELIG#<ulid>, so a patient's checks sort by time).
    The documents themselves are kept in the EDI bucket under `raw_key`."""

    practice_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    coverage_id = UnicodeAttribute()
    visit_id = UnicodeAttribute(null=True)
    service_type = UnicodeAttribute()
    service_date = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # active | inactive | rejected | unknown | error
    plan_name = UnicodeAttribute(null=True)
    coverage_start = UnicodeAttribute(null=True)
    coverage_end = UnicodeAttribute(null=True)
    benefits = UnicodeAttribute(null=True)  # JSON of the figures for the service type (cents, fractions)
    rejections = UnicodeAttribute(null=True)  # JSON list of {level, code, reason, follow_up}
    expected_copay_cents = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    control_number = NumberAttribute()
    raw_key = UnicodeAttribute()
