"""Every 422 the API can give about a field says what is wrong and what is expected, in a biller's words.

The routes are read from the app itself (the same RouteSpecs the OpenAPI document is made from), and each body
and query model is fed values that break each of its fields in every way a JSON schema can say: missing, null,
wrong type, empty, too long or too large, the wrong form, an unknown field. A message fails the test if it
carries pydantic's own wording ("Input should be", "String should have at least 5 characters", "Value error,"),
a regular expression, or the catch-all for refusals nobody worded.
"""
from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest

from chalicelib.core.api import ROUTES, RouteSpec
from chalicelib.core.auth import Auth
from chalicelib.core.ids import new_id
from chalicelib.core.lazy import resolve
from chalicelib.core.messages import UNWORDED
from tests.api.conftest import ROOT_KEY

# The openings of pydantic's (and email-validator's) own messages.
PYDANTIC_WORDING = re.compile(
    r"^(Input should|String should|List should|Dictionary should|Tuple should|Set should|Value should|Date should"
    r"|Datetime should|Datetimes provided|Decimal input|Field required|Extra inputs|Value error|Assertion failed"
    r"|Invalid JSON|Object has|Unable to|Timezone|Data should|Missing required|Unexpected)|value is not a valid"
    r"|should match pattern|should have at (least|most)")
# What regular expressions look like: escapes (\d), anchors against a class or group, classes with ranges,
# counted repeats.
REGEX_SYNTAX = re.compile(r"\\[dDwWsS]|\^\[|\^\(|\]\$|\)\$|\[[^\]\s]*-[^\]\s]*\]|\]\{\d|\]\+|\{\d+,\d*\}|\(\?")
FIELD_PATH = re.compile(r"^(body|query|[a-z][a-z0-9_]*)(\.([a-z][a-z0-9_]*|\d+))*$")
VARIANTS = ("null", "wrong_type", "empty", "too_long", "bad_form")


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:  # `X | None`: the X; a real union (a list or "all") takes its first form
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        return _resolve(schema, defs)
    return schema


def _bad_text(schema: dict[str, Any], variant: str) -> Any:
    if variant == "wrong_type":
        return 12345
    if variant == "empty":
        return ""
    if variant == "too_long":
        return "A" * (schema.get("maxLength", 4096) + 1)
    if schema.get("format") == "date":
        return "2027-02-30"
    if schema.get("format") == "date-time":
        return "next tuesday"
    return "~*:^> \u5c71\u7530\t"  # X12 delimiters, another script, a control character


def _bad_number(schema: dict[str, Any], variant: str) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    return {"wrong_type": "12", "empty": -10 ** 12 if low is None else low - 1,
            "too_long": 10 ** 20 if high is None else high + 1}.get(variant, 1.5)


def bad(schema: dict[str, Any], variant: str, defs: dict[str, Any]) -> Any:
    """A value that breaks `schema` in the way `variant` names (or as close as its type allows)."""
    schema = _resolve(schema, defs)
    if variant == "null":
        return None
    if "enum" in schema or "const" in schema:
        return 12345 if variant == "wrong_type" else "no-such-value"
    kind = schema.get("type")
    if kind == "string":
        return _bad_text(schema, variant)
    if kind in ("integer", "number"):
        return _bad_number(schema, variant)
    if kind == "boolean":
        return "yes"
    if kind == "array":
        item = bad(schema.get("items", {}), "bad_form", defs)
        return {"wrong_type": {}, "empty": [],
                "too_long": [item] * (schema.get("maxItems", 60) + 1)}.get(variant, [item, 12345])
    if kind == "object" and "properties" in schema:
        if variant == "wrong_type":
            return 5
        return {name: bad(prop, variant, defs) for name, prop in schema["properties"].items()} | {"surprise": 1}
    return 5


def bodies(model: Any) -> Iterator[Any]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    yield {"surprise": 1}
    if not schema.get("properties"):
        return  # an empty body is the right one (it runs a job): only the unknown field is wrong
    yield {}
    for variant in VARIANTS:
        yield {name: bad(prop, variant, defs) for name, prop in schema.get("properties", {}).items()}


def queries(model: Any) -> Iterator[dict[str, str]]:
    """Query strings are text: each variant's value as the text a browser would send."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    yield {"surprise": "1"}
    for variant in VARIANTS[1:]:
        params = {}
        for name, prop in schema.get("properties", {}).items():
            value = bad(prop, variant, defs)
            if not isinstance(value, (list, dict)):
                params[name] = str(value).lower() if isinstance(value, bool) else str(value)
        yield params


@pytest.fixture(scope="module")
def tenant(world_module):
    _, admin = world_module.firm("Messages Billing")
    return {"key": admin, "practice_id": world_module.practice(admin)}


@pytest.fixture(scope="module")
def world_module(api):
    from tests.api.conftest import World

    return World(api)


def _path(spec: RouteSpec, practice_id: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return practice_id if name == "practice_id" else new_id() if name.endswith("_id") else "E119"

    return re.sub(r"{(\w+)}", fill, spec.path)


def _key(spec: RouteSpec, tenant: dict[str, str]) -> str | None:
    return {Auth.ROOT: ROOT_KEY, Auth.KEY: tenant["key"], Auth.NONE: None}[spec.auth]


def _patterns() -> set[str]:
    """Every pattern a request schema declares: none may show in a message."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for spec in ROUTES:
        for model in (spec.body, spec.query):
            if model is not None:
                walk(resolve(model).model_json_schema())
    return found


