"""Ids are ULIDs: 26 characters of Crockford base32, sortable by creation time."""
from __future__ import annotations

import re

from ulid import ULID

ULID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
_ULID_RE = re.compile(ULID_PATTERN)


def new_id() -> str:
    return str(ULID())


def is_id(value: str) -> bool:
    """A path id that is not a well-formed ULID cannot name anything we store."""
    return bool(_ULID_RE.match(value))
