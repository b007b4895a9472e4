"""A `ClaimDocument` to JSON and back, for the claim item's `document` attribute.

Dates become ISO strings and tuples lists; reading rebuilds every nested dataclass, so a stored claim is the
same document the scrubber judged and the 837 writer will write.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from chalicelib.claims.document import (
    Address,
    Claim,
    ClaimDocument,
    Institutional,
    Line,
    PatientOfSubscriber,
    Payer,
    Person,
    Provider,
    Subscriber,
)


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


def loads(text: str) -> ClaimDocument:
    data = json.loads(text)
    subscriber = data["subscriber"]
    patient = data.get("patient")
    return ClaimDocument(
        billing=_provider(data["billing"]),  # type: ignore[arg-type]
        payer=Payer(**{**data["payer"], "address": _address(data["payer"].get("address"))}),
        subscriber=Subscriber(**{**subscriber, "person": _person(subscriber["person"])}),
        claim=claim_from(data["claim"]),
        patient=None if patient is None else PatientOfSubscriber(_person(patient["person"]), patient["relationship"]),
        pay_to=_address(data.get("pay_to")), claim_id=data.get("claim_id", ""), extras=data.get("extras", {}))
