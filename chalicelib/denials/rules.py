"""The denial rules, pure: a category from the CARC and RARCs, a recommended action, the appeal due date and a
priority from the amount and the days left to appeal. docs/remittance.md ("Denials") has the tables in words;
tests/unit/denials/test_rules.py proves them code by code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

CATEGORIES = ("eligibility_coverage", "authorization", "coding", "medical_necessity", "duplicate", "timely_filing",
              "bundling", "non_covered", "coordination_of_benefits", "missing_information", "other")
ACTIONS = ("correct_and_resubmit", "appeal", "bill_secondary", "bill_patient", "write_off")

_BY_CARC = {
    "eligibility_coverage": "26 27 31 32 33 34 109 140 177 178 179 180 200 238 239",
    "authorization": "15 39 197 198 210 242 243 279 282 284 287 288 165 183 184",
    "coding": "4 5 6 7 8 9 10 11 12 58 146 181 182 189 199 240 261",
    "medical_necessity": "50 55 56 150 151 152 153 154 167 216 272 273 B22",
    "duplicate": "18 B13",
    "timely_filing": "29 B4 285 286",
    "bundling": "97 231 234 236 B10 B14 B15 B20 292",
    "non_covered": "35 49 51 96 119 149 166 170 171 172 202 204 246 256 258 269 289 B1 B5 B7 B9",
    "coordination_of_benefits": "19 20 21 22 23 101 136 228 275 276 B11 P2",
    "missing_information": "16 125 226 227 252 163 164 206 207 208 250 251 148 112 B12",
}
CATEGORY_OF_CARC = {code: category for category, codes in _BY_CARC.items() for code in codes.split()}
# CARCs that only say "see the remarks": the first remark that names a category decides.
GENERIC_CARCS = frozenset({"16", "125", "A1", "252", "B5"})
CATEGORY_OF_RARC = {
    "M20": "coding", "M51": "coding", "M76": "coding", "M77": "coding", "M119": "coding", "MA30": "coding",
    "MA63": "coding", "MA66": "coding", "N56": "coding", "N657": "coding", "N822": "coding",
    "M62": "authorization", "N54": "authorization",
    "N30": "eligibility_coverage", "MA27": "eligibility_coverage", "MA61": "eligibility_coverage",
    "MA04": "coordination_of_benefits", "MA92": "coordination_of_benefits", "N4": "coordination_of_benefits",
    "N479": "coordination_of_benefits", "N598": "coordination_of_benefits",
    "M80": "bundling", "M86": "duplicate", "N19": "bundling", "N20": "bundling", "N390": "bundling",
    "N522": "duplicate", "M25": "medical_necessity", "N115": "medical_necessity", "N386": "medical_necessity",
    "N180": "medical_necessity", "N29": "missing_information", "M127": "missing_information",
    "N206": "missing_information", "N257": "missing_information", "N264": "missing_information",
    "N265": "missing_information", "N286": "missing_information", "N290": "missing_information",
    "MA120": "missing_information", "MA130": "missing_information", "M79": "missing_information",
}
ACTION_OF_CATEGORY = {
    "eligibility_coverage": "correct_and_resubmit",  # check the coverage, then bill the plan that covers the day
    "authorization": "appeal",  # with the authorization, or a retro-authorization
    "coding": "correct_and_resubmit",
    "medical_necessity": "appeal",  # with the records that show the need
    "duplicate": "write_off",  # once checked that the first claim was paid
    "timely_filing": "appeal",  # with the proof of timely filing
    "bundling": "write_off",  # included in another service's payment
    "non_covered": "bill_patient",
    "coordination_of_benefits": "bill_secondary",
    "missing_information": "correct_and_resubmit",
    "other": "appeal",
}
# Codes whose action differs from their category's.
ACTION_OF_CARC = {"26": "bill_patient", "27": "bill_patient", "33": "bill_patient", "200": "bill_patient",
                  "34": "bill_patient", "236": "correct_and_resubmit", "23": "write_off", "24": "write_off",
                  "119": "write_off", "35": "write_off", "149": "write_off"}
# A remark that says the claim cannot be appealed, only sent again corrected.
RESUBMIT_ONLY = frozenset({"MA130", "N704"})
NO_APPEAL = frozenset({"N211"})
# Group CO: the contract makes the provider liable, so the patient may not be billed for it.
PROVIDER_LIABLE = "CO"

DEFAULT_APPEAL_DAYS = 180  # the common first-level window; part 6 of issue 12 makes it a payer setting
AMOUNT_POINTS = ((100_000, 3), (25_000, 2), (5_000, 1))  # at least $1,000: 3; $250: 2; $50: 1; less: 0
DAYS_LEFT_POINTS = ((14, 3), (30, 2), (60, 1))  # at most 14 days left (or past): 3; 30: 2; 60: 1; more: 0
PRIORITY_AT = ((5, "urgent"), (3, "high"), (1, "normal"))  # points at least: priority; else low


@dataclass(frozen=True)
class Code:
    """One adjustment of what was denied: group (CAS01), CARC and amount in cents."""

    group: str
    reason: str
    amount_cents: int


def main_reason(adjustments: Sequence[Code]) -> Code | None:
    """The adjustment the denial is about: the largest one that is not the patient's (PR), first on a tie."""
    theirs = [a for a in adjustments if a.group != "PR"]
    return max(theirs, key=lambda a: a.amount_cents, default=None)  # max keeps the first of equals


