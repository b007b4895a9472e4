"""The payer's side of claim status (005010X212): a 276 read as a payer receives it, and the 277 answering it.

`read_276` gives the claims a 276 asks about (2200D/E: TRN02, REF*EJ/1K/BLT, the charge, DTP*472) and the HL
tree around them; `build_277` answers every claim with the statuses it is given, keyed by TRN02 (the trace the
276 asks each claim under, which the 277 echoes in TRN*2). The 277 keeps the inquiry's hierarchy: the same HL
numbers and levels, the NM1 of each level echoed, DMG
dropped (a 277 does not repeat demographics), and per claim TRN*2, one STC, REF*1K, REF*BLT, REF*EJ and
DTP*472. Service lines (2210D/E) are not answered one by one: the claim's STC speaks for them.
The envelope answers the 276's: sender and receiver swapped, the same delimiters, usage indicator and control
numbers (a sandbox keeps no counter; a payer would use its own). `rules_277.check_277` holds the guide's rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Union

from chalicelib.edi.claim.values import amount, read_cents, ymd
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.x12.reader import Interchange, read_interchange
from chalicelib.edi.x12.segments import Delimiters, Segment, X12Error
from chalicelib.edi.x12.writer import Composite, ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, comp, \
    write_interchange

VERSION = "005010X212"
PAYMENT_METHODS = ("ACH", "BOP", "CHK", "FWT", "NON")  # X212 2200D STC07


@dataclass(frozen=True, slots=True)
class Answer:
    """What the payer says about one claim: one STC holding up to three statuses (STC01, STC10, STC11)."""

    statuses: tuple[Status, ...]
    paid_cents: int = 0  # STC05 is required: a claim not (yet) paid says 0
    adjudicated: date | None = None  # STC06
    payment_method: str = ""  # STC07
    check_issued: date | None = None  # STC08
    check_number: str = ""  # STC09
    payer_claim_number: str = ""  # REF*1K; the 276's own REF*1K is echoed when this is empty

    def __post_init__(self) -> None:
        if not 1 <= len(self.statuses) <= 3:
            raise X12Error("an answer takes one to three statuses (STC01, STC10, STC11)")
        if self.paid_cents < 0 or self.payment_method not in ("", *PAYMENT_METHODS):
            raise X12Error("an answer's paid amount or payment method breaks the 277 rules")
        if len(self.check_number) > 16 or len(self.payer_claim_number) > 50:  # STC09 AN 1/16, REF02 AN 1/50
            raise X12Error("an answer's check number or payer claim number is too long for the 277")


@dataclass(frozen=True, slots=True)
class AskedClaim:
    """One claim of a 276 (loop 2200D/E), as the payer reads it."""

    trace_number: str  # TRN02
    patient_control_number: str  # REF*EJ, "" when not sent
    payer_claim_number: str  # REF*1K
    bill_type: str  # REF*BLT (institutional)
    charge_cents: int | None  # AMT*T3, else the sum of the 2210 lines' SVC02, else None
    service_dates: Segment | None  # DTP*472 of the claim, echoed as sent


Node = Union[Segment, AskedClaim]  # an HL or NM1 to echo, or a claim to answer


@dataclass(frozen=True, slots=True)
class Inquiry276:
    parties: Parties  # as sent: ISA06/ISA08 and GS02/GS03
    usage: str  # ISA15
    delimiters: Delimiters
    controls: ControlNumbers  # ISA13, GS06 and the first ST02
    sets: tuple[tuple[str, tuple[Node, ...]], ...]  # per 276 set: BHT03 and its tree in order

    @property
    def claims(self) -> list[AskedClaim]:
        return [node for _, tree in self.sets for node in tree if isinstance(node, AskedClaim)]


def read_276(text: str) -> Inquiry276:
    """A 276 interchange (strict envelope, one functional group) as a payer reads it."""
    interchange = read_interchange(text)
    if len(interchange.groups) != 1 or not interchange.groups[0].transactions:
        raise X12Error("expected one functional group of 276 transaction sets")
    group = interchange.groups[0]
    transactions = list(interchange.transactions("276"))
    if len(transactions) != len(group.transactions):
        raise X12Error("expected only 276 transaction sets")
    sets = tuple((next((s.element(3) for s in t.body if s.id == "BHT"), ""), _tree(t.body)) for t in transactions)
    parties = Parties(*interchange.sender, *interchange.receiver, group.header.element(2), group.header.element(3))
    return Inquiry276(parties, interchange.usage, interchange.delimiters, _controls(interchange), sets)


def _controls(interchange: Interchange) -> ControlNumbers:
    numbers = (interchange.control_number, interchange.groups[0].control_number,
               interchange.groups[0].transactions[0].control_number)
    if not all(number.isdigit() for number in numbers):
        raise X12Error("ISA13, GS06 and ST02 must be numbers for the 277 to answer with them")
    return ControlNumbers(*(int(number) for number in numbers))


def _tree(body: list[Segment]) -> tuple[Node, ...]:
    """HL and NM1 segments as they come; each claim (TRN up to the next HL or TRN) read into an AskedClaim."""
    nodes: list[Node] = []
    claim: list[Segment] = []
    for segment in body:
        if claim and segment.id in ("HL", "TRN"):
            nodes.append(_asked(claim))
            claim = []
        if segment.id == "TRN":
            claim = [segment]
        elif claim:
            claim.append(segment)
        elif segment.id in ("HL", "NM1"):
            nodes.append(segment)
    if claim:
        nodes.append(_asked(claim))
    return tuple(nodes)


def _asked(segments: list[Segment]) -> AskedClaim:
    first_line = next((i for i, s in enumerate(segments) if s.id == "SVC"), len(segments))
    head, lines = segments[:first_line], segments[first_line:]
    refs: dict[str, str] = {}
    for segment in head:
        if segment.id == "REF":
            refs.setdefault(segment.element(1), segment.element(2))
    total = next((s for s in head if s.id == "AMT" and s.element(1) == "T3"), None)
    charges = [read_cents(s, 2) for s in lines if s.id == "SVC"]
    charge = read_cents(total, 2) if total is not None else (sum(charges) if charges else None)
    dates = next((s for s in head if s.id == "DTP" and s.element(1) == "472"), None)
    return AskedClaim(segments[0].element(2), refs.get("EJ", ""), refs.get("1K", ""), refs.get("BLT", ""), charge,
                      dates)


def build_277(text_276: str, answers: dict[str, Answer], *, created: datetime) -> str:
    """The 277 answering every claim of `text_276`; `answers` holds one Answer per claim's TRN02."""
    inquiry = read_276(text_276)
    missing = sum(1 for claim in inquiry.claims if claim.trace_number not in answers)
    if missing or not inquiry.claims:
        raise X12Error(f"the 276 asks about no claim, or {missing} of its claims have no answer")
    transactions = [Transaction("277", VERSION, _body(reference, tree, answers, created))
                    for reference, tree in inquiry.sets]
    envelope = Envelope(inquiry.parties.swapped(), "HN", VERSION, "P" if inquiry.usage == "P" else "T", created)
    return write_interchange(envelope, inquiry.controls, transactions, delimiters=inquiry.delimiters)


