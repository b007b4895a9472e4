"""When a `@app.schedule` handler is due: EventBridge `rate(...)` and `cron(...)` expressions, in UTC.

EventBridge cron has six fields (minutes hours day-of-month month day-of-week year), day-of-week counts
1=SUN..7=SAT, and one of the two day fields must be `?`. Supported here: `*`, `?`, numbers, names (JAN, MON),
ranges, lists and `/` steps. `L`, `W` and `#` are refused with a message rather than fired at a wrong time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Union

from chalice.app import ScheduleExpression

NextTime = Callable[[datetime], datetime]

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_MONTHS = {name: number for number, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_WEEKDAYS = {name: number for number, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
# EventBridge's year field goes up to 2199; a schedule with no time before then never fires.
_LAST_YEAR = 2199


def expression_text(expression: Union[str, ScheduleExpression]) -> str:
    return expression if isinstance(expression, str) else expression.to_string()


def next_time_function(expression: Union[str, ScheduleExpression], start: datetime | None = None) -> NextTime:
    """A function giving the first time strictly after its argument at which the schedule fires.

    A rate counts its periods from `start` (when the rule was created, as in EventBridge), so a runner that
    slept through several periods resumes on the same rhythm instead of shifting it.
    """
    text = expression_text(expression).strip()
    rate = _RATE.match(text)
    if rate:
        period = int(rate.group(1)) * _UNIT[rate.group(2).rstrip("s")]
        if not period:
            raise ValueError(f"{text}: a rate must be at least 1")
        anchor = start or datetime.now(timezone.utc)
        return lambda after: anchor + period * ((after - anchor) // period + 1)
    if text.startswith("cron(") and text.endswith(")"):
        return Cron.parse(text[5:-1]).next_after
    raise ValueError(f"{text!r} is neither rate(N unit) nor cron(...)")


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int] | None:
    """The values a field allows; None for `*` or `?` (anything)."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            start, end = low, high
        else:
            first, _, last = span.partition("-")
            start = _value(first, names)
            end = _value(last, names) if last else (high if step else start)
        if not (low <= start <= high and low <= end <= high):
            raise ValueError(f"cron field {text!r}: values must be within {low}-{high}")
        values.update(range(start, end + 1, int(step) if step else 1))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ValueError(f"cron value {text!r} is not supported by the local event runner (L, W and # are not)")
    return int(text)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int] | None
    hours: frozenset[int] | None
    days: frozenset[int] | None
    months: frozenset[int] | None
    weekdays: frozenset[int] | None
    years: frozenset[int] | None

    @classmethod
    def parse(cls, fields: str) -> "Cron":
        parts = fields.split()
        if len(parts) != 6:
            raise ValueError(f"cron({fields}) needs six fields: minutes hours day-of-month month day-of-week year")
        return cls(_field(parts[0], 0, 59), _field(parts[1], 0, 23), _field(parts[2], 1, 31),
                   _field(parts[3], 1, 12, _MONTHS), _field(parts[4], 1, 7, _WEEKDAYS),
                   _field(parts[5], 1970, _LAST_YEAR))

    def _day_matches(self, day: date) -> bool:
        weekday = day.isoweekday() % 7 + 1  # ISO Monday=1..Sunday=7 -> EventBridge Sunday=1..Saturday=7
        return all(allowed is None or value in allowed for allowed, value in (
            (self.years, day.year), (self.months, day.month), (self.days, day.day), (self.weekdays, weekday)))

    def next_after(self, after: datetime) -> datetime:
        start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        while day.year <= _LAST_YEAR:
            if self._day_matches(day):
                found = self._first_time_on(day, start)
                if found is not None:
                    return found
            day += timedelta(days=1)
        raise ValueError("this cron expression has no time left to fire")

    def _first_time_on(self, day: date, start: datetime) -> datetime | None:
        for hour in sorted(self.hours) if self.hours is not None else range(24):
            for minute in sorted(self.minutes) if self.minutes is not None else range(60):
                moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=start.tzinfo)
                if moment >= start:
                    return moment
        return None
