"""Request parsing and response building for the API layer: pydantic in, problem+json out."""
from __future__ import annotations

import functools
import json
import unicodedata
from typing import Any, Iterator

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
    # Chalice lets a request without Content-Type through as JSON; a body route wants it said.
    if (content_type or "").split(";")[0].strip().lower() != JSON:
        raise UnsupportedMediaType("Send the body as application/json, with Content-Type: application/json.")
    try:
        # Strict JSON validation: "12" is not 12, unknown fields are refused, dates are ISO strings.
        return model.model_validate_json(canonical_json(raw))
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors(include_input=False)):
            raise BadRequest("The body is not valid JSON.", [field_error("body", "invalid JSON")]) from None
        raise ValidationFailed("The body is not valid.", validation_errors(error)) from None


class _Repeated(dict):  # type: ignore[type-arg]
    """An object in which a key appeared twice: marked by the parser, named with its path by a walk."""

    repeated: str = ""


def _object(seen_repeated: list[bool], plain: bool, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """One JSON object; `plain`: the body's text is NFC with no escapes, so its keys are NFC as written."""
    obj = dict(pairs) if plain else {nfc(name): value for name, value in pairs}  # "é" two ways is one key
    if len(obj) == len(pairs):
        return obj
    seen_repeated.append(True)
    names = [name if plain else nfc(name) for name, _ in pairs]
    marked = _Repeated(obj)
    marked.repeated = next(name for i, name in enumerate(names) if name in names[:i])
    return marked


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity; JSON has neither


def canonical_json(raw: bytes) -> bytes:
    """The body with every string in NFC and no key twice in an object, as JSON for pydantic's strict parse.

    Names typed on a Mac or pasted from a PDF arrive decomposed (`e` + U+0301); the same name typed elsewhere
    arrives composed (`é`). NFC makes them one string before any check or index key sees them. A repeated key
    is refused rather than letting the last one win silently (RFC 8259 section 4 leaves it undefined).
    Most bodies are NFC already and escape nothing: those go to pydantic as they came (bench/body_parse.py).
    """
    invalid = BadRequest("The body is not valid JSON.", [field_error("body", "invalid JSON")])
    seen_repeated: list[bool] = []
    try:
        text = raw.decode("utf-8")
        plain = "\\u" not in text and unicodedata.is_normalized("NFC", text)  # every string NFC as written
        document = json.loads(text, object_pairs_hook=functools.partial(_object, seen_repeated, plain),
                              parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid from None
    if seen_repeated:
        node, path = next((n, p) for n, p in _containers(document) if isinstance(n, _Repeated))
        raise BadRequest("A key appears twice in one object of the body.",
                         [field_error(path + node.repeated, "appears more than once")])
    if plain:
        return raw
    for node, _ in _containers(document):
        for name, value in list(node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(value, str):
                node[name] = nfc(value)
    try:
        return json.dumps(document).encode()
    except RecursionError:
        raise invalid from None


def _containers(document: Any) -> Iterator[tuple[Any, str]]:
    """Every object and array in the document with its path (`address.`, `lines.0.`). A loop, not recursion:
    the parser accepts nesting deeper than a recursive walk could follow."""
    todo = [(document, "")] if isinstance(document, (dict, list)) else []
    while todo:
        node, path = todo.pop()
        yield node, path
        for name, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(value, (dict, list)):
                todo.append((value, f"{path}{name}."))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_query(model: type[BaseModel], params: dict[str, str] | None) -> BaseModel:
    try:
        return model.model_validate({name: nfc(value) for name, value in (params or {}).items()})
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
