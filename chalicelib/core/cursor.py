"""Opaque, tamper-checked pagination cursors.

A cursor is the DynamoDB LastEvaluatedKey plus a digest of the list it was issued for, HMAC-signed with the
app's signing key. A cursor that was altered, or issued for another practice or list, is refused (400),
so a client can never steer a Query into another tenant's partition. The list is kept as a digest, not in
clear: a search's list names what was searched for (a name prefix, a birth date), and cursors are readable.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.core.errors import BadRequest, field_error


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _list_digest(bound_to: str) -> str:
    return hashlib.sha256(bound_to.encode()).hexdigest()[:32]


def encode(last_key: dict[str, Any], bound_to: str, key: bytes) -> str:
    payload = json.dumps({"k": last_key, "b": _list_digest(bound_to)}, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    return _b64(payload) + "." + _b64(mac)


def decode(cursor: str, bound_to: str, key: bytes) -> dict[str, Any]:
    refused = BadRequest("The cursor is not valid for this list.", [field_error("cursor", "invalid cursor")])
    try:
        payload_part, mac_part = cursor.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
    except ValueError:
        raise refused from None
    if _b64(payload) != payload_part or _b64(mac) != mac_part:
        raise refused  # base64 allows spare bits in the last character: accept one spelling only
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(mac, expected):
        raise refused
    data = json.loads(payload)
    if data.get("b") != _list_digest(bound_to) or not isinstance(data.get("k"), dict):
        raise refused
    return data["k"]
