"""Claim status inquiries (276/277, 005010X212): ask the payer where one claim stands, and keep the answer.

A biller asks through `POST .../claims/{id}/status-inquiries`; the follow-up job asks for claims overdue for
a 999, a 277CA or a payment. Either way the 276 is written first (a claim that breaks a 276 rule is refused
before anything is recorded), then the inquiry's record is put (it must not exist), `sending` and in the
recovery index (db/recovery.py), then the 276 goes out through the status gateway (the sandbox payer locally,
the clearinghouse's real-time API in production), and the 277's statuses are kept on the inquiry, on the
claim (`last_status`) and in its history. Both texts are kept in the EDI bucket under
`claim-status/<practice>/<claim>/<inquiry>/`, as eligibility keeps its 270/271: the 276 before it is sent and
the 277 as soon as it comes, so they are also the inquiry's recovery points.

At most once: a retried job finds the record and sends nothing. An inquiry a crash left `sending` is settled
by the sweeper (`recover`, once `GRACE` has passed): with its 277 kept, the answer is read and applied; with
only its 276 kept, the 276 may have reached the payer, so it is not sent again and the inquiry ends in
`error` (the claim's next follow-up asks again); with neither, nothing went out, and it is sent now.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.claims import codec, lifecycle
from chalicelib.claims.items import ClaimItem, StatusInquiry
from chalicelib.clearinghouse import ClaimStatusGateway, ClearinghouseError, get_status_gateway
from chalicelib.clearinghouse.mailbox import Mailbox, get_mailbox
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, now_iso, utcnow
from chalicelib.core.errors import AlreadyExists, Conflict, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings
from chalicelib.db import counters, keys, pages, recovery, store
from chalicelib.edi.status.inquiry import build_276, parse_277
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from chalicelib.tracking import acks
from chalicelib.tracking.models import StatusInquiryOut

ASKABLE = lifecycle.AT_PAYER  # a claim the payer has: submitted, accepted, paid, partial, denied, appealed
Page = tuple[list[Any], "str | None"]
KIND = "status_inquiry"
GRACE = timedelta(minutes=5)  # a 276 round trip takes seconds, in a Lambda of 60 s at most: it is over by then


def _parties() -> Parties:
    settings = get_settings()
    return Parties(sender_qualifier="ZZ", sender_id=settings.submitter_id, receiver_qualifier="ZZ",
                   receiver_id=settings.clearinghouse_receiver_id)


def write_276(claim: ClaimItem, trace_number: str, now: datetime, number: int | None = None) -> str:
    """The 276 about the claim, under control number `number` (else the practice's next). An X12Error (the
    claim as stored breaks a 276 rule; it names the element, never the value) goes to the caller before
    anything is recorded or sent: a person must fix the claim."""
    number = counters.next_control_number(claim.practice_id) if number is None else number
    return build_276(codec.loads(claim.document), trace_number, _parties(), ControlNumbers(number, number, 1),
                     usage=get_settings().usage_indicator, created=now)


def _exchange(text_276: str, inquiry: StatusInquiry, gateway: ClaimStatusGateway, box: Mailbox) -> str | None:
    """Keep the 276, send it, keep the 277 and return it; None (the inquiry's error set) on failure."""
    box.archive(f"{inquiry.raw_key}/276.x12", text_276)
    try:
        text_277 = gateway.inquire(text_276)
    except ClearinghouseError as error:
        inquiry.error = str(error)  # statuses and attempts, never the documents
        return None
    box.archive(f"{inquiry.raw_key}/277.x12", text_277)
    return text_277


def _answers(claim: ClaimItem, inquiry: StatusInquiry, text_277: str | None) -> list[Any]:
    """The 277's answers about this claim; none (the inquiry's error set) when there are none to read."""
    if text_277 is None:
        return []
    try:
        found = parse_277(text_277)
    except X12Error as error:
        inquiry.error = f"the payer's 277 could not be read: {error}"
        return []
    mine = [a for a in found if a.trace_number == inquiry.trace_number
            or a.patient_control_number == claim.patient_control_number]
    if not mine:
        inquiry.error = "the 277 says nothing about this claim"
    return mine


def settled(inquiry: StatusInquiry, answers: list[Any], *, recovered: bool = False) -> dict[str, Any]:
    """The changes that end an inquiry with its answers (or its error), out of the recovery index."""
    return {"status": "answered" if answers else "error", "error": inquiry.error,
            "answers": json.dumps([acks.status_summary(a) for a in answers]), **recovery.finished(recovered=recovered)}


def _settle(inquiry: StatusInquiry, answers: list[Any], *, recovered: bool = False) -> None:
    store.update(inquiry, settled(inquiry, answers, recovered=recovered), inquiry.version, "status inquiry")


def record(claim: ClaimItem, inquiry_id: str, actor: str, reason: str | None, now: datetime) -> StatusInquiry:
    """The inquiry as it is put before its 276 goes out: `sending`, and in the recovery index."""
    return StatusInquiry(claim.pk, keys.status_inquiry_sk(claim.id, inquiry_id), id=inquiry_id, created_at=iso(now),
                         updated_at=iso(now), practice_id=claim.practice_id, claim_id=claim.id,
                         trace_number=inquiry_id, status="sending", actor=actor, reason=reason,
                         raw_key=f"claim-status/{claim.practice_id}/{claim.id}/{inquiry_id}",
                         **recovery.pending(KIND, inquiry_id, now, GRACE))


def ask(claim: ClaimItem, inquiry: StatusInquiry, text_276: str, gateway: ClaimStatusGateway,
        box: Mailbox) -> list[Any]:
    """Keep the 276, send it, keep the 277: the 277's answers about the claim (none, the inquiry's error set,
    when it failed). No table call: the caller saves the inquiry, so many claims may be asked at once."""
    return _answers(claim, inquiry, _exchange(text_276, inquiry, gateway, box))


def move_of(claim: ClaimItem, inquiry: StatusInquiry, answers: list[Any], now: str) -> acks.Move | None:
    """The 277's answer as a move of the claim (kept on it and in its history), once per inquiry."""
    return acks.from_277(claim, answers[0], inquiry.id, now) if answers else None


def send(claim: ClaimItem, inquiry_id: str, actor: str, reason: str | None = None, *,
         gateway: ClaimStatusGateway | None = None, mailbox: Mailbox | None = None,
         clock: Callable[[], datetime] = utcnow) -> tuple[StatusInquiry | None, acks.Move | None]:
    """Send one 276 for the claim under `inquiry_id`, once; (None, None) when that inquiry was made before.
    The move it returns (the 277 kept on the claim) is the caller's to save, with whatever else it saves."""
    now = clock()
    inquiry = record(claim, inquiry_id, actor, reason, now)
    text_276 = write_276(claim, inquiry_id, now)
    try:
        store.create(inquiry, "status inquiry")
    except AlreadyExists:
        return None, None
    answers = ask(claim, inquiry, text_276, gateway or get_status_gateway(), mailbox or get_mailbox())
    _settle(inquiry, answers)
    return inquiry, move_of(claim, inquiry, answers, iso(now))


def recover(inquiry: StatusInquiry, mailbox: Mailbox, gateway: ClaimStatusGateway) -> StatusInquiry:
    """Settle an inquiry a crash left `sending` (the sweeper's part, once it is taken): read its kept 277, or
    send its 276 if none went out, and keep the answer on the claim; never send a 276 that may have gone out."""
    claim = ClaimItem.get(inquiry.pk, keys.claim_sk(inquiry.claim_id), consistent_read=True)
    kept = mailbox.read(f"{inquiry.raw_key}/277.x12")
    if kept is not None:
        answers = _answers(claim, inquiry, kept.decode())
    elif mailbox.size(f"{inquiry.raw_key}/276.x12") is not None:
        inquiry.error = "cut short after its 276 went out, before the answer was kept: not sent again"
        answers = []
    elif claim.status not in ASKABLE:
        inquiry.error = f"not sent: the claim is {claim.status} now, no longer at the payer"
        answers = []
    else:
        now = utcnow()
        answers = _answers(claim, inquiry, _exchange(write_276(claim, inquiry.trace_number, now), inquiry, gateway,
                                                     mailbox))
    move = move_of(claim, inquiry, answers, now_iso())
    if move is not None:  # a conflict fails this attempt; the next one finds the 277 kept and the claim as it is
        lifecycle.write([claim, lifecycle.stage(claim, move.changes, move.event, inquiry.actor, move.detail)])
    _settle(inquiry, answers, recovered=True)
    return inquiry


def out(item: StatusInquiry) -> StatusInquiryOut:
    return StatusInquiryOut(id=item.id, created_at=item.created_at, updated_at=item.updated_at,
                            claim_id=item.claim_id, trace_number=item.trace_number, status=item.status,
                            actor=item.actor, reason=item.reason, answers=json.loads(item.answers or "[]"),
                            error=item.error, recovered_at=item.recovered_at)


def _claim(scope: PracticeScope, claim_id: str) -> ClaimItem:
    return store.get(ClaimItem, keys.practice_pk(scope.practice_id), keys.claim_sk(claim_id), "claim")


def inquire(scope: PracticeScope, claim_id: str, audit: Audit | None = None, *,
            gateway: ClaimStatusGateway | None = None, mailbox: Mailbox | None = None,
            clock: Callable[[], datetime] = utcnow) -> StatusInquiryOut:
    claim = _claim(scope, claim_id)
    if claim.status not in ASKABLE:
        raise Conflict(f"A {claim.status} claim is not at the payer: there is no status to ask about.")
    try:
        inquiry, move = send(claim, new_id(), scope.principal.key_id, gateway=gateway, mailbox=mailbox, clock=clock)
    except X12Error as error:
        raise ValidationFailed(f"The claim's status cannot be asked: its 276 would break a rule ({error}); correct "
                               "the claim (a replacement) first.", [field_error("claim", str(error))]) from None
    assert inquiry is not None  # a new id is always free
    if audit is not None:
        audit.made(inquiry.id)  # the route's record goes with the claim's move, when there is one
    if move is not None:
        event = lifecycle.stage(claim, move.changes, move.event, scope.principal.key_id, move.detail)
        try:
            lifecycle.write([claim, event], audit=audit)
        except Conflict:
            pass  # the claim changed meanwhile; the answer stays on the inquiry, which is what is returned
    return out(inquiry)


def list_inquiries(scope: PracticeScope, claim_id: str, query: Any) -> Page:
    _, page = together(lambda: _claim(scope, claim_id),  # the claim and its inquiries at once
                       lambda: pages.query_page(StatusInquiry, keys.practice_pk(scope.practice_id),
                                                keys.status_inquiries_prefix(claim_id), limit=query.limit,
                                                cursor=query.cursor))
    return sorted((out(item) for item in page.items), key=lambda o: o.created_at), page.next_cursor
