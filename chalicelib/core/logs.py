"""Structured JSON logs (Powertools Logger). Log ids and counts, never bodies or patient fields."""
from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger


@lru_cache(maxsize=1)
def get_logger() -> Logger:
    from chalicelib.core.settings import get_settings  # read on first use, not at import

    return Logger(service="revcycle", level=get_settings().log_level)
