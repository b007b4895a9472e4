"""Stored items of patient account ledgers (pk=PRACTICE#p). Keys are built in chalicelib/db/keys.py.

Entries are written once and never changed: `version` stays 1, and a correction is a new, reversing entry.
The balance is the only mutable item; every entry moves it in the same transaction, conditional on its version.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item


class LedgerEntry(Item, discriminator="ledger_entry"):
    """sk=LEDGER#<patient>#<entry id>. `amount_cents` is signed: what it moves the patient's balance by."""

    practice_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    entry_kind = UnicodeAttribute()  # charge | payment | adjustment | refund | reversal
    amount_cents = NumberAttribute()
    cause = UnicodeAttribute()  # what caused it: "pi:pi_123", "copay:<id>", "reversal:<entry id>", "remit:<r>:<n>"
    memo = UnicodeAttribute(null=True)
    reverses = UnicodeAttribute(null=True)  # the entry a reversal undoes
    sequence = NumberAttribute()  # 1, 2, 3... per patient: a gap or a repeat is caught by the balance check
    balance_after_cents = NumberAttribute()


class PatientBalance(Item, discriminator="patient_balance"):
    """sk=BALANCE#<patient>: the sum of the patient's entries, moved by each of them (positive: owed)."""

    practice_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    balance_cents = NumberAttribute()
    entry_count = NumberAttribute()
    last_entry_id = UnicodeAttribute(null=True)


class PostedCause(Item, discriminator="posted_cause"):
    """sk=POSTED#<cause>: written with the entry it names, so a cause can be posted once only."""

    patient_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
