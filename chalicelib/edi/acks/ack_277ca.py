"""Health Care Claim Acknowledgment (277CA, 005010X214): reading a clearinghouse's or payer's answer to our 837,
and writing one (for the sandbox clearinghouse).

The guide's Table 2 is an HL tree: 2000A information source (HL03 20: payer or clearinghouse), 2000B
information receiver (21: us, the submitter, with batch totals), 2000C billing provider (19, NM1*85), 2000D
patient (PT). Under a patient, each 2200D (a TRN*2 carrying our CLM01) is one claim with its STC statuses,
REF*1K payer claim control number, REF*D9 clearinghouse trace, REF*BLT bill type and DTP*472 service dates;
each 2220D (SVC, STC, REF*FJ) is one service line. `parse_277ca` gives one `ClaimAck` per 2200D.

Statuses above the claims count too: a 2200B STC is about the whole batch the 2000B answers (its TRN02 echoes
the 837's BHT03), a 2200C STC about one billing provider in it (2100C NM108/NM109: XX and the NPI, or FI and
the tax id). That is how "unknown submitter" (A3:24:41), "provider not enrolled" and "whole file refused"
arrive, often with no claim listed under them. `read_277ca` gives these levels as `LevelAck`s beside the
claims; each claim listed under a level carries it (`ClaimAck.above`), and a rejection there rejects the claim
whatever its own statuses say. Acceptance at a level says nothing about a claim.
A 277 of another guide (the 005010X212 claim status response) has the same ST01, so ST03 and BHT are checked
and anything else is refused rather than read as acknowledgments.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.edi.acks import codes_277ca as codes
from chalicelib.edi.claim.values import parse_cents, read_dates
from chalicelib.edi.acks.build_277ca import VERSION, Decision, build_277ca
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.x12.reader import read_interchanges
from chalicelib.edi.x12.segments import Segment, X12Error

__all__ = ["VERSION", "Acknowledgment", "ClaimAck", "Decision", "LevelAck", "LineAck", "Status", "StatusInfo",
           "build_277ca", "parse_277ca", "read_277ca"]


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """One STC: STC01 then the secondary statuses of STC10 and STC11, the effective date and action."""

    statuses: tuple[Status, ...]
    effective: date | None  # STC02
    action: str  # STC03: WQ accepted, U rejected
    charge_cents: int | None  # STC04, the total charge the status applies to


@dataclass(frozen=True, slots=True)
class LineAck:
    control_number: str  # REF*FJ: the line item control number we sent (837 REF*6R)
    procedure: tuple[str, ...]  # SVC01 components: qualifier, code, modifiers
    charge_cents: int  # SVC02
    statuses: tuple[StatusInfo, ...]
    service_from: date | None = None  # DTP*472
    service_to: date | None = None


def _categories(statuses: tuple[StatusInfo, ...]) -> tuple[str, ...]:
    return tuple(s.category for info in statuses for s in info.statuses)


Level = Literal["2000B", "2000C"]
_LEVEL_WORDS = {"2000B": "whole batch (information receiver, 2000B)", "2000C": "billing provider (2000C)"}


@dataclass(frozen=True, slots=True)
class LevelAck:
    """The statuses of a level above the claims: 2000B, the information receiver (us) for one batch, or 2000C,
    one billing provider of that batch."""

    level: Level
    batch_reference: str  # 2200B TRN02: the 837's BHT03 (for a 2000C, that of the 2000B above it)
    statuses: tuple[StatusInfo, ...]
    provider_qualifier: str = ""  # 2100C NM108: XX (NPI) or FI (federal tax id)
    provider_id: str = ""  # 2100C NM109

    @property
    def rejected(self) -> bool:
        """A3, A4, A6-A8 at this level: every claim it covers is rejected with it."""
        return bool(set(_categories(self.statuses)) & codes.REJECTED_CATEGORIES)

    @property
    def messages(self) -> tuple[str, ...]:
        """Each status in words, saying it was given for the whole batch or for the billing provider."""
        return tuple(f"{_LEVEL_WORDS[self.level]}: {s.words}" for info in self.statuses for s in info.statuses)

    def covers(self, npi: str, tax_id: str) -> bool:
        """Whether a claim of this level's batch with that billing provider falls under it."""
        if self.level == "2000B":
            return True
        return (self.provider_qualifier, self.provider_id) in (("XX", npi), ("FI", tax_id))


