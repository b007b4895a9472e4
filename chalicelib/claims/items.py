"""Stored claims (pk=PRACTICE#p, sk=CLAIM#id), their history, batches and the pointers that keep them unique.

A claim keeps the `ClaimDocument` it was built from as JSON (`document`): the snapshot the 837 is written
from, so a batch of N claims needs no other reads. It holds patient data: the table is KMS-encrypted and the
document never reaches a log. gsi1 keys the practice's claims by status (work lists), gsi2 by duplicate
fingerprint.
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item


class ClaimItem(Item, discriminator="claim"):
    practice_id = UnicodeAttribute()
    visit_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    coverage_id = UnicodeAttribute()
    payer_ref = UnicodeAttribute()  # the practice's payer item id
    claim_type = UnicodeAttribute()  # professional | institutional
    status = UnicodeAttribute()
    frequency_code = UnicodeAttribute()
    patient_control_number = UnicodeAttribute()  # CLM01, from the firm's counter
    document = UnicodeAttribute()  # JSON of the ClaimDocument (patient data)
    findings = UnicodeAttribute()  # JSON list of scrubber findings
    error_count = NumberAttribute()
    warning_count = NumberAttribute()
    total_charge_cents = NumberAttribute()
    service_from = UnicodeAttribute()
    service_to = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    event_count = NumberAttribute()
    replaces_claim_id = UnicodeAttribute(null=True)
    replaced_by_claim_id = UnicodeAttribute(null=True)
    payer_claim_control_number = UnicodeAttribute(null=True)
    batch_id = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute(null=True)


class ClaimEvent(Item, discriminator="claim_event"):
    """One step of a claim's history (sk=CLAIM#id#EVENT#00001), written in the transaction that made it."""

    claim_id = UnicodeAttribute()
    sequence = NumberAttribute()
    event = UnicodeAttribute()  # built | edited | scrubbed | submitted | replaced | voided ...
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    actor = UnicodeAttribute()  # the API key id, or the job that acted
    detail = UnicodeAttribute(null=True)  # JSON, ids and codes only


class VisitClaim(Item, discriminator="visit_claim"):
    """One per visit with a live claim (sk=VISIT#id#CLAIM): a second build of the same visit answers 409."""

    claim_id = UnicodeAttribute()


class ClaimNumber(Item, discriminator="claim_number"):
    """pk=FIRM#f, sk=PCN#number: finds a claim from the patient control number a 999, 277CA or 835 echoes."""

    practice_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()


class ClaimBatch(Item, discriminator="claim_batch"):
    """One 837 file: claims of one type to one payer (sk=BATCH#id)."""

    practice_id = UnicodeAttribute()
    payer_ref = UnicodeAttribute()
    claim_type = UnicodeAttribute()
    claim_ids = ListAttribute(of=UnicodeAttribute)
    claim_count = NumberAttribute()
    total_charge_cents = NumberAttribute()
    interchange_control_number = NumberAttribute()
    file_key = UnicodeAttribute()
    file_bytes = NumberAttribute()
    status = UnicodeAttribute()  # sent
