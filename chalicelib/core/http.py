"""Request parsing and response building for the API layer: pydantic in, problem+json out."""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from chalicelib.core.errors import (
    BadRequest,
    DomainError,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    field_error,
)
from chalicelib.core.messages import message

JSON = "application/json"
PROBLEM = "application/problem+json"


def _loc(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "body"


def validation_errors(error: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """Each refusal as {field, message}, in the words of core/messages.py. `input` is left out on purpose: it may
    hold patient data."""
    return [field_error(prefix + _loc(e["loc"]), message(e)) for e in error.errors(include_input=False)]


def within_limit(raw: bytes, max_bytes: int) -> bytes:
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"The body is larger than {max_bytes} bytes.")
    return raw


def parse_body(model: type[BaseModel], raw: bytes, content_type: str | None, max_bytes: int) -> BaseModel:
    within_limit(raw, max_bytes)
    if content_type and content_type.split(";")[0].strip().lower() != JSON:
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        # Strict JSON validation: "12" is not 12, unknown fields are refused, dates are ISO strings.
        return model.model_validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors(include_input=False)):
            raise BadRequest("The body is not valid JSON.", [field_error("body", "invalid JSON")]) from None
        raise ValidationFailed("The body is not valid.", validation_errors(error)) from None


def parse_query(model: type[BaseModel], params: dict[str, str] | None) -> BaseModel:
    try:
        return model.model_validate(params or {})
    except ValidationError as error:
        raise ValidationFailed("The query string is not valid.", validation_errors(error, "query.")) from None


def dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [dump(item) for item in result]
    if isinstance(result, dict):
        return {k: dump(v) for k, v in result.items()}
    return result


def problem_body(error: DomainError, instance: str | None = None) -> str:
    body = error.problem()
    if instance:
        body["instance"] = instance
    return json.dumps(body)
