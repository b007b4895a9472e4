"""Procedure modifiers (CPT and HCPCS Level II): shape, count per line, and combinations that contradict.

A modifier is two letters or digits (AMA CPT Appendix A; CMS HCPCS Level II modifiers). A service line holds
up to four: 837P SV101-3..SV101-6 and 837I SV202-3..SV202-6 (005010X222A1, X223A2), as the CMS-1500's
box 24D has four slots. Payers recognise hundreds of modifiers, so one missing from the table below is not an
error: the table names the ones scrubbing and coders meet most, and whether each changes the price.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAX_PER_LINE = 4
_SHAPE = re.compile(r"[A-Z0-9]{2}")


@dataclass(frozen=True, slots=True)
class Modifier:
    code: str
    # "pricing" changes what the payer pays (CMS fee schedule adjustments); "informational" tells the payer
    # why a service is separate, repeated, on which side, or what the patient was told, and pays the same.
    kind: Literal["pricing", "informational"]
    description: str


def _table(kind: Literal["pricing", "informational"], rows: dict[str, str]) -> dict[str, Modifier]:
    return {code: Modifier(code, kind, text) for code, text in rows.items()}


MODIFIERS: dict[str, Modifier] = {
    **_table("pricing", {
        "22": "Increased procedural services",
        "26": "Professional component only",
        "TC": "Technical component only",
        "50": "Bilateral procedure, billed on one line",
        "51": "Multiple procedures in one session (later ones paid at a reduced rate)",
        "52": "Reduced services",
        "53": "Discontinued procedure",
        "62": "Two surgeons, each paid a share",
        "80": "Assistant surgeon",
        "82": "Assistant surgeon when no qualified resident is available",
        "AS": "Physician assistant, nurse practitioner or clinical nurse specialist assisting at surgery",
    }),
    **_table("informational", {
        "24": "Unrelated E/M service during a postoperative period",
        "25": "Significant, separately identifiable E/M service on the day of a procedure",
        "57": "Decision for surgery made at this E/M visit",
        "58": "Staged or related procedure during the postoperative period",
        "59": "Distinct procedural service",
        "XE": "Separate encounter (a more specific 59)",
        "XS": "Separate structure or organ (a more specific 59)",
        "XP": "Separate practitioner (a more specific 59)",
        "XU": "Unusual non-overlapping service (a more specific 59)",
        "76": "Repeat procedure by the same physician",
        "77": "Repeat procedure by another physician",
        "78": "Unplanned return to the operating room during the postoperative period",
        "79": "Unrelated procedure during the postoperative period",
        "91": "Repeat clinical diagnostic laboratory test",
        "95": "Synchronous telemedicine service (real-time audio and video)",
        "LT": "Left side of the body",
        "RT": "Right side of the body",
        "GA": "Waiver of liability (ABN) on file as required by payer policy",
        "GY": "Statutorily excluded, or not a Medicare benefit",
        "GZ": "Expected to be denied as not reasonable and necessary, no ABN on file",
        "KX": "Requirements in the payer's medical policy have been met",
        "QW": "CLIA-waived test",
    }),
}

# Pairs that contradict each other on one line, with the reason a biller reads.
_CONFLICTS: list[tuple[frozenset[str], str]] = [
    (frozenset({"LT", "RT"}), "LT and RT on one line: bill 50 (bilateral) or one line per side"),
    (frozenset({"50", "LT"}), "50 (bilateral) with LT: a bilateral service has no single side"),
    (frozenset({"50", "RT"}), "50 (bilateral) with RT: a bilateral service has no single side"),
    (frozenset({"26", "TC"}), "26 and TC on one line: bill the global service with neither"),
    # CMS (MLN Matters MM8863): the X{EPSU} modifiers are more selective versions of 59, never both on a line.
    *((frozenset({"59", x}), f"59 with {x}: {x} replaces 59, never both") for x in ("XE", "XS", "XP", "XU")),
]


def describe_modifier(code: str) -> Modifier | None:
    return MODIFIERS.get(code)


def is_modifier_shape(code: str) -> bool:
    return bool(_SHAPE.fullmatch(code))


def modifier_problems(modifiers: Sequence[str]) -> list[str]:
    """What is wrong with one service line's modifiers, in the order they were given; empty if nothing."""
    problems = [f"{code!r} is not a modifier: two letters or digits" for code in modifiers
                if not is_modifier_shape(code)]
    if len(modifiers) > MAX_PER_LINE:
        problems.append(f"{len(modifiers)} modifiers on one line: at most {MAX_PER_LINE}")
    seen: set[str] = set()
    for code in modifiers:
        if code in seen:
            problems.append(f"{code} appears twice on one line")
        seen.add(code)
    problems.extend(reason for pair, reason in _CONFLICTS if pair <= seen)
    return problems
