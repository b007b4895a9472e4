"""Stored visits (pk=PRACTICE#p, sk=VISIT#id; gsi1: the practice's visits of one day, by time)."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item


class Visit(Item, discriminator="visit"):
    practice_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    provider_id = UnicodeAttribute()
    coverage_id = UnicodeAttribute(null=True)
    # The billed coverage's payer, copied when the visit is booked (a coverage never changes payer), so that
    # check-in and the claim read the payer together with the coverage; visits booked before it have none.
    payer_id = UnicodeAttribute(null=True)
    scheduled_at = UnicodeAttribute()  # UTC ISO-8601
    visit_date = UnicodeAttribute()  # the practice-local date the visit was booked for
    duration_minutes = NumberAttribute()
    visit_type = UnicodeAttribute()
    place_of_service = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # scheduled | checked_in | checked_out | cancelled | no_show
    checked_in_at = UnicodeAttribute(null=True)
    checked_out_at = UnicodeAttribute(null=True)
    cancelled_reason = UnicodeAttribute(null=True)
    eligibility_check_id = UnicodeAttribute(null=True)
    expected_copay_cents = NumberAttribute(null=True)
    utc_offset_minutes = NumberAttribute(null=True)  # the offset it was booked with: the practice's clock
    warnings = UnicodeAttribute(null=True)  # JSON list of {code, message}: what the desk was told at the last move


class VisitCoding(Item, discriminator="visit_coding"):
    """The coded encounter of a visit (sk=VISIT#<id>#CODING): diagnoses and priced service lines."""

    practice_id = UnicodeAttribute()
    visit_id = UnicodeAttribute()
    diagnoses = UnicodeAttribute()  # JSON list of undotted ICD-10-CM codes, in claim order
    lines = UnicodeAttribute()  # JSON list of priced lines
    rendering_provider_id = UnicodeAttribute()
    total_charge_cents = NumberAttribute()
    warnings = UnicodeAttribute()  # JSON list
