"""Principals, roles and API key tokens.

A key token is `rc_<firm id>_<key id>_<secret>`: the ids let the authorizer find the key with one
GetItem in the firm's partition; only a SHA-256 of the secret is stored. The secret has 256 bits of
entropy, so a plain hash is enough (no password-style stretching needed); comparison is constant-time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

from chalicelib.core.errors import Forbidden

ROLES = ("firm_admin", "biller", "coder", "front_desk", "viewer")
PLATFORM = "platform"

# What each role may do. A practice the key cannot see answers 404 before permissions are looked at.
PERMISSIONS: dict[str, frozenset[str]] = {
    "firm_admin": frozenset({"practices:write", "keys:manage", "audit:read", "setup:read", "setup:write",
                             "patients:read", "patients:write", "visits:read", "visits:write", "payments:read",
                             "payments:write", "coding:write", "claims:read", "claims:write",
                             "claims:submit", "tasks:read", "tasks:write"}),
    "biller": frozenset({"setup:read", "setup:write", "patients:read", "patients:write", "visits:read",
                         "visits:write", "payments:read", "payments:write", "coding:write", "claims:read",
                         "claims:write", "claims:submit", "tasks:read", "tasks:write"}),
    "coder": frozenset({"setup:read", "patients:read", "visits:read", "payments:read", "coding:write",
                        "claims:read", "claims:write", "tasks:read", "tasks:write"}),
    "front_desk": frozenset({"setup:read", "patients:read", "patients:write", "visits:read", "visits:write",
                             "payments:read", "payments:write", "tasks:read", "tasks:write"}),
    "viewer": frozenset({"setup:read", "patients:read", "visits:read", "payments:read", "claims:read",
                         "tasks:read"}),
    PLATFORM: frozenset({"firms:create", "jobs:run", "edit-tables:read", "edit-tables:load"}),
}


class Auth(str, Enum):
    NONE = "none"
    KEY = "key"
    ROOT = "root"


@dataclass(frozen=True)
class Principal:
    key_id: str
    firm_id: str
    role: str
    practice_ids: frozenset[str] | None  # None: every practice of the firm

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def sees_practice(self, practice_id: str) -> bool:
        return self.practice_ids is None or practice_id in self.practice_ids

    def to_context(self) -> dict[str, str]:
        """Authorizer context values must be strings (API Gateway flattens them)."""
        practices = "*" if self.practice_ids is None else ",".join(sorted(self.practice_ids))
        return {"key_id": self.key_id, "firm_id": self.firm_id, "role": self.role, "practices": practices}

    @classmethod
    def from_context(cls, context: dict[str, str]) -> "Principal":
        practices = context["practices"]
        ids = None if practices == "*" else frozenset(p for p in practices.split(",") if p)
        return cls(context["key_id"], context["firm_id"], context["role"], ids)


def require_whole_firm(principal: Principal, detail: str) -> None:
    """Firm-wide lists (the mailbox's files, remittances across practices) are for keys that see every practice
    of the firm: a key of some practices uses each practice's own list."""
    if principal.practice_ids is not None:
        raise Forbidden(detail)


@dataclass(frozen=True)
class PracticeScope:
    """The tenant of a practice route: taken from the authorized request, never from a body."""

    practice_id: str
    principal: Principal


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mint_token(firm_id: str, key_id: str) -> tuple[str, str]:
    """A new key token and the hash to store. The token is shown once and never stored."""
    secret = secrets.token_urlsafe(32)
    return f"rc_{firm_id}_{key_id}_{secret}", hash_secret(secret)


def parse_token(token: str) -> tuple[str, str, str] | None:
    parts = token.split("_", 3)
    if len(parts) != 4 or parts[0] != "rc" or not all(parts[1:]):
        return None
    return parts[1], parts[2], parts[3]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def root_matches(token: str, root_key: str) -> bool:
    return hmac.compare_digest(hash_secret(token), hash_secret(root_key))
