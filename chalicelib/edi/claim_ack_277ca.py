"""Health Care Claim Acknowledgment (277CA, 005010X214): reading a clearinghouse's or payer's answer to our 837,
and writing one (for the sandbox clearinghouse).

The guide's Table 2 is an HL tree: 2000A information source (HL03 20: payer or clearinghouse), 2000B
information receiver (21: us, the submitter, with batch totals), 2000C billing provider (19, NM1*85), 2000D
patient (PT). Under a patient, each 2200D (a TRN*2 carrying our CLM01) is one claim with its STC statuses,
REF*1K payer claim control number, REF*D9 clearinghouse trace, REF*BLT bill type and DTP*472 service dates;
each 2220D (SVC, STC, REF*FJ) is one service line. `parse_277ca` gives one `ClaimAck` per 2200D.
A 277 of another guide (the 005010X212 claim status response) has the same ST01, so ST03 and BHT are checked
and anything else is refused rather than read as acknowledgments.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from chalicelib.edi import claim_ack_277ca_codes as codes
from chalicelib.edi.claim_837_values import parse_cents, read_dates
from chalicelib.edi.claim_ack_277ca_build import VERSION, Decision, build_277ca
from chalicelib.edi.claim_ack_277ca_codes import Status
from chalicelib.edi.reader import read_interchanges
from chalicelib.edi.segments import Segment, X12Error

__all__ = ["VERSION", "ClaimAck", "Decision", "LineAck", "Status", "StatusInfo", "build_277ca", "parse_277ca"]


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

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(s.category for info in self.statuses for s in info.statuses)

    @property
    def accepted(self) -> bool:
        """Accepted into the payer's system (A1/A2/A5) and not rejected (A3, A4, A6-A8) by any status."""
        found = set(self.categories)
        return bool(found & codes.ACCEPTED_CATEGORIES) and not found & codes.REJECTED_CATEGORIES

    @property
    def messages(self) -> tuple[str, ...]:
        """Every status in plain words, built from codes only (no names, no member ids)."""
        return tuple(s.words for info in self.statuses for s in info.statuses)


def parse_277ca(text: str, *, strict: bool = True) -> list[ClaimAck]:
    """Every claim acknowledged by every 277CA transaction set of every interchange in `text`. With
    `strict=False`, miscounted envelopes are tolerated, as `read_interchanges` allows."""
    acks: list[ClaimAck] = []
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
                acks += _Walk().read(transaction.body)
    return acks


@dataclass(slots=True)
class _Draft:
    trn: Segment
    npi: str
    statuses: list[StatusInfo] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    dates: tuple[date, date] | None = None
    lines: list[LineAck] = field(default_factory=list)


class _Walk:
    """One 277CA body; HL levels are kept by id so each claim finds the billing provider above it."""

    def __init__(self) -> None:
        self.npi_of: dict[str, str] = {}  # HL01 -> the NPI of the 2000C at or above it
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
        self.level, self.hl_id = segment.element(3), segment.element(1)
        self.npi = "" if self.level in ("20", "21", "19") else self.npi_of.get(segment.element(2), "")
        self.npi_of[self.hl_id] = self.npi

    def _nm1(self, segment: Segment) -> None:
        if self.level == "19" and segment.element(1) == "85":
            self.npi = self.npi_of[self.hl_id] = segment.element(9)

    def _trn(self, segment: Segment) -> None:
        self._close()
        if self.level == "PT":
            self.draft = _Draft(segment, self.npi)

    def _stc(self, segment: Segment) -> None:
        if self.line is not None:
            self.line = replace(self.line, statuses=self.line.statuses + (_status_info(segment),))
        elif self.draft is not None:
            self.draft.statuses.append(_status_info(segment))

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
                                  tuple(draft.lines)))


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
