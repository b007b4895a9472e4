"""When a claim is next looked at, and why: the follow-up rules, pure.

Every open claim carries `follow_up_on` (a date) and `follow_up_reason`, kept in gsi3 per practice, so the
daily job reads only the claims due (docs/claims.md, "Follow-up"). Each change of a claim recomputes them
(`lifecycle.stage`) from its status and the payer's rules, snapshotted on the claim when it is judged:

- not yet at the payer (draft, ready, needs_fix) or rejected: due when the payer's filing limit comes within
  the alert window (`timely_filing`: an urgent task);
- submitted: due `days_to_999` after submission until the 999 comes (`no_999`), then `days_to_277ca` after
  submission until the 277CA accepts it (`no_277ca`), or earlier if the filing limit comes first;
- accepted: due `expected_payment_days` after acceptance (`no_payment`);
- denied: due the day it was denied (`denied`: a biller's task), whatever path denied it;
- anything else (paid, partial, corrected, closed ...): nothing due; remittance work takes over.

The payer's rules are read when the claim is judged (build, edit, refresh), so a payer's new rules reach its
claims at their next judgment; the settings give the defaults.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.core.settings import Settings, get_settings

WAITING_ON_US = frozenset({"draft", "ready", "needs_fix", "rejected"})
REASONS = ("timely_filing", "no_999", "no_277ca", "no_payment", "denied")
DEFAULT_FILING_DAYS = 365  # claims judged before rules were kept on them


@dataclass(frozen=True, slots=True)
class Rules:
    filing_deadline: date  # the last day the payer takes the claim: last date of service + its limit
    days_to_999: int
    days_to_277ca: int
    expected_payment_days: int

    def dumps(self) -> str:
        return json.dumps({**asdict(self), "filing_deadline": self.filing_deadline.isoformat()}, sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> "Rules":
        values = json.loads(text)
        return cls(**{**values, "filing_deadline": date.fromisoformat(values["filing_deadline"])})


def rules_for(payer: Any, service_to: date, settings: Settings | None = None) -> Rules:
    """The payer's rules where it has them (None means the default), else the settings'."""
    settings = settings or get_settings()

    def days(name: str) -> int:
        return int(getattr(payer, name, None) or getattr(settings, name))

    return Rules(service_to + timedelta(days=int(payer.timely_filing_days)), days("days_to_999"),
                 days("days_to_277ca"), days("expected_payment_days"))


def rules_of(claim: Any, settings: Settings) -> Rules:
    if claim.follow_up_rules:
        return Rules.loads(claim.follow_up_rules)
    return Rules(date.fromisoformat(claim.service_to) + timedelta(days=DEFAULT_FILING_DAYS), settings.days_to_999,
                 settings.days_to_277ca, settings.expected_payment_days)


def _day(timestamp: str) -> date:
    return date.fromisoformat(timestamp[:10])


def due(claim: Any, settings: Settings | None = None) -> tuple[date | None, str | None]:
    """The claim's next follow-up date and reason, from its status and stamps; (None, None) when none is due."""
    settings = settings or get_settings()
    rules = rules_of(claim, settings)
    alert = rules.filing_deadline - timedelta(days=settings.timely_filing_alert_days)
    if claim.status in WAITING_ON_US:
        return alert, "timely_filing"
    if claim.status == "submitted" and claim.submitted_at:
        days, reason = ((rules.days_to_277ca, "no_277ca") if claim.acknowledged_at
                        else (rules.days_to_999, "no_999"))
        expected = _day(claim.submitted_at) + timedelta(days=days)
        return (alert, "timely_filing") if alert < expected else (expected, reason)
    if claim.status == "accepted" and claim.accepted_at:
        return _day(claim.accepted_at) + timedelta(days=rules.expected_payment_days), "no_payment"
    if claim.status == "denied" and claim.updated_at:
        return _day(claim.updated_at), "denied"
    return None, None


def after_action(claim: Any, today: date, settings: Settings | None = None) -> tuple[date | None, str | None]:
    """Once the job has acted on a due claim: the same rule, looked at again `follow_up_recheck_days` on."""
    settings = settings or get_settings()
    on, reason = due(claim, settings)
    if on is not None and on <= today:
        on = today + timedelta(days=settings.follow_up_recheck_days)
    return on, reason


def as_fields(on: date | None, reason: str | None) -> dict[str, Any]:
    return {"follow_up_on": on.isoformat() if on else None, "follow_up_reason": reason if on else None}
