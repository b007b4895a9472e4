"""The sandbox clearinghouse's answers to an 837: a 999 for each file, then a 277CA for each accepted file.

Documented rules (docs/x12.md), so tests and `make run` can drive every path of the tracking loop:

- 999: a transaction set holding a claim whose total charge is exactly $999.99 is rejected (IK5 R), its CLM
  reported with CLM02 "invalid code value"; every other set is accepted. A file with a rejected set gets no
  277CA (the clearinghouse did not take it in).
- 277CA: a claim whose patient control number ends in 9 is rejected (A7:164:IL, the subscriber's member id is
  invalid); one ending in 8 is rejected for missing information (A6:21); every other claim is accepted
  (A1:19 and A2:20) with the payer's claim control number `SBX<patient control number>`.
- Above the claims: a file holding a claim of exactly $777.77 is refused whole at the information receiver level
  (2200B A3:24:41, the submitter is not approved as an electronic submitter); a claim of exactly $888.88 gets its
  billing provider refused (2200C A3:25:85, not approved: not enrolled). The claims under a refused level are
  listed as received only (A1:19), as a clearinghouse that stopped at the batch or provider lists them, so it is
  the level that rejects them.

The claims the 277CA accepts (`accepted`) are then paid by the sandbox payer (sandbox_remits.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from chalicelib.edi.acks.ack_999 import ElementError, SegmentError, build_999
from chalicelib.edi.claim.reader import ReadClaim, read_837
from chalicelib.edi.claim.values import parse_cents
from chalicelib.edi.acks.ack_277ca import Decision, Status, build_277ca
from chalicelib.edi.acks.build_277ca import RECEIVED, reject
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.writer import ControlNumbers

REJECTED_TOTAL_CENTS = 99_999  # a claim of $999.99 makes the 999 reject its transaction set
REJECTED_BATCH_CENTS = 77_777  # a claim of $777.77 makes the 277CA reject the whole batch (2200B)
REJECTED_PROVIDER_CENTS = 88_888  # a claim of $888.88 makes the 277CA reject its billing provider (2200C)
MEMBER_ID_INVALID = Status("A7", "164", "IL")
MISSING_INFORMATION = Status("A6", "21")
SUBMITTER_NOT_APPROVED = Status("A3", "24", "41")
PROVIDER_NOT_APPROVED = Status("A3", "25", "85")


@dataclass(frozen=True, slots=True)
class Answers:
    text_999: str
    text_277ca: str | None  # None when the 999 rejected a set


def _rejected_sets(text_837: str) -> dict[str, list[SegmentError]]:
    """Each set holding a $999.99 claim, with its CLM (position counted from ST, which is 1)."""
    rejected: dict[str, list[SegmentError]] = {}
    for transaction in read_interchange(text_837).transactions("837"):
        for position, segment in enumerate(transaction.segments, start=1):
            if segment.id == "CLM" and parse_cents(segment.element(2)) == REJECTED_TOTAL_CENTS:
                error = SegmentError("CLM", position, "2300", "8", (ElementError(2, "782", "7"),))
                rejected.setdefault(transaction.control_number, []).append(error)
    return rejected


def _decision(patient_control_number: str) -> Decision:
    if patient_control_number.endswith("9"):
        return reject(MEMBER_ID_INVALID)
    if patient_control_number.endswith("8"):
        return reject(MISSING_INFORMATION)
    return Decision()


def _refused_levels(claims: list[ReadClaim]) -> tuple[bool, set[str]]:
    """Whether the 277CA refuses the whole batch, and the billing providers it refuses."""
    refused_batch = any(c.total_charge_cents == REJECTED_BATCH_CENTS for c in claims)
    return refused_batch, {c.billing_npi for c in claims if c.total_charge_cents == REJECTED_PROVIDER_CENTS}


def _judged(claims: list[ReadClaim]) -> list[ReadClaim]:
    """The claims the 277CA judges one by one: those under no refused level."""
    refused_batch, refused_providers = _refused_levels(claims)
    return [c for c in claims if not refused_batch and c.billing_npi not in refused_providers]


def accepted(text_837: str) -> list[ReadClaim]:
    """The claims of the 837 that the sandbox's 277CA accepts, which its payer then pays (sandbox_remits.py);
    none when the 999 rejects a set, since no 277CA follows."""
    if _rejected_sets(text_837):
        return []
    return [c for c in _judged(read_837(text_837)) if _decision(c.patient_control_number).accepted]


def answer(text_837: str, controls_999: ControlNumbers, controls_277ca: ControlNumbers, *, created: datetime,
           usage: Literal["T", "P"] = "T") -> Answers:
    rejected = _rejected_sets(text_837)
    text_999 = build_999(text_837, controls_999, usage=usage, created=created, rejected=rejected)
    if rejected:
        return Answers(text_999, None)
    claims = read_837(text_837)
    refused_batch, refused_providers = _refused_levels(claims)
    judged = [c.patient_control_number for c in _judged(claims)]
    decisions = {c.patient_control_number: Decision((RECEIVED,)) for c in claims} | {n: _decision(n) for n in judged}
    payer_numbers = {number: f"SBX{number}" for number in judged if decisions[number].accepted}
    text_277ca = build_277ca(text_837, decisions=decisions, controls=controls_277ca, created=created, usage=usage,
                             payer_claim_numbers=payer_numbers,
                             receiver=(SUBMITTER_NOT_APPROVED,) if refused_batch else (RECEIVED,),
                             providers={npi: (PROVIDER_NOT_APPROVED,) for npi in refused_providers})
    return Answers(text_999, text_277ca)
