"""An appeal's letter and attachments: the letter rendered as a PDF from the claim, its denial and the claim
payment that denied it (and, for a timely-filing denial, the proof of timely filing from the claim's history),
kept in the documents bucket and answered as a signed URL; attachments uploaded as a small base64 body or
through a presigned POST, and listed with signed URLs. Reads and changes are audited by their routes."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Callable

from chalicelib.appeals import documents, letter, pdf
from chalicelib.appeals.items import Appeal
from chalicelib.appeals.models import AttachmentIn, AttachmentMade, AttachmentOut, LetterOut
from chalicelib.appeals.service import PROOF_NAME, appeal_key
from chalicelib.claims import codec
from chalicelib.claims.items import ClaimItem, ClaimEvent
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.fanout import together
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.ids import new_id
from chalicelib.core.settings import get_settings
from chalicelib.db import keys, store
from chalicelib.db.models import Item
from chalicelib.denials import words
from chalicelib.denials.items import Denial

Clock = Callable[[], datetime]
MAX_ATTACHMENTS = 20
PROOF_EVENTS = frozenset({"submitted", "acknowledged", "accepted"})


def render_letter(scope: PracticeScope, appeal_id: str, audit: Audit | None = None, *,
                  clock: Clock = utcnow) -> LetterOut:
    """Render the letter (and the proof of timely filing, for such a denial), store it, and answer a signed URL.
    The appeal records where the latest letter is, under its version, with the audit record."""
    appeal = store.load(appeal_key(scope, appeal_id))
    version, moment = int(appeal.version), clock()
    facts = _facts(scope, appeal, moment)
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    letter_key = documents.key(scope.practice_id, appeal.id, f"letter-{stamp}.pdf")
    documents.put(letter_key, pdf.render(letter.pages(facts), f"Appeal {appeal.id}"), "application/pdf")
    attachments = json.loads(appeal.attachments)
    if facts.proof is not None:
        proof = pdf.render([letter.proof_page(facts.proof, facts)], f"Proof of timely filing, appeal {appeal.id}")
        documents.put(documents.key(scope.practice_id, appeal.id, PROOF_NAME), proof, "application/pdf")
        attachments = [{**a, "size_bytes": len(proof)} if a["kind"] == "timely_filing_proof" else a
                       for a in attachments]
    changes = {"letter_key": letter_key, "letter_at": iso(moment), "attachments": json.dumps(attachments)}
    store.update(appeal, changes, version, "appeal", audit)
    return LetterOut(url=documents.signed_get(letter_key, f"appeal-{appeal.id}.pdf"),
                     expires_in=get_settings().document_url_seconds, rendered_at=iso(moment))


def _facts(scope: PracticeScope, appeal: Appeal, moment: datetime) -> letter.Facts:
    """The letter's facts: the claim, the denial and its claim payment in one BatchGetItem, with the claim's
    history read at the same time when the proof of timely filing goes with it."""
    pk = keys.practice_pk(scope.practice_id)
    claim_key = store.Key(ClaimItem, pk, keys.claim_sk(appeal.claim_id), "claim")
    denial_key = store.Key(Denial, pk, keys.denial_sk(appeal.denial_id), "denial")
    record_key = store.Key(Item, pk, appeal.record_sk)
    with_proof = any(a["kind"] == "timely_filing_proof" for a in json.loads(appeal.attachments))
    found, events = together(lambda: store.read(claim_key, denial_key, record_key, consistent=True),
                             lambda: _history(pk, appeal.claim_id) if with_proof else [])
    claim, denial, record = found.get(claim_key), found.get(denial_key), found.find(record_key)
    document = codec.loads(claim.document)
    person = (document.patient.person if document.patient else document.subscriber.person)
    adjustments = json.loads(denial.adjustments)
    return letter.Facts(
        written_on=moment.date(), practice=_party(document.billing.name, document.billing.address),
        payer=_party(appeal.payer_name, document.payer.address), level=appeal.level, category=appeal.category,
        patient_control_number=appeal.patient_control_number, payer_claim_number=appeal.payer_claim_number,
        patient_name=f"{person.first_name} {person.last_name}", member_id=document.subscriber.member_id,
        service_from=claim.service_from, service_to=claim.service_to,
        billed_cents=int(getattr(record, "charge_cents", claim.total_charge_cents)),
        paid_cents=int(getattr(record, "paid_cents", 0)), denied_cents=int(appeal.denied_cents),
        denied_on=denial.denied_on,
        line=f"line {denial.line_number or denial.svc}" + (f" ({denial.procedure})" if denial.procedure else "")
        if denial.level == "line" else None,
        reasons=tuple(f"{a['group']}-{a['reason']}: {words.carc(a['reason'])}" for a in adjustments
                      if a["group"] != "PR"),
        remarks=tuple(f"{r}: {words.rarc(r)}" for r in json.loads(denial.remarks)), argument=appeal.reason,
        enclosed=tuple(a["name"] for a in json.loads(appeal.attachments)),
        proof=_proof(claim, appeal, events) if with_proof else None)


def _party(name: str, address: Any) -> tuple[str, ...]:
    if address is None:
        return (name,)
    city = f"{address.city}, {address.state} {address.zip}"
    return tuple(part for part in (name, address.line1, getattr(address, "line2", ""), city) if part)


def _history(pk: str, claim_id: str) -> list[ClaimEvent]:
    """The claim's events, oldest first: one Query of its history."""
    return list(ClaimEvent.query(pk, ClaimEvent.sk.startswith(keys.claim_events_prefix(claim_id))))


