"""Code lists a 277CA (005010X214) carries in STC01/STC10/STC11, in plain words.

A status composite is category : status code : entity (C043). The category codes (external code source 507)
say what happened to the claim; the status codes (source 508) say about what; the entity codes (element 98)
say whose data it was. The status list is long; this holds the codes the guide's examples use and the ones
clearinghouses send most. An unlisted code stays visible as "(code X)", so nothing a sender said is lost.
Only codes are ever echoed, never other text: a sender's free text (STC12) may hold patient data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Claim Status Category Codes (source 507): the acknowledgment ("A") family a 277CA uses, and the finalized
# (F), pending (P), request (R) and data search (D) families a claim status response (277, X212) mostly uses.
CATEGORIES: dict[str, str] = {
    "F0": "finalized", "F1": "finalized: payment", "F2": "finalized: denial", "F3": "finalized: revised",
    "F3F": "finalized: forwarded", "F3N": "finalized: not forwarded",
    "F4": "finalized: adjudication complete, no payment forthcoming", "P0": "pending: adjudication/details",
    "P1": "pending: in process", "P2": "pending: payer review", "P3": "pending: provider requested information",
    "P4": "pending: patient requested information", "P5": "pending: payer administrative/system hold",
    "R0": "requests for additional information: general", "D0": "data search unsuccessful",
    "A0": "forwarded to another entity", "A1": "received", "A2": "accepted into adjudication",
    "A3": "returned as unprocessable", "A4": "not found", "A5": "split upon acceptance into adjudication",
    "A6": "rejected for missing information", "A7": "rejected for invalid information",
    "A8": "rejected for relational field in error",
    "E0": "response not possible: error on the submitted request", "E1": "response not possible: system status",
}
# X214 front matter: A1/A2 acknowledge a claim into the payer's system and A5 splits it there; A3, A4, A6,
# A7 and A8 reject it (it never entered adjudication and must be corrected and sent again).
ACCEPTED_CATEGORIES = frozenset({"A1", "A2", "A5"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})

# Claim Status Codes (source 508).
STATUS_CODES: dict[str, str] = {
    "0": "cannot provide further status electronically", "16": "claim has been forwarded to the entity",
    "19": "entity acknowledges receipt of the claim", "20": "accepted for processing",
    "21": "missing or invalid information", "23": "returned to entity",
    "24": "entity not approved as an electronic submitter", "25": "entity not approved", "26": "entity not found",
    "33": "subscriber and subscriber id not found",
    "35": "claim not found", "65": "claim/line has been paid", "116": "claim submitted to the incorrect payer",
    "128": "entity's tax id", "145": "entity's specialty/taxonomy code", "164": "entity's contract/member number",
    "187": "date(s) of service", "188": "statement from-through dates", "249": "place of service code",
    "255": "diagnosis code", "400": "claim is out of balance", "454": "procedure code for services rendered",
    "455": "revenue code for services rendered", "453": "procedure code modifier(s) for services rendered",
    "504": "entity's last name", "505": "entity's first name", "507": "HCPCS", "510": "future date",
    "562": "entity's National Provider Identifier (NPI)",
}

# Entity Identifier Codes (element 98) that STC01-3 names.
ENTITIES: dict[str, str] = {
    "03": "dependent", "40": "receiver", "41": "submitter", "77": "service location", "82": "rendering provider",
    "85": "billing provider", "87": "pay-to provider", "DN": "referring provider", "IL": "subscriber",
    "PR": "payer", "QC": "patient", "TT": "transfer to", "AY": "clearinghouse",
}

_CODE = re.compile(r"^[A-Z0-9]{1,3}$")


def _named(table: dict[str, str], code: str, kind: str) -> str:
    if code in table:
        return table[code]
    # Unknown codes are kept, but only when they look like a code: anything else is not echoed.
    return f"{kind} (code {code})" if _CODE.match(code) else f"{kind} (unreadable code)"


def describe(category: str, code: str, entity: str = "") -> str:
    """"rejected for invalid information: entity's National Provider Identifier (NPI) (billing provider)"."""
    words = f"{_named(CATEGORIES, category, 'status category')}: {_named(STATUS_CODES, code, 'status')}"
    return f"{words} ({_named(ENTITIES, entity, 'entity')})" if entity else words


@dataclass(frozen=True, slots=True)
class Status:
    """One C043 composite: category (STC01-1), status code (STC01-2), entity (STC01-3, often absent)."""

    category: str
    code: str
    entity: str = ""

    @property
    def words(self) -> str:
        return describe(self.category, self.code, self.entity)
