"""What sits in front of every route: the API-key authorizer, health, the OpenAPI document, and the
middleware that turns Chalice's own error answers (unknown content type, unhandled errors) into
problem+json, so every error a client sees has the same shape."""
from __future__ import annotations

import json

from chalice import AuthResponse, Blueprint, Response

from chalicelib.core.authn import authenticate

PROBLEM = "application/problem+json"

gateway = Blueprint(__name__)


@gateway.authorizer(ttl_seconds=0)  # no caching: a revoked key is refused on its next request
def api_key_authorizer(auth_request):  # type: ignore[no-untyped-def]
    principal = authenticate(auth_request.token)
    if principal is None:
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(routes=["*"], principal_id=principal.key_id, context=principal.to_context())


@gateway.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@gateway.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    from chalicelib.core.openapi import document  # built on first request, not at cold start

    return Response(body=json.dumps(document()), headers={"Content-Type": "application/json"})


_CHALICE_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed",
                   415: "Unsupported media type", 500: "Internal server error"}


def problem_middleware(event, get_response):  # type: ignore[no-untyped-def]
    """Rewrite Chalice's `{"Code", "Message"}` errors as problem+json; internals never leak."""
    response = get_response(event)
    if response.status_code < 400 or response.headers.get("Content-Type") == PROBLEM:
        return response
    status = response.status_code
    detail = "An internal error occurred; it has been logged." if status >= 500 else _chalice_message(response)
    body = {"type": "about:blank", "title": _CHALICE_TITLES.get(status, "Error"), "status": status,
            "detail": detail}
    return Response(body=json.dumps(body), status_code=status, headers={"Content-Type": PROBLEM})


def _chalice_message(response: Response) -> str:
    if isinstance(response.body, dict):
        return str(response.body.get("Message", ""))
    return ""
