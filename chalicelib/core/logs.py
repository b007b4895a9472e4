"""Structured JSON logs (Powertools Logger). Log ids and counts, never bodies or patient fields.

Tracebacks are logged with their frames and exception types but without the exceptions' messages: a message
quotes values (pydantic's ValidationError prints the input it refused, a KeyError its key, an X12 reader the
segment it choked on), and a value may be a patient's name or birth date. The frames say where it broke;
the request id leads to the request.
"""
from __future__ import annotations

import logging
import traceback
from functools import lru_cache
from types import TracebackType

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

WITHHELD = "(message withheld: it may quote patient data)"
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def withheld_traceback(exc_info: ExcInfo) -> str:
    """The traceback as Python prints it, every message in the chain replaced by WITHHELD."""
    parts, error, seen = [], exc_info[1], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        kind = type(error)
        parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(error.__traceback__))
                     + f"{kind.__module__}.{kind.__qualname__}: {WITHHELD}")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n\nThe above led to:\n\n".join(reversed(parts))


class WithheldMessagesJson(LambdaPowertoolsFormatter):
    """Powertools' JSON lines, with tracebacks that name types and frames only."""

    def formatException(self, ei: ExcInfo) -> str:  # type: ignore[override]  # noqa: N802 (logging's name)
        return withheld_traceback(ei)


class WithheldMessagesText(logging.Formatter):
    """Plain text lines (the local event runner's), with tracebacks that name types and frames only."""

    def formatException(self, ei: ExcInfo) -> str:  # type: ignore[override]  # noqa: N802
        return withheld_traceback(ei)


@lru_cache(maxsize=1)
def get_logger() -> Logger:
    from chalicelib.core.settings import get_settings  # read on first use, not at import

    # serialize_stacktrace off: its `value` field is the exception's message.
    return Logger(service="revcycle", level=get_settings().log_level,
                  logger_formatter=WithheldMessagesJson(serialize_stacktrace=False))
