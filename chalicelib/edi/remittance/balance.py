"""The 835's balancing rules (005010X221A1 section 1.10.2), checked and reported, never raised.

- A service line: SVC02 charge minus the sum of its CAS amounts equals SVC03 payment.
- A claim: CLP03 charge minus the sum of every CAS amount, claim level and line level, equals CLP04 payment.
- The transaction: BPR02 equals the sum of CLP04 minus the sum of the PLB amounts (a PLB amount is positive
  when it reduces the payment). BPR03 D (a debit) states the total as money taken back, so it counts negative.

A reversal (CLP02 22) carries negative charges, payments and adjustments: the same arithmetic holds with the
signs as sent, so nothing is made absolute. The posting that comes later refuses just the claims that carry an
imbalance; the others post.
"""
from __future__ import annotations

from collections.abc import Iterable

from chalicelib.edi.remittance.result import (
    Adjustment, ClaimPayment, Imbalance, Payment, ProviderAdjustment, ServiceLine,
)


def line_imbalance(line: ServiceLine) -> Imbalance | None:
    expected = line.charge_cents - line.adjusted_cents
    return None if expected == line.paid_cents else Imbalance("line", expected, line.paid_cents, line.number)


def claim_imbalances(charge_cents: int, paid_cents: int, adjustments: Iterable[Adjustment],
                     lines: Iterable[ServiceLine]) -> tuple[Imbalance, ...]:
    """The claim's rule, after each line's own: every line out of balance is named, and the claim as a whole."""
    found: list[Imbalance] = []
    adjusted = sum(a.amount_cents for a in adjustments)
    for line in lines:
        adjusted += line.adjusted_cents
        broken = line_imbalance(line)
        if broken is not None:
            found.append(broken)
    expected = charge_cents - adjusted
    if expected != paid_cents:
        found.append(Imbalance("claim", expected, paid_cents))
    return tuple(found)


def transaction_imbalance(payment: Payment, claims: Iterable[ClaimPayment],
                          provider_adjustments: Iterable[ProviderAdjustment]) -> Imbalance | None:
    expected = sum(c.paid_cents for c in claims) - sum(p.amount_cents for p in provider_adjustments)
    stated = payment.signed_total_cents
    return None if expected == stated else Imbalance("transaction", expected, stated)
