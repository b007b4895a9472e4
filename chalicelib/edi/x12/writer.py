"""Writing X12 interchanges: segments in, ISA/GS/ST envelopes with correct counts out.

Control numbers are the caller's (ISA13, GS06 and ST02 come from an atomic counter that never
repeats; this module only formats and checks them). Every value is checked against the delimiters:
a value containing one would silently shift every element after it, so it is refused instead.
The check runs once per segment (`format_segment`), and a segment formatted once can be handed to
`write_interchange` as its text, so a writer that keeps formatted segments (the 837's stored claims,
edi/claim/writer.py) does not check them again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Literal, Sequence, Union

from chalicelib.edi.x12.segments import DEFAULT_DELIMITERS, Delimiters, X12Error

_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_MAX_CONTROL = 999_999_999  # ISA13 and GS06 are at most nine digits


@dataclass(frozen=True, slots=True)
class Composite:
    """A composite element: its components are joined with the component separator (ISA16)."""

    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Repeated:
    """A repeating element: its values are joined with the repetition separator (ISA11)."""

    values: tuple[Union[str, Composite], ...]


Value = Union[str, Composite, Repeated]
SegmentSpec = Sequence[Value]  # the segment id, then its elements in order: ("EQ", "30")


def comp(*parts: str) -> Composite:
    return Composite(tuple(parts))


def rep(*values: Union[str, Composite]) -> Repeated:
    return Repeated(tuple(values))


@dataclass(frozen=True, slots=True)
class Parties:
    sender_qualifier: str  # ISA05, e.g. "ZZ" (mutually defined) or "30" (US federal tax id)
    sender_id: str  # ISA06, at most 15 characters (padded here)
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    app_sender: str = ""  # GS02; the ISA06 id when empty
    app_receiver: str = ""  # GS03; the ISA08 id when empty

    def swapped(self) -> "Parties":
        """The parties of a reply: sender and receiver trade places."""
        return Parties(self.receiver_qualifier, self.receiver_id, self.sender_qualifier, self.sender_id,
                       self.app_receiver, self.app_sender)


@dataclass(frozen=True, slots=True)
class ControlNumbers:
    interchange: int  # ISA13 and IEA02, written as nine digits
    group: int  # GS06 and GE02
    transaction: int  # ST02 and SE02 of the first transaction set; the next ones count up from it


@dataclass(frozen=True, slots=True)
class Envelope:
    parties: Parties
    functional_id: str  # GS01: HS for a 270, HB for a 271, HC for an 837 ...
    version: str  # GS08, the implementation guide: 005010X279A1 ...
    usage: Literal["T", "P"]  # ISA15: test or production data
    created: datetime
    ack_requested: bool = False  # ISA14: ask for a TA1 interchange acknowledgment


@dataclass(frozen=True, slots=True)
class Transaction:
    set_id: str  # ST01: "270"
    convention: str  # ST03: the guide id, or "" where the guide marks ST03 not used
    # The segments between ST and SE: specs, or text `format_segment` made with the interchange's delimiters.
    body: Sequence[SegmentSpec | str]


def write_interchange(envelope: Envelope, controls: ControlNumbers, transactions: Sequence[Transaction], *,
                      delimiters: Delimiters = DEFAULT_DELIMITERS, line_breaks: bool = False) -> str:
    """One interchange holding one functional group with the given transaction sets."""
    if not transactions:
        raise X12Error("an interchange needs at least one transaction set")
    if delimiters.repetition is None:
        raise X12Error("005010 interchanges declare a repetition separator (ISA11)")
    if envelope.usage not in ("T", "P"):
        raise X12Error("ISA15 must be T or P")
    for number in (controls.interchange, controls.group, controls.transaction + len(transactions) - 1):
        if not 0 < number <= _MAX_CONTROL:
            raise X12Error("control numbers run from 1 to 999999999")
    isa = _isa(envelope, controls, delimiters)
    specs: list[SegmentSpec | str] = [_gs(envelope, controls)]
    for offset, transaction in enumerate(transactions):
        specs.extend(_transaction(transaction, _st02(controls.transaction + offset)))
    specs.append(("GE", str(len(transactions)), str(controls.group)))
    specs.append(("IEA", "1", f"{controls.interchange:09d}"))
    lines = [isa] + [spec if type(spec) is str else format_segment(spec, delimiters) for spec in specs]
    end = delimiters.segment + ("\n" if line_breaks else "")
    return end.join(lines) + end


def format_segment(spec: SegmentSpec, delimiters: Delimiters = DEFAULT_DELIMITERS) -> str:
    """One segment without its terminator; trailing empty elements are dropped, as X12 requires.

    Its values are checked together: one search over all of them run together finds a delimiter or control
    character in any one (running values together makes no such character), and only then are they checked
    one by one to name the element. Checking each value on its own was most of the time to write an 837."""
    segment_id = spec[0]
    if type(segment_id) is not str or not _is_segment_id(segment_id):
        raise X12Error("not a segment identifier")
    texts = _texts(spec, delimiters)
    if texts is None:
        return _format_each(spec, delimiters)  # repetitions, or a value that is not text: refused there
    values, elements = texts
    if (_DEFAULT_FORBIDDEN if delimiters is DEFAULT_DELIMITERS else _forbidden(delimiters)).search(values):
        return _format_each(spec, delimiters)  # raises, naming the element
    # No value holds the element separator, so the separators at the end are exactly the dropped elements'.
    return delimiters.element.join(elements).rstrip(delimiters.element)


@lru_cache(maxsize=256)
def _is_segment_id(value: str) -> bool:
    return bool(_SEGMENT_ID.match(value))


def _texts(spec: SegmentSpec, delimiters: Delimiters) -> tuple[str, Sequence[str]] | None:
    """(every value run together, the elements as written), when each element is text or a composite of texts;
    None otherwise. A composite's trailing empty components go with the separators after them, as below."""
    try:
        return "".join(spec), spec  # type: ignore[arg-type, return-value]  # all text: most segments
    except TypeError:
        pass
    component = delimiters.component
    values: list[str] = []
    elements: list[str] = []
    try:
        for value in spec:
            if type(value) is str:
                values.append(value)
                elements.append(value)
            elif type(value) is Composite:
                values.extend(value.parts)
                elements.append(component.join(value.parts).rstrip(component))
            else:
                return None
        return "".join(values), elements
    except TypeError:  # a component that is not text
        return None