def category(adjustments: Sequence[Code], remarks: Sequence[str]) -> str:
    """The main CARC's category; for a CARC that only points at the remarks (16, 125, A1 ...), the first remark
    that names one; `other` when neither does."""
    main = main_reason(adjustments)
    found = CATEGORY_OF_CARC.get(main.reason) if main else None
    if found is None or (main is not None and main.reason in GENERIC_CARCS):
        from_remark = next((CATEGORY_OF_RARC[r] for r in remarks if r in CATEGORY_OF_RARC), None)
        found = from_remark or found
    return found or "other"


def action(adjustments: Sequence[Code], remarks: Sequence[str], category_: str) -> str:
    """The recommended next step. Remarks first: MA130/N704 allow only a corrected claim, N211 no appeal. A
    contractual (CO) denial is never billed to the patient: it is written off instead."""
    main = main_reason(adjustments)
    if any(r in RESUBMIT_ONLY for r in remarks):
        return "correct_and_resubmit"
    chosen = ACTION_OF_CARC.get(main.reason) if main else None
    chosen = chosen or ACTION_OF_CATEGORY[category_]
    if chosen == "appeal" and any(r in NO_APPEAL for r in remarks):
        chosen = "write_off"
    if chosen == "bill_patient" and main is not None and main.group == PROVIDER_LIABLE:
        chosen = "write_off"
    return chosen


def appeal_due(denied_on: date, appeal_days: int = DEFAULT_APPEAL_DAYS) -> date:
    """The last day to appeal: the payer's window counted from the remittance's date."""
    return denied_on + timedelta(days=appeal_days)


def _points(value: int, bands: tuple[tuple[int, int], ...], at_least: bool) -> int:
    return next((points for bound, points in bands if (value >= bound if at_least else value <= bound)), 0)


def priority(amount_cents: int, days_left: int) -> str:
    """Points for the amount (at least $1,000: 3, $250: 2, $50: 1) plus points for the days left to appeal (14 or
    fewer, or past: 3; 30: 2; 60: 1); 5 or more is urgent, 3 or 4 high, 1 or 2 normal, 0 low."""
    total = _points(amount_cents, AMOUNT_POINTS, True) + _points(days_left, DAYS_LEFT_POINTS, False)
    return next((name for bound, name in PRIORITY_AT if total >= bound), "low")


def task_due(today: date, due: date) -> date:
    """When the biller's task is due: within a week, and two weeks before the appeal window closes if that is
    sooner, never before today."""
    return max(today, min(today + timedelta(days=7), due - timedelta(days=14)))

CATEGORY_WORDS = {
    "eligibility_coverage": "eligibility or coverage", "authorization": "authorization",
    "coding": "coding", "medical_necessity": "medical necessity", "duplicate": "duplicate",
    "timely_filing": "timely filing", "bundling": "bundling", "non_covered": "not covered",
    "coordination_of_benefits": "coordination of benefits", "missing_information": "missing information",
    "other": "other",
}
ACTION_WORDS = {
    "correct_and_resubmit": "correct it and send a replacement claim",
    "appeal": "appeal it",
    "bill_secondary": "bill the other (secondary) payer",
    "bill_patient": "bill the patient",
    "write_off": "check it, then write it off",
}
