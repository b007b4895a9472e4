"""Routes of firms, practices, API keys and the caller. Thin: parse, authorize (in `endpoint`), call."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.auth import Auth
from chalicelib.core.lazy import Schemas, lazy_module

# Schemas and services load with the first request that needs them, not when app.py is imported.
models = Schemas("chalicelib.tenants.models")
PageQuery = Schemas("chalicelib.core.types").PageQuery
service = lazy_module("chalicelib.tenants.service")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
TAG = "firms and practices"


@endpoint(bp, "POST", "/admin/firms", tag="platform", auth=Auth.ROOT, permission="firms:create",
          body=models.FirmCreate, response=models.FirmCreated, status=201)
def create_firm(call: Call) -> FirmCreated:
    """Create a firm and its first firm-admin key (platform operators only)."""
    return service.create_firm(call.body)


@endpoint(bp, "GET", "/me", tag=TAG, response=models.Me)
def who_am_i(call: Call) -> Me:
    """Who the caller is: key, firm, role, practices and permissions."""
    return service.me(call.principal)


@endpoint(bp, "POST", "/practices", tag=TAG, permission="practices:write", body=models.PracticeCreate,
          response=models.PracticeOut, status=201, audit_entity="practice")
def create_practice(call: Call) -> PracticeOut:
    """Add a practice the firm bills for."""
    return service.create_practice(call.principal, call.body, call.audit)


@endpoint(bp, "GET", "/practices", tag=TAG, query=PageQuery, response=models.PracticeOut, list_response=True)
def list_practices(call: Call) -> tuple[list[PracticeOut], str | None]:
    """The firm's practices this key may see."""
    return service.list_practices(call.principal, call.query.limit, call.query.cursor)


@endpoint(bp, "GET", "/practices/{practice_id}", tag=TAG, permission="setup:read", response=models.PracticeOut,
          audit_entity="practice")
def get_practice(call: Call) -> PracticeOut:
    """One practice."""
    return service.get_practice(call.principal, call.scope.practice_id)


@endpoint(bp, "PATCH", "/practices/{practice_id}", tag=TAG, permission="practices:write",
          body=models.PracticeUpdate, response=models.PracticeOut, audit_entity="practice")
def update_practice(call: Call) -> PracticeOut:
    """Change a practice's name, NPI, tax id or address."""
    return service.update_practice(call.principal, call.scope.practice_id, call.body, expected_version(call),
                                   call.audit)


@endpoint(bp, "POST", "/api-keys", tag=TAG, permission="keys:manage", body=models.ApiKeyCreate,
          response=models.ApiKeyCreated, status=201)
def create_api_key(call: Call) -> ApiKeyCreated:
    """Issue an API key with a role and practices; the key is shown only in this answer."""
    return service.create_api_key(call.principal, call.body)


@endpoint(bp, "GET", "/api-keys", tag=TAG, permission="keys:manage", query=PageQuery, response=models.ApiKeyOut,
          list_response=True)
def list_api_keys(call: Call) -> tuple[list[ApiKeyOut], str | None]:
    """The firm's API keys (never the keys themselves)."""
    return service.list_api_keys(call.principal, call.query.limit, call.query.cursor)


@endpoint(bp, "DELETE", "/api-keys/{key_id}", tag=TAG, permission="keys:manage", status=204)
def revoke_api_key(call: Call) -> None:
    """Revoke a key; it is refused from its next request on."""
    service.revoke_api_key(call.principal, call.path["key_id"])


@endpoint(bp, "GET", "/practices/{practice_id}/audit", tag=TAG, permission="audit:read", query=PageQuery,
          response=models.AuditOut, list_response=True, audit_entity="audit")
def list_audit(call: Call) -> Page:
    """Who read or changed this practice's data, newest first."""
    return service.list_audit(call.scope.practice_id, call.query.limit, call.query.cursor)
