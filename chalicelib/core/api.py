"""The API layer: one decorator that registers a Chalice route and does what every route does.

`endpoint` records a RouteSpec (the OpenAPI document is generated from these), and wraps the handler so
that, in order: the principal comes from the authorizer context; a `{practice_id}` route checks that the
key may see that practice and that the practice is the firm's (404 otherwise, never revealing it exists);
the role's permission is checked (403); body and query are parsed into pydantic models (4xx problem+json);
an `Idempotency-Key` is honoured on POST; the handler runs; the access is audited. Domain errors become
problem+json here and nowhere else. Handlers receive a `Call` and return a pydantic model, a page or None.

Round trips (docs/benchmarks.md, "Round trips per route"): the practice check costs one only the first time a
container meets a practice (db/membership.py); a read's audit record is written while the handler reads
(core/fanout.together); a change's audit record goes to the handler as `call.audit`, for its service to write in
the change's own transaction, and only what a service did not take is written after it.
"""
from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.core import audit, idempotency
from chalicelib.core.auth import Auth, PracticeScope, Principal
from chalicelib.core.errors import DomainError, Forbidden, NotFound, PreconditionRequired, ValidationFailed, field_error
from chalicelib.core.gateway import api_key_authorizer
from chalicelib.core.ids import is_id
from chalicelib.core.lazy import lazy_module, resolve
from chalicelib.core.logs import get_logger
from chalicelib.db import keys, membership

# pydantic and the request parsing that needs it load with the first request, not at cold start.
http = lazy_module("chalicelib.core.http")
settings = lazy_module("chalicelib.core.settings")
JSON = "application/json"
ACTIONS = {"GET": "read", "POST": "create", "PATCH": "update", "PUT": "update", "DELETE": "delete"}


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    summary: str
    auth: Auth
    permission: str | None
    body: Any  # a pydantic model class, or a lazy Ref to one
    query: Any
    response: Any
    status: int
    audit: str | None
    tag: str
    list_response: bool = False
    raw_body: bool = False  # the handler gets the body's bytes as sent (a signed webhook), not a parsed model
    headers: tuple[tuple[str, str], ...] = ()  # required request headers: (name, description), for the document
    audit_action: str | None = None  # what the audit records, when the method says otherwise (a POST search reads)


ROUTES: list[RouteSpec] = []


@dataclass
class Call:
    principal: Principal | None
    scope: PracticeScope | None
    path: dict[str, str]
    body: Any = None
    query: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    request_id: str = ""
    raw_body: bytes = b""
    source_ip: str | None = None  # the address API Gateway saw, never a client-written header
    audit: audit.Audit | None = None  # a change's audit record, for the service's transaction (module docstring)

    def read_event(self, entity: str, practice_id: str) -> audit.AuditEvent:
        """The audit record of this request reading `entity` of a practice, for a route that is not under one."""
        assert self.principal is not None
        return audit.AuditEvent(practice_id, self.principal.key_id, entity, None, "read", self.request_id,
                                self.source_ip)


def endpoint(bp: Blueprint, method: str, path: str, *, tag: str, permission: str | None = None,
             body: Any = None, query: Any = None, response: Any = None, status: int = 200, auth: Auth = Auth.KEY,
             audit_entity: str | None = None, list_response: bool = False, raw_body: bool = False,
             headers: dict[str, str] | None = None, audit_action: str | None = None) -> Callable:
    def decorate(handler: Callable[[Call], Any]) -> Callable[[Call], Any]:
        spec = RouteSpec(method, path, (handler.__doc__ or handler.__name__).strip().splitlines()[0], auth,
                         permission, body, query, response, status, audit_entity, tag, list_response, raw_body,
                         tuple((headers or {}).items()), audit_action)
        ROUTES.append(spec)

        @bp.route(path, methods=[method], name=handler.__name__, content_types=[JSON],
                  authorizer=None if auth is Auth.NONE else api_key_authorizer)
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            return _dispatch(bp, spec, handler, params)

        return handler

    return decorate


def given_version(call: Call) -> int | None:
    """The version a change is based on, if the caller sent one: `If-Match` (an ETag or a bare number) or the
    body's `version`. A create-or-replace (PUT) needs none the first time."""
    header = call.headers.get("if-match", "").strip().removeprefix("W/").strip('"')
    if header.isascii() and header.isdigit() and len(header) <= 12:
        return int(header)
    if call.body is not None and getattr(call.body, "version", None):
        return int(call.body.version)
    return None


def expected_version(call: Call) -> int:
    """The version an update is based on; 428 when the caller sent none."""
    version = given_version(call)
    if version is None:
        raise PreconditionRequired("Send the version you read, in If-Match or the body's `version`.")
    return version


def _request_id(bp: Blueprint) -> str:
    """API Gateway's request id when there is one (chalice local has none), else the Lambda invocation's."""
    from_gateway = bp.current_request.context.get("requestId")
    return from_gateway or getattr(bp.lambda_context, "aws_request_id", "") or ""


def _principal(context: dict[str, Any], spec: RouteSpec) -> Principal | None:
    if spec.auth is Auth.NONE:
        return None
    return Principal.from_context(context["authorizer"])


def _practice_scope(principal: Principal, practice_id: str) -> PracticeScope:
    # A key of one practice, or of another firm, learns nothing: every refusal here is the same 404.
    if not is_id(practice_id) or not principal.firm_id or not principal.sees_practice(practice_id) \
            or practice_id not in membership.firm_practices(principal.firm_id, [practice_id]):
        raise NotFound("No such practice.")
    return PracticeScope(practice_id, principal)