def _requests(spec: RouteSpec, tenant: dict[str, str]) -> Iterator[tuple[str, Any]]:
    path = _path(spec, tenant["practice_id"])
    if spec.query is not None:
        for params in queries(resolve(spec.query)):
            yield f"{path}?{urlencode(params)}", None
    if spec.body is not None:
        for body in bodies(resolve(spec.body)):
            yield path, body


def test_every_422_message_of_every_route_says_what_is_expected_in_plain_words(api, tenant):
    patterns = _patterns()
    checked, refused_routes, faults = 0, set(), []
    for spec in ROUTES:
        if spec.body is None and spec.query is None:
            continue
        for path, body in _requests(spec, tenant):
            status, answer, _ = api.call(spec.method, path, body, key=_key(spec, tenant))
            assert status < 500, (spec.method, spec.path, body, answer)
            if status != 422:
                continue
            refused_routes.add((spec.method, spec.path))
            for error in answer.get("errors", []):
                checked += 1
                text = error["message"]
                if (PYDANTIC_WORDING.search(text) or REGEX_SYNTAX.search(text) or text == UNWORDED
                        or any(p in text for p in patterns) or not FIELD_PATH.match(error["field"])):
                    faults.append((spec.method, spec.path, error["field"], text))
    assert not faults, "\n".join(map(str, sorted(set(faults))))
    routes_with_input = {(s.method, s.path) for s in ROUTES if s.body is not None or s.query is not None}
    assert refused_routes == routes_with_input, routes_with_input - refused_routes  # every route was made to refuse
    assert checked > 1000


@pytest.mark.parametrize("text", [
    "String should have at least 5 characters",
    "Value error, not a US state",
    "String should match pattern '^\\d{5}(\\d{4})?$'",
    "not a member id: ^[A-Za-z0-9\\-]+$",
    "Input should be 'F', 'M' or 'U'",
    "Field required",
])
def test_the_checks_catch_pydantic_wording_and_patterns(text):
    assert PYDANTIC_WORDING.search(text) or REGEX_SYNTAX.search(text)


ADDRESS = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}


@pytest.mark.parametrize("path, body, field, words", [
    ("/fee-schedule", {"code": "9921", "charge_cents": 100, "effective_from": "2026-01-01"}, "code",
     "not a CPT or HCPCS code: a CPT code is 5 characters: 4 digits then a digit, F or T"),
    ("/patients/{id}/coverages", {"payer_id": "{id}", "member_id": "AB#12", "effective_from": "2026-01-01"},
     "member_id", "not a member id: a member id is 2 to 80 letters, digits or hyphens"),
    ("/visits/{id}/claim", {"institutional": {"type_of_bill": "11X", "attending_provider_id": "{id}"}},
     "institutional.type_of_bill", "not a type of bill: a type of bill is 3 digits"),
    ("/payers", {"name": "Aetna", "payer_id": "60-054"}, "payer_id",
     "not a payer id: the clearinghouse's payer id: 2 to 80 letters or digits"),
    ("/visits", {"patient_id": "{id}", "provider_id": "{id}", "scheduled_at": "2026-12-01T09:00:00-06:00",
                 "place_of_service": "1"}, "place_of_service",
     "not a place of service: a place of service is a 2-digit CMS code"),
    ("/providers", {"entity_type": "organization", "npi": "1679576723", "organization_name": "Group",
                    "taxonomy_code": "261QP2300X", "roles": ["billing"]}, "npi",
     "the NPI's check digit does not match (a digit mistyped?): an NPI is 10 digits"),
])
def test_a_refused_field_tells_the_biller_what_it_takes(api, tenant, path, body, field, words):
    url = f"/practices/{tenant['practice_id']}" + path.replace("{id}", new_id())
    sent = {k: (v.replace("{id}", new_id()) if isinstance(v, str) else v) for k, v in body.items()}
    if "institutional" in sent:
        sent["institutional"]["attending_provider_id"] = new_id()
    status, answer, _ = api.post(url, sent, key=tenant["key"])
    assert status == 422, answer
    assert [e["message"] for e in answer["errors"] if e["field"] == field][0].startswith(words)


def test_a_us_state_is_refused_in_words_without_pydantics_prefix(api, tenant):
    status, answer, _ = api.post(f"/practices/{tenant['practice_id']}/payers",
                                 {"name": "Aetna", "payer_id": "60054", "address": {**ADDRESS, "state": "ZZ"}},
                                 key=tenant["key"])
    assert status == 422 and answer["errors"] == [{"field": "address.state", "message": (
        "not a US state or territory: the two-letter postal code of a US state or territory, e.g. IL")}]