def _body(reference: str, tree: tuple[Node, ...], answers: dict[str, Answer], created: datetime) -> list[SegmentSpec]:
    # BHT02 08 = status, BHT03 the inquiry's BHT03 echoed, BHT06 DG = response (X212 277 header).
    body: list[SegmentSpec] = [("BHT", "0010", "08", reference, ymd(created.date()), created.strftime("%H%M"), "DG")]
    for node in tree:
        if isinstance(node, AskedClaim):
            body += _claim(node, answers[node.trace_number], created.date())
        else:
            body.append((node.id, *node.elements))
    return body


def _claim(claim: AskedClaim, answer: Answer, today: date) -> list[SegmentSpec]:
    """Loop 2200D/E of the 277: TRN*2, STC, then the REFs in the guide's order (1K, BLT, EJ) and DTP*472."""
    first, *more = answer.statuses
    # STC04 is required: a 276 that gave no charge (no AMT*T3 and no lines) gets 0 rather than a guess.
    stc: SegmentSpec = ("STC", _status(first), ymd(today), "", amount(claim.charge_cents or 0),
                        amount(answer.paid_cents), _ymd(answer.adjudicated), answer.payment_method,
                        _ymd(answer.check_issued), answer.check_number, *map(_status, more))
    refs = (("1K", answer.payer_claim_number or claim.payer_claim_number), ("BLT", claim.bill_type),
            ("EJ", claim.patient_control_number))
    specs: list[SegmentSpec] = [("TRN", "2", claim.trace_number), stc]
    specs += [("REF", qualifier, value) for qualifier, value in refs if value]
    if claim.service_dates is not None:
        specs.append(("DTP", *claim.service_dates.elements))
    return specs


def _status(status: Status) -> Composite:
    return comp(status.category, status.code, status.entity)


def _ymd(day: date | None) -> str:
    return ymd(day) if day is not None else ""
