"""Domain errors: plain exceptions that the API layer turns into problem+json (RFC 9457).

Messages here reach clients and logs, so they name fields and ids, never patient data.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class BadRequest(DomainError):
    pass


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class AlreadyExists(Conflict):
    slug, title = "already-exists", "Already exists"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(DomainError):
    status, slug, title = 422, "validation-failed", "Validation failed"


class IdempotencyKeyReused(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency key reused"


def field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


class PreconditionRequired(DomainError):
    status, slug, title = 428, "precondition-required", "Precondition required"


class UpstreamUnavailable(DomainError):
    """An outside service (Stripe) failed or did not answer; the same request may be retried."""

    status, slug, title = 502, "upstream-unavailable", "Upstream service unavailable"
