"""Provider-level adjustments (PLB) posted at practice level, once however often their 835 is sent.

PLB01 names the provider: an NPI, or a tax id (X221A1 2.4 PLB01, "the provider's identifier as assigned by the
payer": in practice the payee's NPI or TIN). Each adjustment posts to the practice, among those whose claims the
835 set pays, whose billing NPI or tax id it is; when none of them (or more than one) is, it goes to the
firm's work list with the reason: nothing is guessed across practices. Each is written with a pointer keyed by
the digest of the trace, payer, PLB01, PLB02, reason, reference, amount and its place among identical ones, on
the condition that the pointer does not exist: a re-sent 835 (another file, another remittance id) posts it
nothing twice.

Amounts on the practice entry are what they do to the practice's money: PLB's sign turned (an interest
payment, PLB L6 -1.25, is +1.25; a recoupment, WO 50.00, is -50.00).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from chalicelib.core.ids import id_ms, sequenced_id
from chalicelib.core.money import Money
from chalicelib.db import batched, keys, store
from chalicelib.db.models import Practice
from chalicelib.edi.remittance.result import ProviderAdjustment, Remittance
from chalicelib.remits import records
from chalicelib.remits.items import PracticeEntry, ProviderAdjustmentSeen, RemittanceWork
from chalicelib.remits.records import Origin

UNMATCHED = "provider_adjustment"


@dataclass
class Planned:
    """One PLB adjustment's unit, and the practice it posts to (None: the firm's work list)."""

    unit: batched.Unit
    practice_id: str | None
    amount_cents: int  # to the practice


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isalnum())


def digest(remittance: Remittance, adjustment: ProviderAdjustment, occurrence: int) -> str:
    parts = (remittance.payment.trace_number, records.payer_id(remittance), adjustment.provider_id,
             adjustment.fiscal_period_end.isoformat() if adjustment.fiscal_period_end else "", adjustment.reason,
             adjustment.reference, str(adjustment.amount_cents), str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def provider_of(provider_id: str, practices: Iterable[Practice]) -> str | None:
    """The one practice whose NPI or tax id PLB01 is; None when none or several are."""
    wanted = _digits(provider_id)
    found = {p.id for p in practices if wanted and wanted in (_digits(p.npi), _digits(p.tax_id))}
    return found.pop() if len(found) == 1 else None


def plan(origin: Origin, remittance: Remittance, practice_ids: Iterable[str]) -> list[Planned]:
    """A unit per PLB adjustment of the set (none without PLB: nothing read)."""
    if not remittance.provider_adjustments:
        return []
    firm_pk = keys.firm_pk(origin.firm_id)
    found = store.read(*(store.Key(Practice, firm_pk, keys.practice_sk(p)) for p in sorted(set(practice_ids))))
    practices = [p for p in (found.find(store.Key(Practice, firm_pk, keys.practice_sk(i)))
                             for i in set(practice_ids)) if p is not None]
    planned, occurrences = [], {}
    for n, adjustment in enumerate(remittance.provider_adjustments, start=1):
        same = (adjustment.provider_id, adjustment.reason, adjustment.reference, adjustment.amount_cents)
        occurrences[same] = occurrences.get(same, 0) + 1
        planned.append(_unit(origin, remittance, n, adjustment, digest(remittance, adjustment, occurrences[same]),
                             provider_of(adjustment.provider_id, practices)))
    return planned


def _unit(origin: Origin, remittance: Remittance, n: int, adjustment: ProviderAdjustment, seen_digest: str,
          practice_id: str | None) -> Planned:
    item_id = sequenced_id(id_ms(origin.remittance_id), n, f"{origin.remittance_id}:plb:{n}")  # in PLB order
    owner = keys.practice_pk(practice_id) if practice_id else keys.firm_pk(origin.firm_id)
    at = origin.recorded_at
    seen = ProviderAdjustmentSeen(owner, keys.provider_adjustment_seen_sk(seen_digest), id=item_id, created_at=at,
                                  updated_at=at, remittance_id=origin.remittance_id)
    if practice_id is None:
        return Planned(batched.Unit(f"plb {n}", saves=[seen, _work_item(origin, remittance, item_id, adjustment)]),
                       None, -adjustment.amount_cents)
    entry = PracticeEntry(owner, keys.practice_entry_sk(item_id), id=item_id, created_at=at, updated_at=at,
                          practice_id=practice_id, remittance_id=origin.remittance_id,
                          trace_number=remittance.payment.trace_number, payer_name=remittance.payer.name,
                          provider_id=adjustment.provider_id,
                          fiscal_period_end=(adjustment.fiscal_period_end.isoformat()
                                             if adjustment.fiscal_period_end else None),
                          reason=adjustment.reason, reference=adjustment.reference,
                          amount_cents=-adjustment.amount_cents)
    return Planned(batched.Unit(f"plb {n}", saves=[seen, entry]), practice_id, -adjustment.amount_cents)


def _work_item(origin: Origin, remittance: Remittance, item_id: str, adjustment: ProviderAdjustment) -> RemittanceWork:
    detail = (f"provider adjustment {adjustment.reason} ({adjustment.reason_words}) reference "
              f"{adjustment.reference or '(none)'} of {Money(adjustment.amount_cents)} names provider "
              f"{adjustment.provider_id}, the NPI or tax id of none (or more than one) of the practices this 835 "
              "pays: not posted")
    return RemittanceWork(
        keys.firm_pk(origin.firm_id), keys.remit_work_sk(item_id), id=item_id, created_at=origin.recorded_at,
        updated_at=origin.recorded_at, firm_id=origin.firm_id, remittance_id=origin.remittance_id,
        file_id=origin.file_id, reason=UNMATCHED, detail=detail[:2000], paid_cents=adjustment.amount_cents,
        payer_name=remittance.payer.name, trace_number=remittance.payment.trace_number,
        gsi2pk=keys.remit_work_pk(keys.firm_pk(origin.firm_id)), gsi2sk=item_id)
