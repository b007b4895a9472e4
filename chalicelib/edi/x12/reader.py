"""Reading X12 interchanges: delimiters from the ISA, segments, and the ISA/GS/ST envelopes checked.

One reader for every transaction set (270/271, 837, 999, 277CA, 277). It takes what real systems send: a
UTF-8 byte-order mark, line breaks or indentation after segment terminators, ISA fields that are not padded
to their fixed width, the 4010 habit of "U" in ISA11 (no repetition separator), a last segment without its
terminator, and padding after the last IEA (whitespace, NULs, a DOS end-of-file byte). It refuses, naming
why, what it could only read by guessing: an ISA that declares one character for two separators, and text
in UTF-16 or UTF-32 (X12 is single-byte; such text has a NUL beside every letter).

Envelope rules checked (X12.5 interchange control structure, 005010):
- ISA/IEA, GS/GE and ST/SE pair up and nest; every other segment sits inside an ST..SE.
- SE01 = number of segments in the transaction set, ST and SE included; SE02 = ST02.
- GE01 = number of transaction sets (ST) in the group; GE02 = GS06.
- IEA01 = number of functional groups (GS) in the interchange; IEA02 = ISA13.
Nesting errors always raise. Count and control-number mismatches raise when `strict` (the default);
with `strict=False` they are collected in `Interchange.issues`, for inbound documents whose content is
still worth reading (a payer's 271 with a miscounted SE01 still says whether coverage is active).
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from chalicelib.edi.x12.segments import Delimiters, Segment, X12Error

_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_ISA_ELEMENTS = 16
_BLANK = " \t\r\n"
# After the last IEA: layout, and what file transfers leave behind (NUL fill, the DOS end-of-file byte 0x1A).
_PADDING = _BLANK + "\x00\x1a"
# Byte-order marks as they read when the bytes were decoded one byte a character (Latin-1), longest first.
_BOMS = (("\xff\xfe\x00\x00", "UTF-32 (little-endian)"), ("\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
         ("\xff\xfe", "UTF-16 (little-endian)"), ("\xfe\xff", "UTF-16 (big-endian)"))
# Without a mark, where the NULs fall among the first 8 characters: True is a NUL.
_WIDE = {(False, True) * 4: "UTF-16 (little-endian)", (True, False) * 4: "UTF-16 (big-endian)",
         (False, True, True, True) * 2: "UTF-32 (little-endian)", (True, True, True, False) * 2: "UTF-32 (big-endian)"}


@dataclass(slots=True)
class TransactionSet:
    segments: list[Segment]  # ST first, SE last once closed

    @property
    def header(self) -> Segment:
        return self.segments[0]

    @property
    def set_id(self) -> str:
        return self.header.element(1)

    @property
    def control_number(self) -> str:
        return self.header.element(2)

    @property
    def convention(self) -> str:
        return self.header.element(3)

    @property
    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        return self.segments[1:-1]


@dataclass(slots=True)
class FunctionalGroup:
    header: Segment  # GS
    transactions: list[TransactionSet] = field(default_factory=list)

    @property
    def functional_id(self) -> str:
        return self.header.element(1)

    @property
    def control_number(self) -> str:
        return self.header.element(6)

    @property
    def version(self) -> str:
        return self.header.element(8)


@dataclass(slots=True)
class Interchange:
    header: Segment  # ISA
    delimiters: Delimiters
    groups: list[FunctionalGroup] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    segment_count: int = 0

    @property
    def control_number(self) -> str:
        return self.header.element(13)

    @property
    def usage(self) -> str:
        return self.header.element(15)

    @property
    def sender(self) -> tuple[str, str]:
        """(ISA05 qualifier, ISA06 id), padding removed."""
        return self.header.element(5).strip(), self.header.element(6).strip()

    @property
    def receiver(self) -> tuple[str, str]:
        """(ISA07 qualifier, ISA08 id), padding removed."""
        return self.header.element(7).strip(), self.header.element(8).strip()

    def transactions(self, set_id: str | None = None) -> Iterator[TransactionSet]:
        for group in self.groups:
            for transaction in group.transactions:
                if set_id is None or transaction.set_id == set_id:
                    yield transaction


def read_interchange(text: str, *, strict: bool = True) -> Interchange:
    """The one interchange in `text`; more than one is an error (use read_interchanges)."""
    interchanges = read_interchanges(text, strict=strict)
    if len(interchanges) != 1:
        raise X12Error(f"expected one interchange, found {len(interchanges)}")
    return interchanges[0]


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Reading makes a segment object per segment, and none of them in a cycle: Python's cyclic collector,
    triggered every few hundred new objects, would otherwise walk every segment read so far again and again
    (half the time to read a 10,000-claim 835, and more the more the process holds). Reference counting still
    frees everything at once; the collector runs again as soon as the reading is done. Nested uses leave it
    to the outermost."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_interchanges(text: str, *, strict: bool = True) -> list[Interchange]:
    with cyclic_gc_paused():
        return _read_interchanges(text, strict)


def _read_interchanges(text: str, strict: bool) -> list[Interchange]:
    _refuse_wide_encoding(text)
    text = text.removeprefix("\ufeff")
    found: list[Interchange] = []
    start, position = _skip(text, 0, _BLANK), 0
    while start < len(text):
        if found and not text.startswith("ISA", start):
            raise X12Error("text after the IEA segment is neither padding (whitespace, NUL, end-of-file byte) nor "
                           "another interchange", position)
        builder = _Builder(_delimiters(text, start), strict)
        start, position = builder.consume(text, start, position)
        found.append(builder.interchange())
        start = _skip(text, start, _PADDING)
    if not found:
        raise X12Error("no ISA segment: not an X12 interchange")
    return found


def _skip(text: str, start: int, chars: str) -> int:
    while start < len(text) and text[start] in chars:
        start += 1
    return start


def _refuse_wide_encoding(text: str) -> None:
    """UTF-16 or UTF-32 bytes read one byte a character put a NUL beside every letter, so the file would only
    fail later as "not starting with an ISA"; say what it is instead."""
    named = next((name for mark, name in _BOMS if text.startswith(mark)), None)
    head = text[:8]
    if named is None and len(head) == 8 and "\x00" in head:
        named = _WIDE.get(tuple(c == "\x00" for c in head))
    if named:
        raise X12Error(f"the file is encoded as {named}; X12 is read as single-byte text (ASCII, or UTF-8): "
                       "have it sent, or convert it, that way")


def _delimiters(text: str, start: int) -> Delimiters:
    """ISA is fixed-width in the standard, but only its separators are relied on here: the element
    separator is the 4th character, the component separator (ISA16) follows the 16th element separator,
    and the segment terminator is the character right after ISA16."""
    if not text.startswith("ISA", start) or len(text) < start + 4:
        raise X12Error("the interchange does not start with an ISA segment")
    element, at = text[start + 3], start + 3
    for _ in range(_ISA_ELEMENTS - 1):
        at = text.find(element, at + 1)
        if at < 0:
            raise X12Error("the ISA segment is incomplete", 1, "ISA")
    if len(text) < at + 3:
        raise X12Error("the ISA segment has no segment terminator", 1, "ISA")
    component, terminator = text[at + 1], text[at + 2]
    repetition = text[start:at].split(element)[11]
    if not repetition:
        raise X12Error("ISA11 (the repetition separator) is empty, or is the element separator itself: the ISA's "
                       "fields cannot be told apart", 1, "ISA")
    # ISA11 became the repetition separator in 00501; before that it held "U" (standards id).
    separator = repetition if len(repetition) == 1 and not repetition.isalnum() else None
    _refuse_clashes({"element separator (the ISA's 4th character)": element,
                     "repetition separator (ISA11)": separator, "component separator (ISA16)": component,
                     "segment terminator (the character after ISA16)": terminator})
    return Delimiters(element=element, component=component, repetition=separator, segment=terminator)


def _refuse_clashes(separators: dict[str, str | None]) -> None:
    """One character declared for two separators makes every value split on it ambiguous (a repetition
    separator equal to the component separator turns an 837's HI composites and a 271's service-type
    repetitions into each other), so the file is refused rather than read by a guess. The character is named:
    a separator is never patient data."""
    declared = [(name, char) for name, char in separators.items() if char is not None]
    for n, (name, char) in enumerate(declared):
        for other, same in declared[n + 1:]:
            if char == same:
                raise X12Error(f"the ISA declares {char!r} as both the {name} and the {other}: values split on it "
                               "cannot be told apart", 1, "ISA")


# A frozen dataclass's __init__ sets each field through object.__setattr__; the reader makes one segment per
# segment read, so it fills the slots through their descriptors directly (half the time of the __init__).
_new_segment = object.__new__
_set_id, _set_elements, _set_position, _set_delimiters = (
    Segment.__dict__[name].__set__ for name in ("id", "elements", "position", "delimiters"))


class _Builder:
    """Assembles one interchange from its segments, checking the envelopes as they close."""

    def __init__(self, delimiters: Delimiters, strict: bool) -> None:
        self.delimiters, self.strict = delimiters, strict
        self.issues: list[str] = []
        self.isa: Segment | None = None
        self.groups: list[FunctionalGroup] = []
        self.group: FunctionalGroup | None = None
        self.transaction: TransactionSet | None = None
        self.count = 0
        self.closed = False
        # Whitespace after a terminator is layout, not data (unless it is itself a delimiter); before a
        # terminator only line breaks are (a trailing space may belong to the last element).
        self.blank = "".join(c for c in _BLANK if c not in delimiters.all())
        self.line_break = "".join(c for c in "\r\n" if c not in delimiters.all())
        self.padding = "".join(c for c in _PADDING if c not in delimiters.all())
        self.control = {"ISA": self._isa, "GS": self._gs, "ST": self._st, "SE": self._se, "GE": self._ge,
                        "IEA": self._iea}

    def consume(self, text: str, start: int, position: int) -> tuple[int, int]:
        """Reads segments from `start` to the end of the interchange's IEA; returns where the text goes on and
        the position of the last segment read.

        The interchange's text is split on its terminator in one call, up to its IEA (found by one search: a
        terminator never occurs inside a value), rather than searched and sliced segment by segment, and each
        segment id is checked once per interchange: reading a 10,000-claim 835 spent most of its time there."""
        terminator, separator, delimiters = self.delimiters.segment, self.delimiters.element, self.delimiters
        blank, line_break = self.blank, self.line_break
        found = self._iea_search().search(text, start)
        stop = text.find(terminator, found.end()) if found else -1
        pieces = (text[start:stop] if stop >= 0 else text[start:]).split(terminator)
        last = len(pieces) - 1
        checked: set[str] = set()
        control = self.control
        for n, raw in enumerate(pieces):
            raw = raw.lstrip(blank).rstrip(line_break)
            if n == last and stop < 0:
                # The last segment may lack its terminator (many writers drop the final one); what is left
                # after it is padding.
                raw = raw.rstrip(self.padding)
                if not raw:
                    break
            position += 1
            parts = raw.split(separator)
            segment_id = parts[0]
            if segment_id not in checked:
                if not _SEGMENT_ID.match(segment_id):
                    raise X12Error("not a segment identifier", position)
                checked.add(segment_id)
            segment = _new_segment(Segment)
            _set_id(segment, segment_id)
            _set_elements(segment, tuple(parts[1:]))
            _set_position(segment, position)
            _set_delimiters(segment, delimiters)
            self.count += 1
            handler = control.get(segment_id)
            if handler is not None:
                handler(segment)
                if self.closed:
                    break
            elif self.transaction is None:
                raise X12Error("segment outside a transaction set (ST..SE)", position, segment_id)
            else:
                self.transaction.segments.append(segment)
        if not self.closed:
            raise X12Error("the interchange ends without an IEA segment", position)
        return (stop + 1 if stop >= 0 else len(text)), position

    def _iea_search(self) -> re.Pattern[str]:
        """Where the interchange's IEA segment starts: a terminator, layout, then IEA and the element separator."""
        layout = f"[{re.escape(self.blank)}]*" if self.blank else ""
        return re.compile(re.escape(self.delimiters.segment) + layout + "IEA" + re.escape(self.delimiters.element))

    def interchange(self) -> Interchange:
        assert self.isa is not None
        return Interchange(self.isa, self.delimiters, self.groups, self.issues, self.count)

    def _issue(self, message: str, segment: Segment) -> None:
        if self.strict:
            raise X12Error(message, segment.position, segment.id)
        self.issues.append(f"{message} (segment {segment.position} {segment.id})")

    def _isa(self, segment: Segment) -> None:
        if self.isa is not None:
            raise X12Error("ISA before the IEA of the open interchange", segment.position, "ISA")
        if len(segment.elements) != _ISA_ELEMENTS:
            raise X12Error("ISA must have 16 elements", segment.position, "ISA")
        if not (segment.element(13).isdigit() and len(segment.element(13)) == 9):
            self._issue("ISA13 must be 9 digits", segment)
        self.isa = segment

    def _gs(self, segment: Segment) -> None:
        if self.group is not None:
            raise X12Error("GS before the GE of the open group", segment.position, "GS")
        self.group = FunctionalGroup(segment)

    def _st(self, segment: Segment) -> None:
        if self.group is None or self.transaction is not None:
            raise X12Error("ST outside a functional group or inside an open transaction set",
                           segment.position, "ST")
        self.transaction = TransactionSet([segment])

    def _se(self, segment: Segment) -> None:
        if self.transaction is None or self.group is None:
            raise X12Error("SE without its ST", segment.position, "SE")
        self.transaction.segments.append(segment)
        counted = len(self.transaction.segments)
        if not _same_number(segment.element(1), str(counted)):
            self._issue(f"SE01 does not match the {counted} segments counted from ST to SE", segment)
        if segment.element(2) != self.transaction.control_number:
            self._issue("SE02 does not match ST02", segment)
        self.group.transactions.append(self.transaction)
        self.transaction = None

    def _ge(self, segment: Segment) -> None:
        if self.group is None or self.transaction is not None:
            raise X12Error("GE without its GS, or before the SE of an open transaction set",
                           segment.position, "GE")
        counted = len(self.group.transactions)
        if not _same_number(segment.element(1), str(counted)):
            self._issue(f"GE01 does not match the {counted} transaction sets in the group", segment)
        if not _same_number(segment.element(2), self.group.control_number):
            self._issue("GE02 does not match GS06", segment)
        self.groups.append(self.group)
        self.group = None

    def _iea(self, segment: Segment) -> None:
        if self.isa is None or self.group is not None:
            raise X12Error("IEA without its ISA, or before the GE of an open group", segment.position, "IEA")
        if not _same_number(segment.element(1), str(len(self.groups))):
            self._issue(f"IEA01 does not match the {len(self.groups)} functional groups", segment)
        if not _same_number(segment.element(2), self.isa.element(13)):
            self._issue("IEA02 does not match ISA13", segment)
        self.closed = True


def _same_number(a: str, b: str) -> bool:
    """Control numbers and counts are numeric: "000123" and "123" are the same number."""
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b
