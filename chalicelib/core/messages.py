"""What a 422 says about one field: what is wrong, then what is expected, in words a biller can act on.

Field types that need their own words carry them where they are declared (`expected(...)`, core/types.py:
"not a procedure code: a CPT code is 5 characters ..."). This module words the refusals pydantic makes for any
field (missing, wrong type, unknown field, out of range, too long), so that no answer carries pydantic's own
wording ("Input should be ...", "Value error, ...") or a regular expression. Messages never hold the value sent:
it may be patient data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError, core_schema

# The one answer for a refusal nobody worded: tests/unit/test_messages.py fails if any route can produce it.
UNWORDED = "not a value this field takes: see the field's description in GET /openapi.json"
# The type of the errors `Expected` raises: their message is already the field's own.
EXPECTED = "expected"

_DATE = "not a date: give it as YYYY-MM-DD"
_DATETIME = "not a date and time: give it as YYYY-MM-DDTHH:MM:SS with its UTC offset, e.g. 2026-12-01T09:30:00-06:00"
_WHOLE = "not a whole number: give digits, without quotes or a decimal point"
_OBJECT = "not an object: give a JSON object, in { }"
_FIXED = {
    "missing": "missing: this field is required",
    "extra_forbidden": "not a field of this request: check its spelling, or leave it out",
    "string_type": "not text: give it as a JSON string, in quotes",
    "int_type": _WHOLE, "int_parsing": _WHOLE, "int_from_float": _WHOLE,
    "bool_type": "not true or false: give true or false, without quotes",
    "bool_parsing": "not true or false: give true or false",
    "list_type": "not a list: give a JSON array, in [ ]",
    "model_type": _OBJECT, "model_attributes_type": _OBJECT, "dict_type": _OBJECT,
    "date_type": _DATE, "date_parsing": _DATE, "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME, "datetime_parsing": _DATETIME, "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
}


def _sized(ctx: dict[str, Any]) -> str:
    count = ctx.get("min_length", ctx.get("max_length"))
    return f"{count} item" if count == 1 else f"{count} items"


def _worded(kind: str, ctx: dict[str, Any]) -> str | None:
    """Refusals whose words depend on the constraint (its bound, its choices)."""
    if kind == "string_too_short":
        return "empty: give a value" if ctx["min_length"] == 1 else \
            f"too short: give at least {ctx['min_length']} characters"
    worded = {
        "string_too_long": lambda: f"too long: give at most {ctx['max_length']} characters",
        "too_short": lambda: f"too few: give at least {_sized(ctx)}",
        "too_long": lambda: f"too many: give at most {_sized(ctx)}",
        "greater_than_equal": lambda: f"too small: give {ctx['ge']} or more",
        "greater_than": lambda: f"too small: give more than {ctx['gt']}",
        "less_than_equal": lambda: f"too large: give {ctx['le']} or less",
        "less_than": lambda: f"too large: give less than {ctx['lt']}",
        "literal_error": lambda: f"not one of the values this field takes: give {ctx['expected']}",
        "enum": lambda: f"not one of the values this field takes: give {ctx['expected']}",
        # A ValueError raised by one of our validators: its text is ours, without pydantic's "Value error, ".
        "value_error": lambda: str(ctx["error"]) if "error" in ctx else None,
        "assertion_error": lambda: str(ctx["error"]) if "error" in ctx else None,
    }.get(kind)
    return worded() if worded else None


def message(error: Any) -> str:
    """The words for one of pydantic's errors (an `ErrorDetails`, read without its input)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == EXPECTED:
        return str(error["msg"])
    return _FIXED.get(kind) or _worded(kind, ctx) or UNWORDED


@dataclass(frozen=True)
class Expected:
    """A field's own words, as the last item of its `Annotated[...]`: `Expected(what, wrong)`.

    It wraps the checks declared before it (type, lengths, pattern, validators), so the JSON schema keeps them
    and gains `what` as its description; any refusal says "<what is wrong>: <what>". What is wrong is `wrong`
    for a value of the wrong form, "too long" or "empty" for a length, or the text of a validator's ValueError.
    For text (and lists of it) only: a wrapped type is validated as Python, so a strict date or time inside
    would no longer be read from its JSON string. Those say what they expect in their validators' ValueErrors.
    """

    what: str
    wrong: str

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_wrap_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        described = handler(schema)
        described.setdefault("description", self.what[:1].upper() + self.what[1:])
        return described

    def _check(self, value: Any, inner: Any) -> Any:
        try:
            return inner(value)
        except ValidationError as error:
            first = error.errors(include_input=False)[0]
            raise PydanticCustomError(EXPECTED, f"{self._problem(first)}: {self.what}") from None

    def _problem(self, inner: Any) -> str:
        kind, ctx = inner["type"], inner.get("ctx") or {}
        if kind in ("value_error", "assertion_error") and "error" in ctx:
            return str(ctx["error"])
        if kind == "string_too_long":
            return "too long"
        if kind == "string_too_short":
            return "empty" if ctx.get("min_length") == 1 else "too short"
        if kind == "string_type":
            return "not text (a JSON string, in quotes)"
        return self.wrong
