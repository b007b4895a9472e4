"""The real-time gateways: a 270 goes in and the payer's 271 comes back (eligibility), or a 276 goes in and
the 277 comes back (claim status). Two implementations of each: the sandbox payer (sandbox.py and
sandbox_status.py, local and tests) and a clearinghouse's real-time HTTP API (realtime.py, both)."""
from __future__ import annotations

from typing import Protocol


class EligibilityGateway(Protocol):
    def check(self, request_270_text: str) -> str:
        """Send one 270 interchange; return the 271 interchange that answers it."""
        ...


class ClaimStatusGateway(Protocol):
    def inquire(self, request_276_text: str) -> str:
        """Send one 276 interchange; return the 277 interchange that answers it."""
        ...


class ClearinghouseError(Exception):
    """The exchange failed. Messages name statuses and attempts, never the documents (patient data)."""


class ClearinghouseRejected(ClearinghouseError):
    """The clearinghouse refused the request (HTTP 4xx other than 429, or a 270 or 276 that breaks the
    guide's rules): sending it again unchanged will not help."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ClearinghouseUnavailable(ClearinghouseError):
    """No answer: connection errors, timeouts, 5xx or 429, and retries (if any) spent. Worth trying later."""
