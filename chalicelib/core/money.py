"""Money is integer cents in a small immutable type; never float.

Amounts cross the API as `*_cents` integers. `Money.parse` reads a dollar string ("12.34") exactly,
for the few inputs that arrive that way (X12 amounts, imports); it refuses sub-cent precision
rather than round.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_AMOUNT_RE = re.compile(r"^(-)?(\d+)(?:\.(\d{1,2}))?$")


@dataclass(frozen=True, order=True, slots=True)
class Money:
    cents: int

    def __post_init__(self) -> None:
        if type(self.cents) is not int:  # bool and float are refused too
            raise TypeError("Money holds integer cents")

    @classmethod
    def parse(cls, text: str) -> "Money":
        match = _AMOUNT_RE.match(text.strip())
        if not match:
            raise ValueError("not an amount with at most two decimals")
        sign, whole, frac = match.groups()
        cents = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
        return cls(-cents if sign else cents)

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        whole, frac = divmod(abs(self.cents), 100)
        return f"{sign}{whole}.{frac:02d}"

    def __add__(self, other: "Money") -> "Money":
        return Money(self.cents + other.cents)

    def __sub__(self, other: "Money") -> "Money":
        return Money(self.cents - other.cents)

    def __neg__(self) -> "Money":
        return Money(-self.cents)

    def allocate(self, weights: list[int]) -> list["Money"]:
        """Split by non-negative integer weights; the parts always add up to the whole.

        Largest-remainder method: each part gets its floor share, then leftover cents go to the
        parts with the largest remainders (earliest first on ties), so no cent is lost or invented.
        """
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("weights must be non-negative with a positive sum")
        total, sign = abs(self.cents), (-1 if self.cents < 0 else 1)
        shares = [divmod(total * w, sum(weights)) for w in weights]
        parts = [q for q, _ in shares]
        leftover = total - sum(parts)
        by_remainder = sorted(range(len(weights)), key=lambda i: -shares[i][1])
        for i in by_remainder[:leftover]:
            parts[i] += 1
        return [Money(sign * p) for p in parts]
