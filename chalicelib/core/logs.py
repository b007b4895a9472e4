"""Structured JSON logs (Powertools Logger). Log ids and counts, never bodies or patient fields."""
from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger

from chalicelib.core.settings import get_settings


@lru_cache(maxsize=1)
def get_logger() -> Logger:
    return Logger(service="revcycle", level=get_settings().log_level)
