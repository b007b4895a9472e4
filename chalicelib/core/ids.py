"""Ids are ULIDs: 48 bits of milliseconds then 80 random bits, as 26 characters of Crockford base32, so
they sort by creation time. Written here rather than imported: python-ulid costs about 58 ms at import
(it reads its own package metadata), a third of the cold-start budget, for these few lines."""
from __future__ import annotations

import hashlib
import os
import re
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_PATTERN = r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$"
_ULID_RE = re.compile(ULID_PATTERN)


def new_id(now_ms: int | None = None) -> str:
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    return _encode((ms << 80) | int.from_bytes(os.urandom(10), "big"))


def derived_id(now_ms: int, seed: str) -> str:
    """A ULID whose random part is a digest of `seed`: the same seed and time give the same id, so a step that
    runs again (a retried invocation) names the same item instead of making a second one."""
    return _encode((now_ms << 80) | int.from_bytes(hashlib.sha256(seed.encode()).digest()[:10], "big"))


def first_id(ms: int) -> str:
    """The smallest id made at `ms`: with `last_id`, a key range of the ids made in a span of time."""
    return _encode(ms << 80)


def last_id(ms: int) -> str:
    return _encode((ms << 80) | ((1 << 80) - 1))


def sequenced_id(now_ms: int, n: int, seed: str) -> str:
    """A derived ULID whose random part starts with `n` (up to 2**32): the ids one run derives for items it
    makes in order (a remittance's postings) sort in that order, where digests alone would shuffle them."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:6], "big")
    return _encode((now_ms << 80) | ((n & 0xFFFFFFFF) << 48) | digest)


def _encode(value: int) -> str:
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))


def id_ms(value: str) -> int:
    """The milliseconds a ULID was made at (its first 10 characters)."""
    return int("".join(f"{_ALPHABET.index(c):05b}" for c in value[:10]), 2)


def is_id(value: str) -> bool:
    """A path id that is not a well-formed ULID cannot name anything we store."""
    return bool(_ULID_RE.match(value))