def _format_each(spec: SegmentSpec, delimiters: Delimiters) -> str:
    """The segment formatted value by value, each checked on its own (the first bad one raises)."""
    segment_id = spec[0]
    assert isinstance(segment_id, str)
    elements = [_format_value(value, delimiters, segment_id, n) for n, value in enumerate(spec[1:], start=1)]
    while elements and not elements[-1]:
        elements.pop()
    return delimiters.element.join([segment_id, *elements])


def _format_value(value: Value, delimiters: Delimiters, segment_id: str, n: int) -> str:
    if isinstance(value, Repeated):
        assert delimiters.repetition is not None
        return delimiters.repetition.join(_format_value(v, delimiters, segment_id, n) for v in value.values)
    if isinstance(value, Composite):
        parts = [_checked(p, delimiters, segment_id, n) for p in value.parts]
        while parts and not parts[-1]:
            parts.pop()
        return delimiters.component.join(parts)
    return _checked(value, delimiters, segment_id, n)


@lru_cache(maxsize=8)
def _forbidden(delimiters: Delimiters) -> re.Pattern[str]:
    """One compiled search per delimiter set: the delimiters and the control characters (a quarter of the
    time to write an 837 was spent testing each delimiter separately)."""
    return re.compile(f"[{re.escape(delimiters.all())}\x00-\x1f\x7f]")


_DEFAULT_FORBIDDEN = _forbidden(DEFAULT_DELIMITERS)


def _checked(value: str, delimiters: Delimiters, segment_id: str, n: int) -> str:
    if not isinstance(value, str):
        raise X12Error(f"{segment_id}{n:02d} must be text")
    if _forbidden(delimiters).search(value):
        # The value itself is not quoted: it may be a patient's name or member id.
        raise X12Error(f"{segment_id}{n:02d} contains a delimiter or control character")
    return value


def _fixed(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise X12Error(f"{name} is longer than {width} characters")
    return value.ljust(width)


def _isa(envelope: Envelope, controls: ControlNumbers, delimiters: Delimiters) -> str:
    """ISA is fixed-width (every element padded to its size: 106 characters with the terminator), and its
    ISA11 and ISA16 are the repetition and component separators themselves, so it is written by hand."""
    parties = envelope.parties
    fields = ["00", " " * 10, "00", " " * 10,
              _fixed(parties.sender_qualifier, 2, "ISA05"), _fixed(parties.sender_id, 15, "ISA06"),
              _fixed(parties.receiver_qualifier, 2, "ISA07"), _fixed(parties.receiver_id, 15, "ISA08"),
              envelope.created.strftime("%y%m%d"), envelope.created.strftime("%H%M")]
    for n, value in enumerate(fields, start=1):
        _checked(value, delimiters, "ISA", n)
    tail = [str(delimiters.repetition), "00501", f"{controls.interchange:09d}",
            "1" if envelope.ack_requested else "0", envelope.usage, delimiters.component]
    return delimiters.element.join(["ISA", *fields, *tail])


def _gs(envelope: Envelope, controls: ControlNumbers) -> SegmentSpec:
    sender = envelope.parties.app_sender or envelope.parties.sender_id
    receiver = envelope.parties.app_receiver or envelope.parties.receiver_id
    for name, value in (("GS02", sender), ("GS03", receiver)):
        if not 2 <= len(value) <= 15:
            raise X12Error(f"{name} must be 2 to 15 characters")
    return ("GS", envelope.functional_id, sender, receiver, envelope.created.strftime("%Y%m%d"),
            envelope.created.strftime("%H%M"), str(controls.group), "X", envelope.version)


def _transaction(transaction: Transaction, control: str) -> list[SegmentSpec | str]:
    header: SegmentSpec = ("ST", transaction.set_id, control, transaction.convention)
    # SE01 counts every segment of the set, ST and SE included.
    trailer: SegmentSpec = ("SE", str(len(transaction.body) + 2), control)
    return [header, *transaction.body, trailer]


def _st02(number: int) -> str:
    return f"{number:04d}"  # ST02 is 4 to 9 characters
