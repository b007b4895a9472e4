"""Writing a 277CA (005010X214) that answers an 837 claim by claim: what a clearinghouse sends back.

The 837 is read back (`read_837` for the claims, its header for the parties), and each claim gets the
statuses decided for its patient control number (CLM01). The tree follows the guide's Table 2: one 2000A
(the clearinghouse, the 837's receiver), one 2000B (the 837's submitter, TRN*2 = the 837's BHT03, with the
batch's accepted and rejected counts and amounts), a 2000C per billing provider (with its own totals) and a
2000D per claim (TRN*2 = CLM01, REF*1K when the payer numbered it, DTP*472), with a 2220D for each line that
has a status of its own (REF*FJ = the 837's REF*6R line item control number).

The batch (2200B) is received (A1:19) and each billing provider (2200C) received (A1:19:85) unless told
otherwise (`receiver`, `providers` by NPI): a rejection there (action code U) counts every claim under it as
rejected in the totals, whatever its own decision, as a receiver of the 277CA reads it.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import count
from typing import Literal

from chalicelib.edi.claim.reader import ReadClaim, ReadLine, read_837
from chalicelib.edi.claim.values import amount, ymd
from chalicelib.edi.acks.codes_277ca import ACCEPTED_CATEGORIES, REJECTED_CATEGORIES, Status
from chalicelib.edi.x12.reader import TransactionSet, read_interchange
from chalicelib.edi.x12.segments import Segment, X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Envelope, Parties, SegmentSpec, Transaction, comp, \
    write_interchange

VERSION = "005010X214"
RECEIVED = Status("A1", "19")  # entity acknowledges receipt
ACCEPTED = Status("A2", "20")  # accepted for processing


@dataclass(frozen=True, slots=True)
class Decision:
    """What to say about one claim: one STC per status, and for lines (by line item control number) up to three
    statuses each, which go in the line's single STC as STC01, STC10 and STC11."""

    statuses: tuple[Status, ...] = (RECEIVED, ACCEPTED)
    lines: Mapping[str, tuple[Status, ...]] = field(default_factory=dict, compare=False)

    @property
    def accepted(self) -> bool:
        found = {s.category for s in self.statuses}
        return bool(found & ACCEPTED_CATEGORIES) and not found & REJECTED_CATEGORIES


def reject(*statuses: Status, lines: Mapping[str, tuple[Status, ...]] | None = None) -> Decision:
    return Decision(statuses, lines or {})


@dataclass(frozen=True, slots=True)
class _Names:
    """The NM1 segments a 277CA repeats from the 837, which `ReadClaim` does not keep."""

    billing: Segment  # 2010AA NM1*85
    patient: Segment  # 2010CA NM1*QC, or 2010BA NM1*IL when the patient is the subscriber


def _rejects(statuses: tuple[Status, ...]) -> bool:
    return any(s.category in REJECTED_CATEGORIES for s in statuses)


def build_277ca(text_837: str, *, decisions: Mapping[str, Decision], controls: ControlNumbers, created: datetime,
                usage: Literal["T", "P"], payer_claim_numbers: Mapping[str, str] | None = None,
                receiver: tuple[Status, ...] = (RECEIVED,),
                providers: Mapping[str, tuple[Status, ...]] | None = None) -> str:
    """One 277CA interchange (sender and receiver of the 837 swapped) answering every claim of `text_837`;
    `receiver` are the batch's statuses (2200B), `providers` those of billing providers by NPI (2200C)."""
    interchange = read_interchange(text_837)
    sets = list(interchange.transactions("837"))
    claims = read_837(text_837)
    names = [n for transaction in sets for n in _names(transaction)]
    if not sets or len(names) != len(claims):
        raise X12Error("the 837 has no claims, or claims outside the billing provider and patient levels")
    unknown = set(decisions) - {c.patient_control_number for c in claims}
    if unknown:
        raise X12Error(f"{len(unknown)} decision(s) name patient control numbers that are not in the 837")
    for n, claim in enumerate(claims, start=1):
        if not decisions.get(claim.patient_control_number, Decision(())).statuses:
            raise X12Error(f"claim {n} of the 837 has no decision with a status")
    header = sets[0].body
    gs = interchange.groups[0].header
    parties = Parties(*interchange.sender, *interchange.receiver, gs.element(2), gs.element(3)).swapped()
    body = _Body(decisions, payer_claim_numbers or {}, created, receiver, providers or {}).write(
        header, list(zip(claims, names)), controls)
    envelope = Envelope(parties, "HN", VERSION, usage, created)
    return write_interchange(envelope, controls, [Transaction("277", VERSION, body)])


