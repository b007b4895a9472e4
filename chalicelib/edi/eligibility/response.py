"""Reading a 271 (005010X279A1) into an `EligibilityResult`: coverage, plan, dates, cost shares, rejections.

Loops read (X279A1 section 2.4, Table 2 of the 271): 2000A/2100A information source (HL03=20),
2000B/2100B information receiver (HL03=21), 2000C/2100C subscriber (HL03=22), 2000D/2100D dependent
(HL03=23), 2110C/2110D eligibility or benefit information (EB, with its DTP, MSG and AAA), 2120C/2120D
benefit related entities (LS..LE, skipped). The patient is the dependent when a 2000D level is present.
One subscriber per 271: the project asks about one patient per 270.

The envelope is read leniently (see reader.py): a payer's miscounted SE01 is reported in
`envelope_issues` rather than losing the answer. Amounts become integer cents through `Money`.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from chalicelib.core.money import Money
from chalicelib.edi.eligibility.codes import (
    ACTIVE_CODES, BENEFIT_INFO, DATE_QUALIFIERS, INACTIVE_CODES, NETWORK, follow_up_action, reject_reason,
)
from chalicelib.edi.eligibility.result import Benefit, DateRange, EligibilityResult, Rejection
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import Segment, X12Error

_LOOP_LETTER = {"20": "A", "21": "B", "22": "C", "23": "D"}
_LEVEL_NAME = {"20": "information source", "21": "information receiver", "22": "subscriber", "23": "dependent"}


def parse_271(text: str) -> EligibilityResult:
    interchange = read_interchange(text, strict=False)
    transactions = list(interchange.transactions("271"))
    if len(transactions) != 1:
        raise X12Error(f"expected one 271 transaction set, found {len(transactions)}")
    state = _State()
    for segment in transactions[0].body:
        state.feed(segment)
    return state.result(tuple(interchange.issues))


class _State:
    """Walks the 271 body once, tracking the HL level and loop each segment belongs to."""

    def __init__(self) -> None:
        self.level, self.loop, self.in_2120, self.subscribers = "", "", False, 0
        self.trace: str | None = None
        self.echoed = False
        self.member_id = ""
        self.dates: dict[str, DateRange] = {}
        self.drafts: list[tuple[Segment, dict[str, DateRange], list[str]]] = []
        self.rejections: list[Rejection] = []
        self.handlers = {"HL": self._hl, "NM1": self._nm1, "TRN": self._trn, "EB": self._eb, "DTP": self._dtp,
                         "MSG": self._msg, "LS": self._ls, "LE": self._le, "AAA": self._aaa}

    def feed(self, segment: Segment) -> None:
        handler = self.handlers.get(segment.id)
        if handler is not None:
            handler(segment)

    def result(self, issues: tuple[str, ...]) -> EligibilityResult:
        benefits = tuple(_benefit(eb, dates, messages) for eb, dates, messages in self.drafts)
        statuses = [b for b in benefits if b.code in ACTIVE_CODES | INACTIVE_CODES]
        active = any(b.code in ACTIVE_CODES for b in statuses) if statuses else None
        named = [b.plan_description for b in statuses + list(benefits) if b.plan_description]
        return EligibilityResult(self.trace, active, named[0] if named else "", self.member_id, dict(self.dates),
                                 benefits, tuple(self.rejections), issues)

    def _hl(self, segment: Segment) -> None:
        self.level, self.in_2120 = segment.element(3), False
        self.loop = "2000" + _LOOP_LETTER.get(self.level, "?")
        if self.level == "22":
            self.subscribers += 1
            if self.subscribers > 1:
                raise X12Error("the 271 answers more than one subscriber", segment.position, "HL")

    def _nm1(self, segment: Segment) -> None:
        if self.in_2120:
            return  # a benefit related entity (2120C/D), e.g. the primary care provider
        self.loop = "2100" + _LOOP_LETTER.get(self.level, "?")
        if self.level == "22":
            self.member_id = segment.element(9)

    def _trn(self, segment: Segment) -> None:
        # TRN01 2 = referenced transaction trace number: ours, echoed back (X279A1 2000C/2000D TRN);
        # a payer may add its own (TRN01 1), which only counts when no echo comes.
        if segment.element(1) == "2" and not self.echoed:
            self.trace, self.echoed = segment.element(2), True
        elif self.trace is None:
            self.trace = segment.element(2)

    def _eb(self, segment: Segment) -> None:
        self.loop, self.in_2120 = "2110" + _LOOP_LETTER.get(self.level, "?"), False
        self.drafts.append((segment, {}, []))

    def _dtp(self, segment: Segment) -> None:
        name = DATE_QUALIFIERS.get(segment.element(1), segment.element(1))
        if self.loop.startswith("2110") and self.drafts:
            self.drafts[-1][1][name] = _date_range(segment)
        elif self.level in ("22", "23"):
            self.dates[name] = _date_range(segment)  # 2100D dates, coming later, win over 2100C's

    def _msg(self, segment: Segment) -> None:
        if self.loop.startswith("2110") and self.drafts:
            self.drafts[-1][2].append(segment.element(1))

    def _ls(self, segment: Segment) -> None:
        self.in_2120 = True

    def _le(self, segment: Segment) -> None:
        self.in_2120 = False

    def _aaa(self, segment: Segment) -> None:
        code, follow = segment.element(3), segment.element(4)
        self.rejections.append(Rejection(self.loop, _LEVEL_NAME.get(self.level, "unknown"), code,
                                         reject_reason(code), segment.element(1) == "Y", follow,
                                         follow_up_action(follow)))


def _benefit(eb: Segment, dates: dict[str, DateRange], messages: list[str]) -> Benefit:
    return Benefit(
        code=eb.element(1), info=BENEFIT_INFO.get(eb.element(1), eb.element(1)), coverage_level=eb.element(2),
        service_types=eb.repetitions(3), insurance_type=eb.element(4), plan_description=eb.element(5),
        time_period=eb.element(6), amount=_money(eb, 7), percent=_decimal(eb, 8),
        quantity_qualifier=eb.element(9), quantity=_decimal(eb, 10), authorization_required=eb.element(11),
        network=NETWORK.get(eb.element(12), "unknown"), dates=dates, messages=tuple(messages))


def _date_range(segment: Segment) -> DateRange:
    text = segment.element(3)
    try:
        if segment.element(2) == "RD8":
            start, stop = text.split("-")
            return DateRange(_ymd(start), _ymd(stop))
        day = _ymd(text[:8])  # D8, or DT (CCYYMMDDHHMM): the date part
        return DateRange(day, day)
    except ValueError:
        raise X12Error("DTP03 is not a date in the format DTP02 names", segment.position, "DTP") from None


def _ymd(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError("not CCYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _money(segment: Segment, n: int) -> Money | None:
    """X12 R amounts may carry more decimals than cents ("10.000"): zeros past the cents are dropped,
    anything finer than a cent is refused rather than rounded."""
    text = segment.element(n)
    if not text:
        return None
    whole, _, frac = text.partition(".")
    if len(frac) > 2 and frac[2:].strip("0") == "":
        frac = frac[:2]
    try:
        return Money.parse(f"{whole or '0'}.{frac}" if frac else whole)
    except ValueError:
        raise X12Error(f"{segment.id}{n:02d} is not an amount in cents", segment.position, segment.id) from None


def _decimal(segment: Segment, n: int) -> Decimal | None:
    text = segment.element(n)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise X12Error(f"{segment.id}{n:02d} is not a number", segment.position, segment.id)
    return value
