"""Denials as the posting makes them: an 835 delivered through the firm's inbox posts each claim payment, and
the posting's unit holds the denial items `denials.service.opened_by` makes of its record (RemittanceClaim).

`open_denials` makes them again from the posted records, as a retried posting would: their puts are
conditional, so it adds nothing (tests/api/test_denials.py proves it)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from chalicelib.claims.items import ClaimItem
from chalicelib.core.clock import utcnow
from chalicelib.db import batched, keys
from chalicelib.db.models import Item
from chalicelib.denials import service as denials
from chalicelib.edi.remittance.result import Adjustment
from chalicelib.remits.items import RemittanceClaim, RemittanceItem
from tests.api.test_remittances import an_835, answer
from tests.api.test_tracking import deliver


def open_denials(practice_id: str, firm_id: str) -> batched.Written:
    """Each recorded claim payment of the practice ready for posting opens its denials, one unit each."""
    found = list(Item.query(keys.practice_pk(practice_id), Item.sk.startswith("REMITTANCE#"), consistent_read=True))
    remittances = {r.id: r for r in found if isinstance(r, RemittanceItem)}
    units = []
    for record in (r for r in found if isinstance(r, RemittanceClaim) and r.posting in ("ready", "posted")):
        claim = ClaimItem.get(record.pk, keys.claim_sk(record.claim_id), consistent_read=True)
        remittance = remittances[record.remittance_id]
        items = denials.opened_by(claim, record, firm_id=firm_id, payer_id=remittance.payer_id,
                                  payer_name=remittance.payer_name,
                                  paid_on=date.fromisoformat(remittance.paid_on) if remittance.paid_on else None,
                                  now=utcnow())
        if items:
            units.append(batched.Unit(f"denials of {record.sk}", saves=[*items, claim]))
    return batched.write(units)


def denied_line(line: Any, reason: str, group: str = "CO", remarks: tuple[str, ...] = ()) -> Any:
    """The payer's answer to one line, paid nothing for `reason`."""
    return replace(line, paid_cents=0, adjustments=(Adjustment(group, reason, line.charge_cents),), remarks=remarks)


def denied_claim(made: dict[str, Any], reason: str, remarks: tuple[str, ...] = ()) -> Any:
    """The payer's answer to a claim: denied (CLP02 4), every line paid nothing for `reason`."""
    paid = answer(made)
    lines = tuple(denied_line(line, reason, remarks=remarks) for line in paid.lines)
    return replace(paid, status="4", paid_cents=0, lines=lines)


def line_denied(made: dict[str, Any], reason: str, number: int = 2, remarks: tuple[str, ...] = ()) -> Any:
    """The payer's answer to a claim: paid, but line `number` denied for `reason`."""
    paid = answer(made)
    lines = tuple(denied_line(line, reason, remarks=remarks) if k == number else line
                  for k, line in enumerate(paid.lines, start=1))
    return replace(paid, paid_cents=sum(line.paid_cents for line in lines), lines=lines)


def deliver_and_open(app: Any, practice: Any, answers: list[Any], name: str) -> batched.Written:
    deliver(app, f"inbox/{practice.firm_id}/{name}.835", an_835(answers, trace=name.upper()))
    return open_denials(practice.id, practice.firm_id)