def _names(transaction: TransactionSet) -> list[_Names]:
    """The billing provider's and patient's NM1 for each CLM, in file order (the order `read_837` keeps). Only the
    first NM1 of each entity in a level counts: a later NM1*IL after CLM is another payer's subscriber (2330A)."""
    found: list[_Names] = []
    level, nm1 = "", {}
    forget = {"20": ("85", "IL", "QC"), "22": ("IL", "QC"), "23": ("QC",)}
    for segment in transaction.body:
        if segment.id == "HL":
            level = segment.element(3)
            for entity in forget.get(level, ()):
                nm1.pop(entity, None)
        elif segment.id == "NM1" and segment.element(1) in ("85", "IL", "QC"):
            nm1.setdefault(segment.element(1), segment)
        elif segment.id == "CLM" and "85" in nm1 and "IL" in nm1:
            found.append(_Names(nm1["85"], nm1["QC"] if level == "23" and "QC" in nm1 else nm1["IL"]))
    return found


class _Body:
    def __init__(self, decisions: Mapping[str, Decision], payer_numbers: Mapping[str, str], created: datetime,
                 receiver: tuple[Status, ...], providers: Mapping[str, tuple[Status, ...]]):
        if not receiver or not all(providers.values()):
            raise X12Error("the batch and each billing provider named take at least one status")
        self.decisions, self.payer_numbers, self.created = decisions, payer_numbers, created
        self.receiver, self.providers = receiver, providers
        self.today = ymd(created.date())

    def _provider_statuses(self, npi: str) -> tuple[Status, ...]:
        return self.providers.get(npi, (Status(RECEIVED.category, RECEIVED.code, "85"),))

    def _accepted(self, claim: ReadClaim) -> bool:
        """As the 277CA's reader will count it: its own decision, unless its batch or provider was rejected."""
        return self.decisions[claim.patient_control_number].accepted and not _rejects(self.receiver) \
            and not _rejects(self._provider_statuses(claim.billing_npi))

    def _stcs(self, statuses: tuple[Status, ...], day: str, total: str) -> list[SegmentSpec]:
        action = "U" if _rejects(statuses) else "WQ"
        return [("STC", comp(s.category, s.code, s.entity), day, action, total) for s in statuses]

    def write(self, header: list[Segment], claims: list[tuple[ReadClaim, _Names]],
              controls: ControlNumbers) -> list[SegmentSpec]:
        by_id = {s.element(1): s for s in header if s.id == "NM1" and s.element(1) in ("40", "41")}
        bht = next((s for s in header if s.id == "BHT"), None)
        if "40" not in by_id or "41" not in by_id or bht is None:
            raise X12Error("the 837 header lacks its BHT, submitter (NM1*41) or receiver (NM1*40)")
        source, receiver = by_id["40"], by_id["41"]
        ids = count(1)
        body: list[SegmentSpec] = [
            ("BHT", "0085", "08", str(controls.interchange), self.today, self.created.strftime("%H%M"), "TH"),
            ("HL", str(next(ids)), "", "20", "1"), ("NM1", "AY", "2", source.element(3), "", "", "", "", "46",
                                                   source.element(9)),
            ("TRN", "1", str(controls.interchange)), ("DTP", "050", "D8", self.today), ("DTP", "009", "D8", self.today),
            ("HL", str(next(ids)), "1", "21", "1"), ("NM1", "41", "2", receiver.element(3), "", "", "", "", "46",
                                                    receiver.element(9)),
            ("TRN", "2", bht.element(3)),
            *self._stcs(self.receiver, self.today, amount(sum(c.total_charge_cents for c, _ in claims))),
            *self._totals([c for c, _ in claims], ("90", "AA"))]
        providers: dict[str, list[tuple[ReadClaim, _Names]]] = {}
        for claim, names in claims:
            providers.setdefault(claim.billing_npi, []).append((claim, names))
        for group in providers.values():
            body += self._provider(group, str(next(ids)), ids)
        return body

    def _totals(self, claims: list[ReadClaim], quantities: tuple[str, str]) -> list[SegmentSpec]:
        """QTY and AMT of accepted, then rejected, claims; each only when its count is not zero (X214 2200B and
        2200C: the accepted and rejected quantity and amount segments are sent when there is something to count)."""
        accepted = [c for c in claims if self._accepted(c)]
        rejected = [c for c in claims if not self._accepted(c)]
        specs: list[SegmentSpec] = []
        for qualifier, chosen in zip(quantities, (accepted, rejected)):
            if chosen:
                specs.append(("QTY", qualifier, str(len(chosen))))
        for qualifier, chosen in zip(("YU", "YY"), (accepted, rejected)):
            if chosen:
                specs.append(("AMT", qualifier, amount(sum(c.total_charge_cents for c in chosen))))
        return specs

    def _provider(self, group: list[tuple[ReadClaim, _Names]], hl: str, ids: Iterator[int]) -> list[SegmentSpec]:
        nm1 = group[0][1].billing
        total = amount(sum(c.total_charge_cents for c, _ in group))
        specs: list[SegmentSpec] = [
            ("HL", hl, "2", "19", "1"),
            ("NM1", "85", nm1.element(2), nm1.element(3), nm1.element(4), nm1.element(5), "", "", "XX",
             nm1.element(9)),
            ("TRN", "1", "0"), *self._stcs(self._provider_statuses(group[0][0].billing_npi), "", total),
            *self._totals([c for c, _ in group], ("QA", "QC"))]
        for claim, names in group:
            specs += self._claim(claim, names.patient, str(next(ids)), hl)
        return specs

    def _claim(self, claim: ReadClaim, patient: Segment, hl: str, parent: str) -> list[SegmentSpec]:
        decision = self.decisions[claim.patient_control_number]
        action, total = ("WQ" if self._accepted(claim) else "U"), amount(claim.total_charge_cents)
        specs: list[SegmentSpec] = [
            ("HL", hl, parent, "PT"),
            ("NM1", "QC", "1", patient.element(3), patient.element(4), patient.element(5), "", "", "MI",
             claim.member_id),
            ("TRN", "2", claim.patient_control_number),
            *(("STC", comp(s.category, s.code, s.entity), self.today, action, total) for s in decision.statuses)]
        if self.payer_numbers.get(claim.patient_control_number):
            specs.append(("REF", "1K", self.payer_numbers[claim.patient_control_number]))
        if claim.facility_qualifier == "A":  # 837I: CLM05-1 facility type + CLM05-3 frequency = the bill type
            specs.append(("REF", "BLT", claim.facility_code + claim.frequency_code))
        specs.append(_service_dates(_claim_dates(claim)))
        for line in claim.lines:
            if line.control_number in decision.lines:
                specs += self._line(line, decision.lines[line.control_number])
        return specs

    def _line(self, line: ReadLine, statuses: tuple[Status, ...]) -> list[SegmentSpec]:
        if not 1 <= len(statuses) <= 3:
            raise X12Error("a line takes one to three statuses (STC01, STC10, STC11)")
        procedure = comp("HC", line.procedure_code, *line.modifiers) if line.procedure_code \
            else comp("NU", line.revenue_code)
        revenue = line.revenue_code if line.procedure_code else ""
        stc: list = ["STC", comp(statuses[0].category, statuses[0].code, statuses[0].entity), self.today, "U",
                     "", "", "", "", "", ""]
        stc += [comp(s.category, s.code, s.entity) for s in statuses[1:]]
        specs: list[SegmentSpec] = [
            ("SVC", procedure, amount(line.charge_cents), "", revenue, "", "", format(line.units.normalize(), "f")),
            tuple(stc), ("REF", "FJ", line.control_number)]
        if line.service_date is not None:
            specs.append(_service_dates((line.service_date, line.service_date_to or line.service_date)))
        return specs


def _claim_dates(claim: ReadClaim) -> tuple[date, date]:
    """The statement period of an 837I, else the span of the lines' service dates (837P)."""
    if claim.statement_from is not None:
        return claim.statement_from, claim.statement_to or claim.statement_from
    days = [d for line in claim.lines for d in (line.service_date, line.service_date_to) if d is not None]
    if not days:
        raise X12Error("a claim has no service dates for DTP*472")
    return min(days), max(days)


def _service_dates(span: tuple[date, date]) -> SegmentSpec:
    first, last = span
    return ("DTP", "472", "D8", ymd(first)) if first == last else ("DTP", "472", "RD8", f"{ymd(first)}-{ymd(last)}")
