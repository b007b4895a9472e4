"""A `ClaimDocument` to JSON and back, for the claim item's `document` attribute, and the claim's 837 segments
for its `segments` attribute.

Dates become ISO strings and tuples lists; reading rebuilds every nested dataclass, so a stored claim is the
same document the scrubber judged and the 837 writer will write.

`segments` is what the 837 writer needs of the claim in the form it needs it: the claim rendered when it was
judged (edi/claim/writer.py, render: checked, every segment formatted), as JSON with the rendering's number and a
digest of the `document` text it came from. Reading it back is a small JSON parse where rebuilding the document
took a third of the time to write an 837. Segments that came from another document text (one changed without
them) or another rendering, and claims stored before segments were, are rendered again from the document, which
gives the same bytes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import Any

from chalicelib.edi.claim.document import (
    Address,
    Adjustment,
    Claim,
    ClaimDocument,
    Institutional,
    Line,
    LineAdjudication,
    OtherPayer,
    PatientOfSubscriber,
    Payer,
    Person,
    Provider,
    Subscriber,
)
from chalicelib.edi.claim.writer import RENDERING, ClaimSegments, render
from chalicelib.edi.x12.segments import X12Error


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dumps(document: ClaimDocument) -> str:
    return json.dumps(_plain(dataclasses.asdict(document)), separators=(",", ":"))


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _address(data: dict[str, Any] | None) -> Address | None:
    return None if data is None else Address(**data)


def _provider(data: dict[str, Any] | None) -> Provider | None:
    if data is None:
        return None
    return Provider(**{**data, "address": _address(data.get("address"))})


def _person(data: dict[str, Any]) -> Person:
    return Person(**{**data, "birth_date": _day(data["birth_date"]), "address": _address(data["address"])})


def _line(data: dict[str, Any]) -> Line:
    return Line(**{**data, "service_date": _day(data["service_date"]),
                   "diagnosis_pointers": tuple(data["diagnosis_pointers"]), "modifiers": tuple(data["modifiers"])})


def _institutional(data: dict[str, Any] | None) -> Institutional | None:
    if data is None:
        return None
    return Institutional(**{**data, "statement_from": _day(data["statement_from"]),
                            "statement_to": _day(data["statement_to"]),
                            "admission_date": _day(data.get("admission_date")),
                            "attending": _provider(data.get("attending"))})


def claim_from(data: dict[str, Any]) -> Claim:
    return Claim(**{**data, "diagnoses": tuple(data["diagnoses"]), "lines": tuple(_line(x) for x in data["lines"]),
                    "service_from": _day(data["service_from"]), "service_to": _day(data["service_to"]),
                    "rendering": _provider(data.get("rendering")), "referring": _provider(data.get("referring")),
                    "institutional": _institutional(data.get("institutional"))})


def _payer(data: dict[str, Any]) -> Payer:
    return Payer(**{**data, "address": _address(data.get("address"))})


def _subscriber(data: dict[str, Any]) -> Subscriber:
    return Subscriber(**{**data, "person": _person(data["person"])})


def _adjustments(data: list[dict[str, Any]]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(**a) for a in data)


def _other_payer(data: dict[str, Any]) -> OtherPayer:
    lines = tuple(LineAdjudication(**{**line, "adjudicated_on": _day(line["adjudicated_on"]),
                                      "modifiers": tuple(line["modifiers"]),
                                      "adjustments": _adjustments(line["adjustments"])}) for line in data["lines"])
    return OtherPayer(**{**data, "payer": _payer(data["payer"]), "subscriber": _subscriber(data["subscriber"]),
                         "adjudicated_on": _day(data["adjudicated_on"]),
                         "adjustments": _adjustments(data["adjustments"]), "lines": lines})


def loads(text: str) -> ClaimDocument:
    data = json.loads(text)
    subscriber = data["subscriber"]
    patient = data.get("patient")
    return ClaimDocument(
        billing=_provider(data["billing"]),  # type: ignore[arg-type]
        payer=_payer(data["payer"]), subscriber=_subscriber(subscriber),
        claim=claim_from(data["claim"]),
        patient=None if patient is None else PatientOfSubscriber(_person(patient["person"]), patient["relationship"]),
        pay_to=_address(data.get("pay_to")), claim_id=data.get("claim_id", ""), extras=data.get("extras", {}),
        other_payers=tuple(_other_payer(other) for other in data.get("other_payers", ())))


def stored(document: ClaimDocument) -> dict[str, str | None]:
    """A judged claim's `document` and `segments` fields. A claim that breaks an 837 rule gets no segments:
    submitting it renders it again and says what it breaks."""
    text = dumps(document)
    try:
        claim = render(document)
    except X12Error:
        return {"document": text, "segments": None}
    segments = {"rendering": RENDERING, "of": _digest(text), "claim_id": claim.claim_id,
                "claim_type": claim.claim_type, "billing": claim.billing, "subscriber": claim.subscriber,
                "patient": claim.patient, "claim": claim.claim}
    return {"document": text, "segments": json.dumps(segments, separators=(",", ":"))}


def claim_837(document: str, segments: str | None) -> ClaimSegments:
    """A stored claim as the 837 writer takes it: its segments when this rendering made them from this very
    document text, else rendered now from the document."""
    if segments:
        data = json.loads(segments)
        if data["rendering"] == RENDERING and data["of"] == _digest(document):
            return ClaimSegments(data["claim_id"], data["claim_type"], tuple(data["billing"]),
                                 tuple(data["subscriber"]), tuple(data["patient"]), tuple(data["claim"]))
    return render(loads(document))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
