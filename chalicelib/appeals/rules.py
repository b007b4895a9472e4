"""The appeal rules, pure: which level may follow which, the payer's window and the last day to appeal, when the
reminder task is due, how a status moves, and what a later payment decides. tests/unit/appeals/test_rules.py
proves them; docs/remittance.md ("Appeals") has them in words."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.appeals.items import LEVELS

DECIDED_AGAINST = frozenset({"lost", "partly_won"})  # a next level may follow these
MOVES = {"draft": frozenset({"sent"}), "sent": frozenset({"won", "partly_won", "lost"})}
LEVEL_WORDS = {"first": "first-level appeal", "second": "second-level appeal",
               "external_review": "request for external review"}


def previous_level(level: str) -> str | None:
    """The level an appeal at `level` follows: none for the first."""
    at = LEVELS.index(level)
    return LEVELS[at - 1] if at else None


def due_on(window_from: date, window_days: int) -> date:
    """The last day the payer takes the appeal: its window counted from the remittance's date (a first-level
    appeal) or from the decision on the level before."""
    return window_from + timedelta(days=window_days)


def reminder_on(today: date, due: date, days_before: int) -> date:
    """When the reminder task is due: `days_before` the window closes, never before today."""
    return max(today, due - timedelta(days=days_before))


def may_move(status: str, to: str) -> bool:
    """draft -> sent -> won | partly_won | lost; a decided appeal does not move."""
    return to in MOVES.get(status, frozenset())


def outcome(paid_cents: int, still_denied: bool) -> str | None:
    """What a later payment of the appealed claim (or line) decides: won when it pays and denies nothing of it
    any more, partly won when it pays but still denies some (a line of an appealed claim); nothing when it pays
    nothing (the appeal waits for its answer). What was denied is the charge, not what a payer allows, so the
    amount alone cannot say won: a won claim is paid its allowed amount less the patient's share."""
    if paid_cents <= 0:
        return None
    return "partly_won" if still_denied else "won"