@dataclass(frozen=True, slots=True)
class ClaimAck:
    patient_control_number: str  # 2200D TRN02, our CLM01
    billing_npi: str  # 2100C NM109
    statuses: tuple[StatusInfo, ...]
    payer_claim_number: str = ""  # REF*1K
    clearinghouse_trace: str = ""  # REF*D9
    bill_type: str = ""  # REF*BLT
    service_from: date | None = None  # DTP*472
    service_to: date | None = None
    lines: tuple[LineAck, ...] = ()
    above: tuple[LevelAck, ...] = ()  # the 2000B and 2000C the claim sits under (or that cover it)

    @property
    def rejected_above(self) -> tuple[LevelAck, ...]:
        return tuple(level for level in self.above if level.rejected)

    @property
    def categories(self) -> tuple[str, ...]:
        """The claim's own categories, after those of any level above that rejected it."""
        return tuple(c for level in self.rejected_above for c in _categories(level.statuses)) + \
            _categories(self.statuses)

    @property
    def accepted(self) -> bool:
        """Accepted into the payer's system (A1/A2/A5) and not rejected (A3, A4, A6-A8) by any status, its own or
        a level's above it."""
        found = set(self.categories)
        return bool(found & codes.ACCEPTED_CATEGORIES) and not found & codes.REJECTED_CATEGORIES

    @property
    def messages(self) -> tuple[str, ...]:
        """Every status in plain words, built from codes only (no names, no member ids): a rejecting level's
        first, then the claim's own."""
        return tuple(m for level in self.rejected_above for m in level.messages) + \
            tuple(s.words for info in self.statuses for s in info.statuses)


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """What a 277CA file says: per claim (2200D), and per level above the claims (2200B, 2200C)."""

    claims: list[ClaimAck]
    levels: list[LevelAck]


def parse_277ca(text: str, *, strict: bool = True) -> list[ClaimAck]:
    """Every claim acknowledged by every 277CA transaction set of every interchange in `text`. With
    `strict=False`, miscounted envelopes are tolerated, as `read_interchanges` allows."""
    return read_277ca(text, strict=strict).claims


def read_277ca(text: str, *, strict: bool = True) -> Acknowledgment:
    """The claims and the levels above them of every 277CA transaction set in `text`."""
    found = Acknowledgment([], [])
    for interchange in read_interchanges(text, strict=strict):
        for group in interchange.groups:
            for transaction in group.transactions:
                if transaction.set_id != "277":
                    continue
                bht = transaction.body[0] if transaction.body else None
                if (transaction.convention or group.version) != VERSION or bht is None or bht.id != "BHT" \
                        or (bht.element(1), bht.element(6)) != ("0085", "TH"):
                    raise X12Error("a 277 whose ST03 is not 005010X214 or whose BHT is not 0085..TH is not a "
                                   "claim acknowledgment (277CA)", transaction.header.position, "ST")
                walk = _Walk()
                found.claims.extend(walk.read(transaction.body))
                found.levels.extend(walk.levels.values())
    return found


@dataclass(slots=True)
class _Draft:
    trn: Segment
    npi: str
    statuses: list[StatusInfo] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    dates: tuple[date, date] | None = None
    lines: list[LineAck] = field(default_factory=list)
    above: tuple[str, ...] = ()  # HL01 of the 2000B and 2000C it sits under


_LEVELS: dict[str, Level] = {"21": "2000B", "19": "2000C"}  # HL03 -> the loop it opens


