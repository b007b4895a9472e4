"""What an acknowledgment or a status answer does to one claim: pure decisions, no storage.

Each function takes the claim as stored and returns the `Move` to save (changes, event, detail), or None when
the claim is already past what the answer says. That makes every answer idempotent by the claim's own state:
a 999 acknowledges a claim still `submitted` in that batch and not yet acknowledged; a 277CA moves a claim
still `submitted`; a claim that already took this file (`last_file_id`) takes nothing from it again, so a retry
after a crash halfway through a file changes only the claims it had not reached.

999 (X231A1): set results A (accepted) and E (accepted with errors) acknowledge; R, M, W and X reject, the
segment errors in plain words. 277CA (X214): categories A1/A2/A5 accept, with the payer's claim number (REF*1K)
when given; A3/A4/A6/A7/A8 reject; any other (A0 forwarded, for one) is noted on the history. A rejection above
the claim (the whole batch at 2200B, its billing provider at 2200C) comes in the ack's `above` and rejects it the
same way, its words first. 277 (X212): the
status is kept on the claim (`last_status`) and its history; no move, since payment and denial come by 835.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.claims.items import ClaimItem
from chalicelib.edi.acks.ack_277ca import ClaimAck
from chalicelib.edi.acks.ack_999 import SetAck
from chalicelib.edi.acks.codes_277ca import REJECTED_CATEGORIES
from chalicelib.edi.status.inquiry import ClaimStatus

ACCEPTED, REJECTED, ACKNOWLEDGED, NOTED = "accepted", "rejected", "acknowledged", "noted"


@dataclass(frozen=True, slots=True)
class Move:
    outcome: str  # accepted | rejected | acknowledged | noted
    changes: dict[str, Any]
    event: str
    detail: dict[str, Any] = field(default_factory=dict)


def _taken(claim: ClaimItem, file_id: str) -> bool:
    return claim.last_file_id == file_id


def _rejection(source: str, file_id: str, messages: list[str] | tuple[str, ...]) -> str:
    return json.dumps({"source": source, "file_id": file_id, "messages": list(messages)})


def from_999(claim: ClaimItem, batch_id: str, result: SetAck | None, group_code: str, group_messages: list[str],
             file_id: str, now: str) -> Move | None:
    """The 999's word on the transaction set holding the claim (or, with no AK2 for it, on the whole group)."""
    if _taken(claim, file_id) or claim.status != "submitted" or claim.batch_id != batch_id:
        return None
    code = result.code if result else group_code
    messages = result.messages if result else group_messages
    detail = {"file_id": file_id, "source": "999", "result": code}
    if code in ("A", "E"):
        if claim.acknowledged_at:
            return None
        noted = {"messages": messages} if code == "E" else {}
        return Move(ACKNOWLEDGED, {"acknowledged_at": now, "last_file_id": file_id}, ACKNOWLEDGED,
                    {**detail, **noted})
    return Move(REJECTED, {"status": "rejected", "rejection": _rejection("999", file_id, messages),
                           "last_file_id": file_id}, REJECTED, {**detail, "messages": messages})


def from_277ca(claim: ClaimItem, ack: ClaimAck, file_id: str, now: str) -> Move | None:
    if _taken(claim, file_id) or claim.status != "submitted":
        return None
    detail = {"file_id": file_id, "source": "277CA", "statuses": list(ack.messages),
              "categories": list(ack.categories)}
    stamps = {"acknowledged_at": claim.acknowledged_at or now, "last_file_id": file_id}
    if ack.accepted:
        number = ack.payer_claim_number or claim.payer_claim_control_number
        return Move(ACCEPTED, {**stamps, "status": "accepted", "accepted_at": now,
                               "payer_claim_control_number": number}, ACCEPTED, detail)
    if set(ack.categories) & REJECTED_CATEGORIES:
        return Move(REJECTED, {**stamps, "status": "rejected",
                               "rejection": _rejection("277CA", file_id, ack.messages)}, REJECTED, detail)
    return Move(NOTED, stamps, "payer_acknowledgment", detail)


def status_summary(answer: ClaimStatus) -> dict[str, Any]:
    """A 277 answer as kept on the claim: codes, words and amounts; no names or member ids."""
    first = answer.statuses[0] if answer.statuses else None
    return {"categories": [s.category for info in answer.statuses for s in info.statuses],
            "statuses": [s.words for info in answer.statuses for s in info.statuses],
            "effective": first.effective.isoformat() if first and first.effective else None,
            "paid_cents": first.paid_cents if first else None,
            "adjudicated": first.adjudicated.isoformat() if first and first.adjudicated else None,
            "check_number": first.check_number if first else "",
            "payer_claim_number": answer.payer_claim_number}


def from_277(claim: ClaimItem, answer: ClaimStatus, source_id: str, now: str) -> Move | None:
    """A status answer: kept on the claim and its history; the claim's status is left to the 835."""
    if _taken(claim, source_id):
        return None
    summary = status_summary(answer)
    changes: dict[str, Any] = {"last_status": json.dumps({**summary, "at": now}), "last_file_id": source_id}
    if answer.payer_claim_number and not claim.payer_claim_control_number:
        changes["payer_claim_control_number"] = answer.payer_claim_number
    return Move(NOTED, changes, "status", {"source": "277", "source_id": source_id, **summary})
