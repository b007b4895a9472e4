"""EventBridge event patterns, enough to route the local EDI-inbox event to the `@app.on_cw_event` handlers
that would receive it in AWS.

A pattern field holds a list of allowed values (any one matching is enough) or a nested pattern; a missing
event field never matches a value. Supported content filters: prefix, suffix, wildcard, exists, anything-but.
Anything else is refused when the runner starts, so a handler is never silently fed the wrong events.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

_MISSING = object()
FILTERS = {"prefix", "suffix", "wildcard", "exists", "anything-but"}


def check(pattern: Mapping[str, Any]) -> None:
    """Raise ValueError for a pattern this module cannot evaluate faithfully."""
    for field, rule in pattern.items():
        if isinstance(rule, Mapping):
            check(rule)
            continue
        if not isinstance(rule, list):
            raise ValueError(f"pattern field {field!r} must be a list or an object, got {rule!r}")
        for option in rule:
            if isinstance(option, Mapping) and (len(option) != 1 or not set(option) <= FILTERS):
                raise ValueError(f"pattern filter {option!r} on {field!r} is not supported locally")


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    for field, rule in pattern.items():
        value = event.get(field, _MISSING)
        if isinstance(rule, Mapping):
            if not isinstance(value, Mapping) or not matches(rule, value):
                return False
        elif not any(_option_matches(option, value) for option in rule):
            return False
    return True


def _option_matches(option: Any, value: Any) -> bool:
    if isinstance(option, Mapping):
        (name, argument), = option.items()
        return _filter_matches(name, argument, value)
    if isinstance(value, list):  # an array field matches when any of its elements does
        return option in value
    return value is not _MISSING and option == value


def _filter_matches(name: str, argument: Any, value: Any) -> bool:
    if name == "exists":
        return (value is not _MISSING) is bool(argument)
    if value is _MISSING:
        return False
    if name == "anything-but":
        excluded = argument if isinstance(argument, list) else [argument]
        return value not in excluded
    if not isinstance(value, str):
        return False
    if name == "prefix":
        return value.startswith(argument)
    if name == "suffix":
        return value.endswith(argument)
    # wildcard: `*` stands for any run of characters, everything else is literal
    return re.fullmatch(".*".join(re.escape(part) for part in argument.split("*")), value, re.DOTALL) is not None
