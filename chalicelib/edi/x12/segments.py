"""X12 building blocks shared by the reader and the writer: delimiters, segments, the one error type.

Element positions follow the X12 convention: `NM103` is element 3 of NM1, so `segment.element(3)`.
Errors name segment ids, positions and element numbers, never element values: any value can be
patient data (names, member ids, birth dates), and error messages reach logs and API responses.
"""
from __future__ import annotations

from dataclasses import dataclass


class X12Error(ValueError):
    """A document (or a value for one) that breaks an X12 rule. The message never quotes the document."""

    def __init__(self, message: str, position: int | None = None, segment_id: str | None = None) -> None:
        where = f" (segment {position}{' ' + segment_id if segment_id else ''})" if position else ""
        super().__init__(message + where)
        self.position = position
        self.segment_id = segment_id


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four separators an interchange declares in its ISA segment.

    `repetition` is None for interchanges before 00501 (ISA11 then is the standards id "U").
    """

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"

    def __post_init__(self) -> None:
        chars = [self.element, self.component, self.segment] + ([self.repetition] if self.repetition else [])
        if any(len(c) != 1 for c in chars) or len(set(chars)) != len(chars):
            raise X12Error("delimiters must be single, distinct characters")

    def all(self) -> str:
        return self.element + self.component + self.segment + (self.repetition or "")


DEFAULT_DELIMITERS = Delimiters()


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment as read: its id, its data elements (`elements[0]` is XX01) and where it stood.

    `position` counts segments from the start of the interchange, ISA being 1.
    """

    id: str
    elements: tuple[str, ...]
    position: int
    delimiters: Delimiters = DEFAULT_DELIMITERS

    def element(self, n: int) -> str:
        """XXnn, or "" when the segment stops before it (X12 drops trailing empty elements)."""
        return self.elements[n - 1] if 0 < n <= len(self.elements) else ""

    def component(self, n: int, k: int) -> str:
        """Component k of composite element n (both 1-based); "" when absent."""
        parts = self.element(n).split(self.delimiters.component)
        return parts[k - 1] if 0 < k <= len(parts) else ""

    def components(self, n: int) -> tuple[str, ...]:
        value = self.element(n)
        return tuple(value.split(self.delimiters.component)) if value else ()

    def repetitions(self, n: int) -> tuple[str, ...]:
        """The repeated values of element n (an EB03 "1^33^35" gives three); () when empty."""
        value = self.element(n)
        if not value:
            return ()
        if self.delimiters.repetition is None:
            return (value,)
        return tuple(v for v in value.split(self.delimiters.repetition) if v)
