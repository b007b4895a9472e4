"""The loops of an 835 as they are read (reader.py): drafts of a claim (loop 2100), a service line (loop 2110)
and a party (loops 1000A/B) that collect their segments and become result values when the loop closes, and the
values read from single segments (amounts, procedures, CAS triplets).

Amounts are integer cents through `parse_cents` (finer than a cent is refused, never rounded); errors name the
segment's position and element, never a value.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Mapping

from chalicelib.edi.claim.values import parse_cents, read_components, read_decimal
from chalicelib.edi.remittance import balance
from chalicelib.edi.remittance.result import (
    Adjudication, Adjustment, ClaimPayment, Entity, Party, Procedure, Reference, Remark, ServiceLine,
)
from chalicelib.edi.x12.segments import Segment, X12Error

_CAS_TRIPLETS = range(2, 20, 3)  # CAS02-04, 05-07 ... 17-19: six (reason, amount, quantity)
# The amounts and quantities of a claim or line that has none: one shared empty mapping, never written to, rather
# than a new dict for each (a 10,000-claim 835 would make some 60,000 empty ones).
NOTHING: Mapping[str, Any] = MappingProxyType({})


def cents(segment: Segment, n: int, text: str | None = None) -> int:
    """Element n as integer cents, 0 when empty (`text`, when given, is that element already taken out)."""
    if text is None:
        text = segment.element(n)
    if not text:
        return 0
    try:
        return parse_cents(text)
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not an amount in whole cents", segment.position, segment.id) from None


def elements(segment: Segment, size: int) -> tuple[str, ...]:
    """The segment's elements, padded with "" to at least `size` (X12 drops trailing empty ones)."""
    values = segment.elements
    return values if len(values) >= size else values + ("",) * (size - len(values))


def _procedure(segment: Segment, n: int) -> Procedure | None:
    parts = read_components(segment, n)
    if not parts:
        return None
    parts += ("",) * (7 - len(parts))
    return Procedure(parts[0], parts[1], tuple(m for m in parts[2:6] if m), parts[6])


def adjustments(segment: Segment) -> list[Adjustment]:
    """The CAS triplets of one segment: CAS01 is the group of all six (reason, amount, quantity)."""
    values = segment.elements
    group, size = values[0] if values else "", len(values)
    found = []
    for n in _CAS_TRIPLETS:
        if n > size:
            break
        reason = values[n - 1]
        if reason:
            quantity = values[n + 1] if n + 2 <= size else ""
            found.append(Adjustment(group, reason, cents(segment, n + 1, values[n] if n < size else ""),
                                    read_decimal(segment, n + 2) if quantity else None))
    if not found:
        raise X12Error("CAS carries no adjustment reason (CAS02)", segment.position, "CAS")
    return found


class _Collects:
    """What a claim and a service line both collect: CAS adjustments, REFs, AMTs and QTYs. Amounts and quantities
    start as the shared empty mapping and get a dict of their own at the first AMT or QTY."""

    __slots__ = ("adjustments", "references", "amounts", "quantities")

    def __init__(self) -> None:
        self.adjustments: list[Adjustment] = []
        self.references: list[Reference] = []
        self.amounts: dict[str, int] = NOTHING  # type: ignore[assignment]  # never written to (below)
        self.quantities: dict[str, Decimal] = NOTHING  # type: ignore[assignment]

    def amount(self, qualifier: str, value: int) -> None:
        if self.amounts is NOTHING:
            self.amounts = {}
        self.amounts[qualifier] = value

    def quantity(self, qualifier: str, value: Decimal) -> None:
        if self.quantities is NOTHING:
            self.quantities = {}
        self.quantities[qualifier] = value


class LineDraft(_Collects):
    __slots__ = ("svc", "number", "dates", "remarks")

    def __init__(self, svc: Segment, number: int) -> None:
        super().__init__()
        self.svc, self.number = svc, number
        self.dates: list[date | None] = [None, None, None]  # 472, 150, 151
        self.remarks: list[Remark] = []

    def build(self) -> ServiceLine:
        svc = self.svc
        procedure = _procedure(svc, 1)
        if procedure is None:
            raise X12Error("SVC01 (the procedure) is empty", svc.position, "SVC")
        on, start, end = self.dates
        e = elements(svc, 7)
        return ServiceLine(self.number, procedure, cents(svc, 2, e[1]), cents(svc, 3, e[2]), e[3],
                           read_decimal(svc, 5) if e[4] else None, _procedure(svc, 6) if e[5] else None,
                           read_decimal(svc, 7) if e[6] else None, on or start, on or end or start,
                           tuple(self.adjustments), tuple(self.references), self.amounts, self.quantities,
                           tuple(self.remarks))


class ClaimDraft(_Collects):
    __slots__ = ("clp", "header", "entities", "adjudication", "dates", "lines")

    def __init__(self, clp: Segment, header: str) -> None:
        super().__init__()
        self.clp, self.header = clp, header
        self.entities: list[Entity] = []
        self.adjudication: list[Adjudication] = []
        self.dates: dict[str, date | None] = {}
        self.lines: list[LineDraft] = []

    def build(self) -> ClaimPayment:
        clp = self.clp
        e = elements(clp, 13)
        if not e[0] or not e[1]:
            raise X12Error("CLP01 (patient control number) and CLP02 (status) are required", clp.position, "CLP")
        charge, paid = cents(clp, 3, e[2]), cents(clp, 4, e[3])
        lines = tuple(line.build() for line in self.lines)
        return ClaimPayment(
            e[0], e[1], charge, paid, cents(clp, 5, e[4]) if e[4] else None, e[5], e[6], e[7], e[8], e[10],
            read_decimal(clp, 12) if e[11] else None, read_decimal(clp, 13) if e[12] else None,
            tuple(self.adjustments), tuple(self.entities), tuple(self.adjudication), tuple(self.references),
            amounts=self.amounts, quantities=self.quantities, lines=lines,
            imbalances=balance.claim_imbalances(charge, paid, self.adjustments, lines), header_number=self.header,
            **self.dates)


class PartyDraft:
    __slots__ = ("n1", "address", "references", "contacts")

    def __init__(self, n1: Segment) -> None:
        self.n1 = n1
        self.address: list[str] = []
        self.references: list[Reference] = []
        self.contacts: list[tuple[str, ...]] = []

    def build(self) -> Party:
        n1 = self.n1
        return Party(n1.element(1), n1.element(2), n1.element(3), n1.element(4), tuple(self.address),
                     tuple(self.references), tuple(self.contacts))
