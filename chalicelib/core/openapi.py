"""The OpenAPI 3.1 document, generated from the registered RouteSpecs and their pydantic models.

Built on the first GET /openapi.json, never at cold start. Every route lists its auth, its parameters,
its success answer and the problem+json answers it can give.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.core.api import ROUTES, RouteSpec
from chalicelib.core.auth import Auth
from chalicelib.core.ids import ULID_PATTERN
from chalicelib.core.lazy import resolve

REF = "#/components/schemas/{model}"
PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}
ERRORS = {
    "400": "Malformed request (bad JSON, a key twice in one object, bad cursor)",
    "401": "Missing credentials (API Gateway)",
    "403": "Key refused, or its role may not do this",
    "404": "No such resource, or not visible to this key",
    "409": "Conflict with the current state (version, duplicate, in-progress idempotent request)",
    "413": "Body too large",
    "415": "Body sent without Content-Type: application/json",
    "422": "Validation failed (see errors), or Idempotency-Key reused with another request",
    "428": "Update without the version it is based on",
    "502": "An outside service (Stripe) failed or did not answer; retry with the same Idempotency-Key",
}


def _models() -> list[tuple[type[BaseModel], str]]:
    pairs: list[tuple[type[BaseModel], str]] = []
    for spec in ROUTES:
        if spec.body is not None:
            pairs.append((resolve(spec.body), "validation"))
        if spec.response is not None:
            pairs.append((resolve(spec.response), "serialization"))
    return list(dict.fromkeys(pairs))


def _parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "string", "pattern": ULID_PATTERN} if name.endswith("_id")
               else {"type": "string", "pattern": "^[A-Za-z0-9.]{1,16}$"}}
              for name in re.findall(r"{(\w+)}", spec.path)]
    if spec.query is not None:
        schema = resolve(spec.query).model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in schema.get("required", []),
                           "schema": prop})
    params += [{"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
               for name, text in spec.headers]
    if spec.method == "POST" and spec.auth is not Auth.NONE:  # keys are remembered per API key
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
    if spec.method in {"PATCH", "PUT", "DELETE"}:
        params.append({"name": "If-Match", "in": "header", "required": False,
                       "description": "The version the change is based on", "schema": {"type": "string"}})
    return params


def _success(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    if spec.status == 204 or spec.response is None:
        return {"204": {"description": "Done"}}
    schema = refs[(resolve(spec.response), "serialization")]
    if spec.list_response:
        schema = {"type": "object", "required": ["data", "next_cursor"], "properties": {
            "data": {"type": "array", "items": schema},
            "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}
    return {str(spec.status): {"description": "OK", "content": {"application/json": {"schema": schema}}}}


def _operation(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    problem = {"content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}}
    op: dict[str, Any] = {
        "operationId": f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}",
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec),
        "responses": {**_success(spec, refs),
                      **{code: {"description": text, **problem} for code, text in ERRORS.items()}},
        "security": [] if spec.auth is Auth.NONE else [{"apiKey": []}],
    }
    if spec.permission:
        op["x-permission"] = spec.permission
    if spec.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": refs[(resolve(spec.body), "validation")]}}}
    elif spec.raw_body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "description": "Read as sent: verified against its signature before it is parsed"}}}}
    return op


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    refs, defs = models_json_schema(_models(), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {
        "/health": {"get": {"operationId": "get_health", "summary": "Liveness", "security": [], "tags": ["meta"],
                            "responses": {"200": {"description": "OK"}}}},
        "/openapi.json": {"get": {"operationId": "get_openapi", "summary": "This document", "security": [],
                                  "tags": ["meta"], "responses": {"200": {"description": "OK"}}}},
    }
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Revcycle API", "version": "1.0.0",
                 "description": "Revenue-cycle backend for medical billing firms and their practices."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**defs.get("$defs", {}), "Problem": PROBLEM},
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                           "description": "A firm API key, or the platform root key for /admin"}},
        },
    }