def _proof(claim: ClaimItem, appeal: Appeal, events: list[ClaimEvent]) -> letter.Proof:
    """When the claim left us and when the clearinghouse (999) and the payer (277CA) accepted it, from the claim
    and its history."""
    lines = []
    for event in events:
        if event.event in PROOF_EVENTS:
            detail = json.loads(event.detail) if event.detail else {}
            source = ", ".join(f"{k} {detail[k]}" for k in ("source", "file_id", "batch_id") if detail.get(k))
            lines.append(f"{event.created_at} {event.event}" + (f" ({source})" if source else ""))
    return letter.Proof(submitted_at=claim.submitted_at, batch=claim.batch_id,
                        accepted_999_at=claim.acknowledged_at, accepted_277ca_at=claim.accepted_at,
                        payer_claim_number=claim.payer_claim_control_number or appeal.payer_claim_number,
                        events=tuple(lines))


def add_attachment(scope: PracticeScope, appeal_id: str, body: AttachmentIn, version: int,
                   audit: Audit | None = None, *, clock: Clock = utcnow) -> AttachmentMade:
    """An attachment of a declared type and size: stored now from a small base64 body, or (without one) named
    on the appeal with a presigned POST that S3 takes only with that type and size. A decided appeal takes
    none."""
    appeal = store.load(appeal_key(scope, appeal_id))
    store.check_version(appeal, version, "appeal")
    if appeal.status not in ("draft", "sent"):
        raise Conflict(f"The appeal is {appeal.status}: it takes no more attachments.")
    attachments = json.loads(appeal.attachments)
    if len(attachments) >= MAX_ATTACHMENTS:
        raise Conflict(f"The appeal has {MAX_ATTACHMENTS} attachments, the most it takes.")
    _check_size(body.size_bytes)
    data = _decoded(body) if body.content_base64 is not None else None
    made = {"id": new_id(), "name": body.name, "content_type": body.content_type,
            "size_bytes": body.size_bytes if data is not None else None, "kind": "upload",
            "added_at": iso(clock())}
    object_key = documents.key(scope.practice_id, appeal.id, f"attachments/{made['id']}")
    if data is not None:
        documents.put(object_key, data, body.content_type)
    store.update(appeal, {"attachments": json.dumps(attachments + [made])}, version, "appeal", audit)
    upload = None if data is not None else documents.signed_post(object_key, body.content_type, body.size_bytes)
    return AttachmentMade(attachment=AttachmentOut(**made), upload=upload)


def _check_size(size: int) -> None:
    largest = get_settings().appeal_attachment_max_bytes
    if size > largest:
        raise ValidationFailed(f"An attachment is at most {largest} bytes.",
                               [field_error("size_bytes", f"at most {largest}")])


def _decoded(body: AttachmentIn) -> bytes:
    try:
        data = base64.b64decode(body.content_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("content_base64 is not base64.", [field_error("content_base64", "not base64")]) \
            from None
    if len(data) != body.size_bytes:
        raise ValidationFailed("The content is not of the size declared.",
                               [field_error("size_bytes", f"the content has {len(data)} bytes")])
    if body.content_type == "application/pdf" and not data.startswith(b"%PDF-"):
        raise ValidationFailed("The content is not a PDF.", [field_error("content_base64", "not a PDF")])
    return data


def attachments(scope: PracticeScope, appeal_id: str) -> tuple[list[dict[str, Any]], None]:
    """The appeal's attachments, each with a signed GET URL once its file is stored (an upload by URL: once it
    has arrived, its size read from the bucket)."""
    appeal = store.load(appeal_key(scope, appeal_id))
    listed = []
    for made in json.loads(appeal.attachments):
        name = PROOF_NAME if made["kind"] == "timely_filing_proof" else f"attachments/{made['id']}"
        object_key = documents.key(scope.practice_id, appeal.id, name)
        size = made["size_bytes"] if made["size_bytes"] is not None else documents.size_of(object_key)
        url = documents.signed_get(object_key, f"{made['id']}-{made['name']}") if size is not None else None
        listed.append({**made, "size_bytes": size, "url": url})
    return listed, None