class _Walk:
    """One 277CA body; HL levels are kept by id so each claim finds the billing provider and levels above it."""

    def __init__(self) -> None:
        self.npi_of: dict[str, str] = {}  # HL01 -> the NPI of the 2000C at or above it
        self.above_of: dict[str, tuple[str, ...]] = {}  # HL01 -> the HL01 of the 2000B/2000C at or above it
        self.levels: dict[str, LevelAck] = {}  # HL01 of a 2000B or 2000C -> what it says
        self.level, self.npi, self.hl_id = "", "", ""
        self.draft: _Draft | None = None
        self.line: LineAck | None = None
        self.acks: list[ClaimAck] = []

    def read(self, body: list[Segment]) -> list[ClaimAck]:
        handlers = {"HL": self._hl, "NM1": self._nm1, "TRN": self._trn, "STC": self._stc, "REF": self._ref,
                    "DTP": self._dtp, "SVC": self._svc}
        for segment in body:
            if segment.id in handlers:
                handlers[segment.id](segment)
        self._close()
        return self.acks

    def _hl(self, segment: Segment) -> None:
        self._close()
        self.level, self.hl_id, parent = segment.element(3), segment.element(1), segment.element(2)
        self.npi = "" if self.level in ("20", "21", "19") else self.npi_of.get(parent, "")
        self.npi_of[self.hl_id] = self.npi
        self.above_of[self.hl_id] = self.above_of.get(parent, ())
        if self.level in _LEVELS:
            # A 2000C belongs to the batch of the 2000B above it.
            batch = next((self.levels[h].batch_reference for h in reversed(self.above_of[self.hl_id])
                          if self.levels[h].level == "2000B"), "")
            self.levels[self.hl_id] = LevelAck(_LEVELS[self.level], batch, ())
            self.above_of[self.hl_id] += (self.hl_id,)

    def _nm1(self, segment: Segment) -> None:
        if self.level == "19" and segment.element(1) == "85":
            self.npi = self.npi_of[self.hl_id] = segment.element(9)
            self._level(provider_qualifier=segment.element(8), provider_id=segment.element(9))

    def _trn(self, segment: Segment) -> None:
        self._close()
        if self.level == "PT":
            self.draft = _Draft(segment, self.npi, above=self.above_of.get(self.hl_id, ()))
        elif self.level == "21" and segment.element(1) == "2":
            self._level(batch_reference=segment.element(2))

    def _stc(self, segment: Segment) -> None:
        if self.line is not None:
            self.line = replace(self.line, statuses=self.line.statuses + (_status_info(segment),))
        elif self.draft is not None:
            self.draft.statuses.append(_status_info(segment))
        elif self.level in _LEVELS and self.hl_id in self.levels:
            self._level(statuses=self.levels[self.hl_id].statuses + (_status_info(segment),))

    def _level(self, **changes: Any) -> None:
        if self.hl_id in self.levels:
            self.levels[self.hl_id] = replace(self.levels[self.hl_id], **changes)

    def _ref(self, segment: Segment) -> None:
        if self.line is not None and segment.element(1) == "FJ":
            self.line = replace(self.line, control_number=segment.element(2))
        elif self.line is None and self.draft is not None:
            self.draft.refs.setdefault(segment.element(1), segment.element(2))

    def _dtp(self, segment: Segment) -> None:
        if segment.element(1) != "472":
            return
        if self.line is not None:
            first, last = read_dates(segment)
            self.line = replace(self.line, service_from=first, service_to=last)
        elif self.draft is not None:
            self.draft.dates = read_dates(segment)

    def _svc(self, segment: Segment) -> None:
        if self.draft is None:
            raise X12Error("SVC outside a claim (2200D)", segment.position, "SVC")
        self._close_line()
        self.line = LineAck("", segment.components(1), _cents(segment, 2) or 0, ())

    def _close_line(self) -> None:
        if self.line is not None and self.draft is not None:
            self.draft.lines.append(self.line)
        self.line = None

    def _close(self) -> None:
        self._close_line()
        draft, self.draft = self.draft, None
        if draft is None:
            return
        start, end = draft.dates or (None, None)
        self.acks.append(ClaimAck(draft.trn.element(2), draft.npi, tuple(draft.statuses), draft.refs.get("1K", ""),
                                  draft.refs.get("D9", ""), draft.refs.get("BLT", ""), start, end,
                                  tuple(draft.lines), tuple(self.levels[h] for h in draft.above)))


def _status_info(segment: Segment) -> StatusInfo:
    statuses = tuple(Status(*(parts + ("", "", ""))[:3]) for n in (1, 10, 11)
                     if (parts := segment.components(n)))
    text = segment.element(2)
    try:
        effective = datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        raise X12Error("STC02 is not a date", segment.position, "STC") from None
    return StatusInfo(statuses, effective, segment.element(3), _cents(segment, 4))


def _cents(segment: Segment, n: int) -> int | None:
    text = segment.element(n)
    try:
        return parse_cents(text) if text else None
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not an amount in whole cents", segment.position, segment.id) from None
