"""Implementation acknowledgment (005010X231A1): `parse_999` reads the 999s that answer our 837s, and
`build_999` writes one (the sandbox clearinghouse answers our 837s with it).

A 999 transaction set acknowledges one functional group (X231A1 section 2.2): AK1 names the group (GS01,
GS06, GS08), one AK2 loop (2000) per transaction set names the set (ST01, ST02, ST03), IK3 loops (2100) the
segments in error, IK4 loops (2110) the elements, IK5 gives the set's result and AK9 the group's. Codes
become plain words from the guide's code lists. IK404, a copy of the bad data element, can be a patient's
name or member id: it is never read into results or messages, and never written.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, Mapping, Sequence

from chalicelib.edi.acks.codes_999 import (  # noqa: F401 (re-exported: one import for callers)
    ELEMENT_CODES,
    GROUP_ERROR_CODES,
    RESULT_CODES,
    SEGMENT_CODES,
    SET_ERROR_CODES,
    describe,
)
from chalicelib.edi.x12.reader import FunctionalGroup, TransactionSet, read_interchange, read_interchanges
from chalicelib.edi.x12.segments import Segment, X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, comp, write_interchange

VERSION = "005010X231A1"


@dataclass(frozen=True, slots=True)
class Context:
    """CTX: a situational trigger (which segment and element made the erroneous one required) or, at the
    IK3 level, a business unit identifier (`name` CLM01, `reference` the claim's patient control number)."""

    name: str  # CTX01-1
    reference: str = ""  # CTX01-2
    segment_id: str = ""  # CTX02
    position: int | None = None  # CTX03, the trigger segment's position in the set
    loop_id: str = ""  # CTX04
    element: int | None = None  # CTX05-1
    component: int | None = None  # CTX05-2


@dataclass(frozen=True, slots=True)
class ElementError:
    """IK4 (loop 2110); the copy of the bad value (IK404) is deliberately not kept."""

    position: int  # IK401-1, the element's position in its segment
    reference: str  # IK402, the data element reference number ("782" is a monetary amount)
    code: str  # IK403
    component: int | None = None  # IK401-2
    repetition: int | None = None  # IK401-3
    contexts: tuple[Context, ...] = ()

    @property
    def words(self) -> str:
        return describe(self.code, ELEMENT_CODES)


@dataclass(frozen=True, slots=True)
class SegmentError:
    """IK3 (loop 2100): a segment of the acknowledged set, by id and position (ST is 1)."""

    segment_id: str  # IK301
    position: int  # IK302
    loop_id: str = ""  # IK303, e.g. "2300"
    code: str = ""  # IK304; situational: absent when only element errors are reported
    elements: tuple[ElementError, ...] = ()
    contexts: tuple[Context, ...] = ()

    @property
    def messages(self) -> list[str]:
        where = f"{self.segment_id} segment {self.position}" + (f" in loop {self.loop_id}" if self.loop_id else "")
        found = [f"{where}: {describe(self.code, SEGMENT_CODES)}"] if self.code else []
        for element in self.elements:
            part = f"-{element.component}" if element.component else ""
            found.append(f"{where}, element {self.segment_id}{element.position:02d}{part}"
                         f" (data element {element.reference or 'unnamed'}): {element.words}")
        return found


@dataclass(frozen=True, slots=True)
class SetAck:
    """One AK2 loop: what the receiver said about one of our transaction sets."""

    set_id: str  # AK201
    control_number: str  # AK202, our ST02
    convention: str  # AK203
    code: str  # IK501
    errors: tuple[str, ...] = ()  # IK502-IK506
    segment_errors: tuple[SegmentError, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.code in ("A", "E")

    @property
    def messages(self) -> list[str]:
        found = [f"transaction set {self.control_number}: {describe(self.code, RESULT_CODES)}"]
        found += [describe(code, SET_ERROR_CODES) for code in self.errors]
        return found + [m for error in self.segment_errors for m in error.messages]


@dataclass(frozen=True, slots=True)
class Ack999:
    """One 999 transaction set: the answer for one functional group we sent."""

    functional_id: str  # AK101, HC for claims
    group_control_number: str  # AK102, our GS06
    version: str  # AK103, our GS08
    code: str  # AK901
    included: int  # AK902
    received: int  # AK903
    accepted: int  # AK904
    errors: tuple[str, ...] = ()  # AK905-AK909
    sets: tuple[SetAck, ...] = ()

    @property
    def messages(self) -> list[str]:
        found = [f"functional group {self.group_control_number}: {describe(self.code, RESULT_CODES)}"]
        return found + [describe(code, GROUP_ERROR_CODES) for code in self.errors]


def parse_999(text: str) -> list[Ack999]:
    """Every 999 in the text, one per functional group acknowledged. Envelope counts are not enforced
    (strict=False): a 999 whose IEA02 is wrong still says which claims were rejected."""
    acks: list[Ack999] = []
    for interchange in read_interchanges(text, strict=False):
        for transaction in interchange.transactions():
            if transaction.set_id != "999":
                raise X12Error("expected only 999 transaction sets", transaction.header.position, "ST")
            acks.append(_read_ack(transaction))
    return acks


def _read_ack(transaction: TransactionSet) -> Ack999:
    body = transaction.body
    if not body or body[0].id != "AK1":
        raise X12Error("a 999 starts with AK1", transaction.header.position, "ST")
    if body[-1].id != "AK9":
        raise X12Error("a 999 ends with AK9", body[-1].position, body[-1].id)
    ak1, ak9 = body[0], body[-1]
    sets: list[SetAck] = []
    loop: list[Segment] = []
    for segment in body[1:-1]:
        if segment.id == "AK2" and loop:
            sets.append(_read_set(loop))
            loop = []
        if not loop and segment.id != "AK2":
            raise X12Error("segment outside an AK2 loop", segment.position, segment.id)
        loop.append(segment)
    if loop:
        sets.append(_read_set(loop))
    return Ack999(ak1.element(1), ak1.element(2), ak1.element(3), ak9.element(1), _required(ak9, 2),
                  _required(ak9, 3), _required(ak9, 4), _codes(ak9, 5, 9), tuple(sets))


def _read_set(loop: list[Segment]) -> SetAck:
    """AK2, then IK3 loops (each IK3, its CTXs, then IK4 loops with their CTXs), then IK5 last."""
    ak2, ik5 = loop[0], loop[-1]
    if ik5.id != "IK5" or len(loop) < 2:
        raise X12Error("an AK2 loop must end with IK5", ak2.position, "AK2")
    errors: list[SegmentError] = []
    for segment in loop[1:-1]:
        if segment.id == "IK3":
            errors.append(SegmentError(segment.element(1), _required(segment, 2), segment.element(3),
                                       segment.element(4)))
        elif not errors or segment.id not in ("IK4", "CTX"):
            raise X12Error("unexpected segment in an AK2 loop", segment.position, segment.id)
        else:
            errors[-1] = _attach(errors[-1], segment)
    return SetAck(ak2.element(1), ak2.element(2), ak2.element(3), ik5.element(1), _codes(ik5, 2, 6), tuple(errors))


def _attach(error: SegmentError, segment: Segment) -> SegmentError:
    """An IK4 joins the open IK3; a CTX joins the last IK4 if there is one (2110), else the IK3 (2100)."""
    if segment.id == "IK4":
        element = ElementError(_required(segment, 1, 1), segment.element(2), segment.element(3),
                               _optional(segment, 1, 2), _optional(segment, 1, 3))
        return replace(error, elements=error.elements + (element,))
    context = Context(segment.component(1, 1), segment.component(1, 2), segment.element(2), _optional(segment, 3),
                      segment.element(4), _optional(segment, 5, 1), _optional(segment, 5, 2))
    if error.elements:
        last = error.elements[-1]
        last = replace(last, contexts=last.contexts + (context,))
        return replace(error, elements=error.elements[:-1] + (last,))
    return replace(error, contexts=error.contexts + (context,))


def _optional(segment: Segment, n: int, k: int | None = None) -> int | None:
    """A position element (or component) as a number, None when absent; anything but digits is an error."""
    value = segment.element(n) if k is None else segment.component(n, k)
    if not value:
        return None
    if not value.isdigit():
        raise X12Error(f"{segment.id}{n:02d} must be a number", segment.position, segment.id)
    return int(value)


def _required(segment: Segment, n: int, k: int | None = None) -> int:
    value = _optional(segment, n, k)
    if value is None:
        raise X12Error(f"{segment.id}{n:02d} is required", segment.position, segment.id)
    return value


def _codes(segment: Segment, first: int, last: int) -> tuple[str, ...]:
    return tuple(segment.element(n) for n in range(first, last + 1) if segment.element(n))


def build_999(original: str, controls: ControlNumbers, *, usage: Literal["T", "P"], created: datetime,
              rejected: Mapping[str, Sequence[SegmentError]] | None = None,
              noted: Mapping[str, Sequence[SegmentError]] | None = None) -> str:
    """The 999 answering `original` (one interchange we sent): one 999 per functional group, every set
    accepted except those named by ST02 in `rejected` (IK5 R) or `noted` (IK5 E, accepted with errors)."""
    rejected, noted = dict(rejected or {}), dict(noted or {})
    interchange = read_interchange(original)
    sent = {t.control_number for t in interchange.transactions()}
    named = list(rejected) + list(noted)
    if len(set(named)) != len(named) or not set(named) <= sent:
        raise X12Error("each transaction set named must be in the interchange, and named once")
    if not all(rejected.values()) or not all(noted.values()):
        raise X12Error("a rejected or noted transaction set needs at least one segment error")
    first = interchange.groups[0].header
    ours = Parties(*interchange.sender, *interchange.receiver, first.element(2), first.element(3))
    transactions = [Transaction("999", VERSION, _answer(group, rejected, noted)) for group in interchange.groups]
    return write_interchange(Envelope(ours.swapped(), "FA", VERSION, usage, created), controls, transactions)


def _answer(group: FunctionalGroup, rejected: Mapping[str, Sequence[SegmentError]],
            noted: Mapping[str, Sequence[SegmentError]]) -> list[SegmentSpec]:
    body: list[SegmentSpec] = [("AK1", group.functional_id, group.control_number, group.version)]
    results: list[str] = []
    for transaction in group.transactions:
        number = transaction.control_number
        code, errors = ("R", rejected[number]) if number in rejected else ("E", noted.get(number, ()))
        code = code if errors else "A"
        results.append(code)
        body.append(("AK2", transaction.set_id, number, transaction.convention))
        for error in errors:
            body += _segment_error(error)
        body.append(("IK5", code, _set_error(errors)))
    accepted = sum(code in ("A", "E") for code in results)
    # AK901: A/E when every set was accepted (E if any with errors), R when none was, P in between.
    overall = ("E" if "E" in results else "A") if accepted == len(results) else ("R" if not accepted else "P")
    body.append(("AK9", overall, str(len(results)), str(len(results)), str(accepted)))
    return body


def _set_error(errors: Sequence[SegmentError]) -> str:
    """IK502: I5 when an implementation (guide) rule was broken, 5 for a standard syntax error; none if A."""
    if not errors:
        return ""
    codes = [e.code for e in errors] + [element.code for e in errors for element in e.elements]
    return "I5" if any(code.startswith("I") for code in codes) else "5"


def _segment_error(error: SegmentError) -> list[SegmentSpec]:
    specs: list[SegmentSpec] = [("IK3", error.segment_id, str(error.position), error.loop_id, error.code)]
    specs += [_context(c) for c in error.contexts]
    for element in error.elements:
        position = comp(str(element.position), _text(element.component), _text(element.repetition))
        specs.append(("IK4", position, element.reference, element.code))
        specs += [_context(c) for c in element.contexts]
    return specs


def _context(context: Context) -> SegmentSpec:
    where = comp(_text(context.element), _text(context.component))
    return ("CTX", comp(context.name, context.reference), context.segment_id, _text(context.position),
            context.loop_id, where)


def _text(number: int | None) -> str:
    return "" if number is None else str(number)