def _build_call(bp: Blueprint, spec: RouteSpec, params: dict[str, str]) -> Call:
    request = bp.current_request
    if any(name.endswith("_id") and not is_id(value) for name, value in params.items()):
        raise NotFound("No such resource.")  # a malformed id cannot name anything we store
    principal = _principal(request.context, spec)
    if principal and (spec.auth is Auth.KEY) != bool(principal.firm_id):
        raise Forbidden("This route takes a firm's API key." if spec.auth is Auth.KEY else "Platform operators only.")
    scope = _practice_scope(principal, params["practice_id"]) if principal and "practice_id" in params else None
    if principal and spec.permission and not principal.can(spec.permission):
        raise Forbidden("This key's role may not do this.")
    call = Call(principal, scope, params, headers={k.lower(): v for k, v in request.headers.items()},
                request_id=_request_id(bp), source_ip=_source_ip(request.context))
    event = _audit_event(spec, call)
    call.audit = audit.Audit(event) if event is not None and not _reads(spec) else None
    if spec.query is not None:
        call.query = http.parse_query(resolve(spec.query), request.query_params)
    elif request.query_params:
        raise ValidationFailed("This route takes no query parameters.",
                               [field_error("query", "unexpected parameters")])
    if spec.body is not None:
        call.body = http.parse_body(resolve(spec.body), request.raw_body or b"", request.headers.get("content-type"),
                                    settings.get_settings().max_body_bytes)
    if spec.raw_body:
        call.raw_body = http.within_limit(request.raw_body or b"", settings.get_settings().max_body_bytes)
    return call


def _respond(spec: RouteSpec, result: Any) -> tuple[int, str | None]:
    if result is None:
        return 204, None
    if spec.list_response:
        items, cursor = result
        return spec.status, json.dumps({"data": http.dump(items), "next_cursor": cursor})
    return spec.status, json.dumps(http.dump(result))


def _reads(spec: RouteSpec) -> bool:
    return (spec.audit_action or ACTIONS[spec.method]) == "read"


def _audit_event(spec: RouteSpec, call: Call) -> audit.AuditEvent | None:
    """What the route's audit record says, as far as it is known before the handler runs: a create names what
    it made (and POST /practices the practice it made) only once it has made it."""
    if spec.audit is None or call.principal is None or (call.scope is None and spec.audit != "practice"):
        return None
    entity_id = None if spec.status == 201 else next(
        (v for k, v in reversed(call.path.items()) if k != "practice_id"), None)
    return audit.AuditEvent(call.scope.practice_id if call.scope else None, call.principal.key_id, spec.audit,
                            entity_id, spec.audit_action or ACTIONS[spec.method], call.request_id, call.source_ip)


def _read(spec: RouteSpec, call: Call, handler: Callable) -> tuple[int, str | None]:
    """A read, its audit record written at the same time (withdrawn when the read is refused)."""
    event = _audit_event(spec, call)
    events = [event] if event is not None else []
    return _respond(spec, audit.while_reading(events, lambda: handler(call)))


def _change(spec: RouteSpec, call: Call, handler: Callable) -> tuple[int, str | None]:
    """A change; its audit record is written after it only when its service did not take it (Call.audit)."""
    status, body = _respond(spec, handler(call))
    if call.audit is not None and call.audit.taken is None:
        made = json.loads(body).get("id") if spec.status == 201 and body else None
        record = call.audit.take(made)
        if record is not None:
            record.save()
    return status, body


def _source_ip(context: dict[str, Any]) -> str | None:
    # X-Forwarded-For is whatever the client wrote (API Gateway appends to it, never replaces it); the
    # request context's sourceIp is the address API Gateway itself took the connection from.
    return (context.get("identity") or {}).get("sourceIp") or None


def _idempotent_request(spec: RouteSpec, params: dict[str, str], request: Any) -> idempotency.Request:
    """The request as sent: the route template with its ids filled in, the query in one canonical order."""
    path = re.sub(r"\{(\w+)\}", lambda name: params[name.group(1)], spec.path)
    query = request.query_params or {}
    pairs = sorted((name, value) for name in query for value in query.getlist(name))
    return idempotency.Request(spec.method, path, urlencode(pairs), request.raw_body or b"")


def _run(bp: Blueprint, spec: RouteSpec, handler: Callable, params: dict[str, str]) -> tuple[int, str | None, str]:
    call = _build_call(bp, spec, params)
    key = call.headers.get("idempotency-key") if spec.method == "POST" else None
    claim = None
    if key is not None and call.principal is not None:
        pk = keys.firm_pk(call.principal.firm_id) if call.principal.firm_id else keys.PLATFORM_PK
        claim = idempotency.claim(pk, call.principal.key_id, key,
                                  _idempotent_request(spec, params, bp.current_request))
        if isinstance(claim, idempotency.StoredAnswer):
            return claim.status, claim.body, "replayed"
    try:
        status, body = (_read if _reads(spec) else _change)(spec, call, handler)
    except BaseException:
        if claim is not None:
            idempotency.release(claim)
        raise
    if claim is not None:
        idempotency.complete(claim, status, body)
    return status, body, "ok"


def _dispatch(bp: Blueprint, spec: RouteSpec, handler: Callable, params: dict[str, str]) -> Response:
    started = time.perf_counter()
    log = get_logger()
    log.append_keys(request_id=_request_id(bp))
    try:
        status, body, outcome = _run(bp, spec, handler, params)
        response = Response(body=body or "", status_code=status,
                            headers={"Content-Type": JSON} if body is not None else {})
    except DomainError as error:
        outcome, status = "refused", error.status
        response = Response(body=http.problem_body(error), status_code=status,
                            headers={"Content-Type": http.PROBLEM})
    log.info("request", extra={"route": f"{spec.method} {spec.path}", "status": status, "outcome": outcome,
                               "practice_id": params.get("practice_id"),
                               "ms": round((time.perf_counter() - started) * 1000, 1)})
    return response
