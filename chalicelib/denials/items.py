"""Stored denials (pk=PRACTICE#p, sk=DENIAL#id): one per denied claim, or per denied line, of a recorded claim
payment. Ids, codes and amounts only: no patient's name, birth date, member id or address, and no date of
service (the claim has them).

The table's partition lists a practice's denials newest first (ids are ULIDs made at the remittance's time).
gsi1 holds the practice's unresolved denials (open, in_progress) sorted `<priority rank>#<appeal due>#<id>`:
urgent first, then the soonest due; a resolved or written-off denial leaves it. gsi2 lists the firm's
denials, every practice's, newest first. Keys are in db/keys.py.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item

UNRESOLVED = frozenset({"open", "in_progress"})
STATUSES = ("open", "in_progress", "resolved", "written_off")


class Denial(Item, discriminator="denial"):
    practice_id = UnicodeAttribute()
    firm_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()
    patient_control_number = UnicodeAttribute()  # CLP01: our claim number
    payer_claim_number = UnicodeAttribute()  # CLP07
    claim_status = UnicodeAttribute()  # CLP02 of the claim payment
    remittance_id = UnicodeAttribute()
    record_sk = UnicodeAttribute()  # the claim payment's record (REMITTANCE#id#CLAIM#n)
    level = UnicodeAttribute()  # claim | line
    svc = NumberAttribute(null=True)  # the SVC's place in the claim payment (line denials)
    line_number = NumberAttribute(null=True)  # our claim line it answers, when matched
    procedure = UnicodeAttribute(null=True)  # the SVC's code and modifiers: 99213-25
    payer_id = UnicodeAttribute()
    payer_name = UnicodeAttribute()
    charge_cents = NumberAttribute()
    denied_cents = NumberAttribute()  # the adjustments that are not the patient's: what is at stake
    adjustments = UnicodeAttribute()  # JSON list of {group, reason, amount_cents}
    remarks = UnicodeAttribute()  # JSON list of RARCs
    reason = UnicodeAttribute()  # the main CARC (rules.main_reason)
    category = UnicodeAttribute()
    action = UnicodeAttribute()  # the recommended next step
    priority = UnicodeAttribute()  # urgent | high | normal | low
    denied_on = UnicodeAttribute()  # YYYY-MM-DD: the remittance's payment date, else the day it was recorded
    appeal_due = UnicodeAttribute()  # YYYY-MM-DD: the last day to appeal
    status = UnicodeAttribute()  # open | in_progress | resolved | written_off
    notes = UnicodeAttribute(default="[]")  # JSON list of {at, by, status, note}: how it was worked
    task_id = UnicodeAttribute()  # the biller's task opened with it
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)  # API key id
