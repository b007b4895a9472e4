"""Stored appeals (pk=PRACTICE#p, sk=APPEAL#id): a biller's appeal of one denial at one level. Ids, codes, dates
and amounts only: the letter (a PHI document) is rendered from the claim when asked for and kept in the
documents bucket, never here.

gsi1 lists a practice's appeals of one status, soonest due first (`<due_on>#<id>`); gsi2 lists a claim's appeals,
which a later 835 paying the claim decides (outcome). A slot item (sk=APPEALSLOT#<denial>#<level>) names the
latest appeal of a denial at a level: a second one is made only once that one is decided, and both are written
in one transaction under the slot's version, so two requests racing make one. Keys are in db/keys.py.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db import keys
from chalicelib.db.models import Item

LEVELS = ("first", "second", "external_review")
STATUSES = ("draft", "sent", "won", "partly_won", "lost")
OPEN = frozenset({"draft", "sent"})


class Appeal(Item, discriminator="appeal"):
    practice_id = UnicodeAttribute()
    denial_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()
    remittance_id = UnicodeAttribute()  # the remittance that denied it
    record_sk = UnicodeAttribute()  # its claim payment's record (REMITTANCE#id#CLAIM#n): billed and paid
    patient_control_number = UnicodeAttribute()  # CLP01: our claim number
    payer_claim_number = UnicodeAttribute()  # CLP07
    payer_ref = UnicodeAttribute()  # the practice's payer item (its appeal window)
    payer_name = UnicodeAttribute()
    category = UnicodeAttribute()  # the denial's category: which letter template argues it
    line_number = NumberAttribute(null=True)  # a line's denial: our claim line
    denied_cents = NumberAttribute()
    level = UnicodeAttribute()  # first | second | external_review
    reason = UnicodeAttribute()  # the biller's argument, in their words (ids and codes, no patient names)
    status = UnicodeAttribute()  # draft | sent | won | partly_won | lost
    window_from = UnicodeAttribute()  # YYYY-MM-DD: the remittance's date, or the last level's decision
    window_days = NumberAttribute()  # the payer's appeal window when the appeal was made
    due_on = UnicodeAttribute()  # YYYY-MM-DD: the last day the payer takes it
    task_id = UnicodeAttribute()  # the reminder task: send it before the window closes
    sent_on = UnicodeAttribute(null=True)
    decided_on = UnicodeAttribute(null=True)
    recovered_cents = NumberAttribute(null=True)  # what the payer paid on it (won or partly won)
    outcome = UnicodeAttribute(null=True)  # JSON {remittance_id, record_sk, paid_cents, paid_on}: the 835 that paid
    letter_key = UnicodeAttribute(null=True)  # the latest letter's key in the documents bucket
    letter_at = UnicodeAttribute(null=True)
    attachments = UnicodeAttribute(default="[]")  # JSON list of {id, name, content_type, size_bytes, kind, added_at}
    created_by = UnicodeAttribute()  # API key id


class AppealSlot(Item, discriminator="appeal_slot"):
    practice_id = UnicodeAttribute()
    denial_id = UnicodeAttribute()
    level = UnicodeAttribute()
    appeal_id = UnicodeAttribute()  # the latest appeal of the denial at this level


def index(appeal: Appeal) -> None:
    """Every appeal is on its status's list (gsi1, by due date) and on its claim's (gsi2)."""
    appeal.gsi1pk = keys.appeals_of_status_pk(appeal.practice_id, appeal.status)
    appeal.gsi1sk = f"{appeal.due_on}#{appeal.id}"
    appeal.gsi2pk, appeal.gsi2sk = keys.claim_appeals_pk(appeal.practice_id, appeal.claim_id), appeal.id
