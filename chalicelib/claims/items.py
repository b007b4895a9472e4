"""Stored claims (pk=PRACTICE#p, sk=CLAIM#id), their history, batches and the pointers that keep them unique.

A claim keeps the `ClaimDocument` it was built from as JSON (`document`): the snapshot the 837 is written
from, so a batch of N claims needs no other reads; and, beside it, that document's 837 segments as formatted
when it was judged (`segments`, claims/codec.py), which are what a submission writes. Both hold patient data:
the table is KMS-encrypted and neither ever reaches a log. gsi1 keys the practice's claims by status (work
lists), gsi2 by duplicate fingerprint.
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item, Recoverable


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
    segments = UnicodeAttribute(null=True)  # JSON: the document's 837 segments, rendered when judged (codec.py)
    findings = UnicodeAttribute()  # JSON list of scrubber findings
    icd10cm_code_set = UnicodeAttribute(null=True)  # the ICD-10-CM code set that judged the diagnoses (FY2027)
    error_count = NumberAttribute()
    warning_count = NumberAttribute()
    total_charge_cents = NumberAttribute()
    service_from = UnicodeAttribute()
    service_to = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    event_count = NumberAttribute()
    replaces_claim_id = UnicodeAttribute(null=True)
    replaced_by_claim_id = UnicodeAttribute(null=True)
    primary_claim_id = UnicodeAttribute(null=True)  # a secondary (tertiary) claim: the claim whose 835 it carries
    secondary_claim_id = UnicodeAttribute(null=True)  # the claim built from this one's 835 for the next payer
    payer_claim_control_number = UnicodeAttribute(null=True)
    batch_id = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute(null=True)
    acknowledged_at = UnicodeAttribute(null=True)  # the clearinghouse's 999 accepted the claim's transaction set
    accepted_at = UnicodeAttribute(null=True)  # the payer's 277CA accepted the claim
    rejection = UnicodeAttribute(null=True)  # JSON: source (999/277CA), file id, messages in plain words
    last_status = UnicodeAttribute(null=True)  # JSON: the latest 277 answer (category, codes, words, amounts)
    edit_tables = UnicodeAttribute(null=True)  # JSON list: CMS's NCCI tables (name, quarter) that last judged it
    follow_up_rules = UnicodeAttribute(null=True)  # JSON of followup.Rules, taken from the payer when judged
    follow_up_on = UnicodeAttribute(null=True)  # YYYY-MM-DD; with the reason, kept in gsi3 (followup.py)
    follow_up_reason = UnicodeAttribute(null=True)
    last_file_id = UnicodeAttribute(null=True)  # the last inbound file (or 277) applied: a retry skips the claim
    open_tasks = UnicodeAttribute(null=True)  # JSON {reason: task id} of the tasks opened for it (claims/open_tasks.py)
    # Posted from 835s (remits/posting.py). None until the first posting: the balance is then the total charge.
    insurance_balance_cents = NumberAttribute(null=True)  # charge - payments - adjustments - moved to the patient
    insurance_paid_cents = NumberAttribute(null=True)
    adjusted_cents = NumberAttribute(null=True)  # contractual and other adjustments
    patient_cents = NumberAttribute(null=True)  # moved to the patient's account
    postings = UnicodeAttribute(null=True)  # JSON {CLP07: posting id}: the live posting a reversal (22) undoes
    forwarded_to = UnicodeAttribute(null=True)  # NM1*TT of a CLP02 19/20/21: the payer the claim went on to

    def insurance_balance(self) -> int:
        """What the payer side still owes: stored by the first posting, the total charge until then (so edits
        before submission need not keep it)."""
        if self.insurance_balance_cents is None:
            return int(self.total_charge_cents)
        return int(self.insurance_balance_cents)


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


class ClaimBatch(Recoverable, Item, discriminator="claim_batch"):
    """One 837 file: claims of one type to one payer (sk=BATCH#id). While `pending` it is in the recovery
    index (db/recovery.py): a crash before it is `sent` is finished by the sweeper (batches.recover)."""

    practice_id = UnicodeAttribute()
    payer_ref = UnicodeAttribute()
    claim_type = UnicodeAttribute()
    claim_ids = ListAttribute(of=UnicodeAttribute)
    claim_count = NumberAttribute()
    total_charge_cents = NumberAttribute()
    interchange_control_number = NumberAttribute()
    file_key = UnicodeAttribute()
    file_bytes = NumberAttribute()
    status = UnicodeAttribute()  # pending | sent | empty
    acknowledgment = UnicodeAttribute(null=True)  # the 999's answer for the group: accepted | partial | rejected
    acknowledged_at = UnicodeAttribute(null=True)


class BatchNumber(Item, discriminator="batch_number"):
    """Finds a batch from what an answer echoes: pk=FIRM#f, sk=ICN#number for the group control number (GS06) a
    999 echoes in AK102; sk=BHT#<batch id> for the 837's BHT03 a 277CA echoes in 2200B TRN02."""

    practice_id = UnicodeAttribute()
    batch_id = UnicodeAttribute()


class EdiFile(Recoverable, Item, discriminator="edi_file"):
    """A file from the firm's inbox (pk=FIRM#f, sk=EDIFILE#id); gsi1 lists the firm's files by status. While
    `processing` it is in the recovery index: the sweeper runs it again from the bucket (inbox.recover)."""

    firm_id = UnicodeAttribute()
    sha256 = UnicodeAttribute()
    key = UnicodeAttribute()  # the S3 key it first arrived under
    size = NumberAttribute()
    received_at = UnicodeAttribute()
    file_kind = UnicodeAttribute(null=True)  # 999 | 277CA | 277 | 835 (`kind` is the item kind)
    status = UnicodeAttribute()  # processing | processed | failed
    practice_ids = ListAttribute(of=UnicodeAttribute, default=list)
    set_count = NumberAttribute(default=0)  # transaction sets read (none for a failed file)
    claim_count = NumberAttribute(default=0)
    unmatched = UnicodeAttribute(null=True)  # JSON list: references (control numbers) that are not ours
    reason = UnicodeAttribute(null=True)  # why it failed, in words from the parser (never the file's values)


class EdiFileDigest(Item, discriminator="edi_file_digest"):
    """pk=FIRM#f, sk=EDIHASH#<SHA-256 of the bytes> -> the file: the same bytes are one file, however often and
    under whatever names they arrive. Written in one transaction with the file's record."""

    file_id = UnicodeAttribute()


class PracticeEdiFile(Item, discriminator="practice_edi_file"):
    """What one inbound file did to one practice's claims (pk=PRACTICE#p, sk=EDIFILE#id); gsi1 by status."""

    practice_id = UnicodeAttribute()
    file_id = UnicodeAttribute()
    name = UnicodeAttribute()  # the file's name, without the firm's folder
    received_at = UnicodeAttribute()
    file_kind = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # processed | failed
    claims = UnicodeAttribute(default="[]")  # JSON list of {claim_id, outcome}
    set_count = NumberAttribute(default=0)
    reason = UnicodeAttribute(null=True)


class StatusInquiry(Recoverable, Item, discriminator="status_inquiry"):
    """One 276 about a claim and the 277 that answered it (pk=PRACTICE#p, sk=CLAIM#c#INQUIRY#id). Put before the
    276 goes out, under an id the follow-up job derives from the claim's due date and reason, so a retried job
    finds it and sends nothing twice. While `sending` it is in the recovery index (status_inquiry.recover)."""

    practice_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()
    trace_number = UnicodeAttribute()  # TRN02 of the 276, echoed by the 277
    status = UnicodeAttribute()  # sending | answered | error
    actor = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)  # the follow-up reason when the job asked
    answers = UnicodeAttribute(null=True)  # JSON list of acks.status_summary
    error = UnicodeAttribute(null=True)  # the clearinghouse's failure, statuses only
    raw_key = UnicodeAttribute(null=True)  # the EDI bucket prefix holding 276.x12 and 277.x12
