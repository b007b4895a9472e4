"""API schemas of a patient's account ledger."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.core.types import Out

EntryKind = Literal["charge", "payment", "adjustment", "refund", "reversal"]


class LedgerEntryOut(Out):
    id: str
    patient_id: str
    kind: EntryKind
    amount_cents: int = Field(description="Signed: what the entry moves the balance by (a payment is negative)")
    cause: str = Field(description="What caused the entry, e.g. `pi:<PaymentIntent id>`, `copay:<co-pay id>` or "
                                   "`remit:<remittance id>:<claim payment's place>` (an 835's patient share)")
    memo: str | None = None
    reverses: str | None = Field(default=None, description="The entry a reversal undoes")
    sequence: int
    balance_after_cents: int
    created_at: str


class BalanceOut(Out):
    patient_id: str
    balance_cents: int = Field(description="What the patient owes; negative is a credit")
    entry_count: int
    updated_at: str | None = None
