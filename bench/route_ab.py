"""Requests of the routes issue 11 names, before and after this change, side by side in one run.

    .venv/bin/python bench/route_ab.py [--before 234f86e] [--rounds 5] [--requests 8] [--latency-ms 20]

Each side is a bench/ab.py worker with its own version of the project (this checkout, and the commit `--before`),
each with its own moto account in its own process, the app behind Chalice's test client with the authorizer in
front (the API tests' world). A round asks each side, in turn (the order turned around every other round), for
`--requests` requests of one route; what a request needs (a visit to check in, a coded visit for its claim) is
made before it, through the API, and not timed; every route is asked twice on each side before the rounds. Each AWS call is held `--latency-ms` before it reaches moto, as
the network would hold it, so the wall time follows the round trips a request waits for, and the CPU time
(time.process_time, the whole process: every thread) is the app's own work. Figures are medians over the rounds
with their spread (lowest to highest round); the run fails if a side answers a request with another status
than it expects, or makes no DynamoDB call (the work was not done).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
ROUTES = ("GET patient", "GET payer", "POST payer", "check-in", "PUT coding", "build claim")
_held: dict[str, Any] = {}


# --- what a side runs, inside its worker (its own `chalicelib`, `tests`, `infra`) ------------------------------

def setup(latency: float) -> str:
    """The side's moto account, app and practice; every AWS call counted and held `latency` seconds."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "REVCYCLE_STAGE": "test",
                       "POWERTOOLS_LOG_LEVEL": "ERROR", "REVCYCLE_LOG_LEVEL": "ERROR"})
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    from botocore.client import BaseClient
    from chalice.test import Client
    from moto import mock_aws

    import chalicelib
    from chalicelib.core.settings import get_settings
    from infra.provision import provision
    from tests import moto_rollback
    from tests.api import conftest
    from tests.api.test_claims import Practice

    moto_rollback.item_level_rollback()
    getattr(moto_rollback, "one_request_at_a_time", lambda: None)()  # moto is not thread-safe
    mock = mock_aws()
    mock.start()
    provision(get_settings(), {"root_key": conftest.ROOT_KEY, "signing_key": "test-signing-key",
                               "stripe_secret_key": conftest.STRIPE_SECRET_KEY,
                               "stripe_webhook_secret": conftest.STRIPE_WEBHOOK_SECRET})
    from app import app

    client = Client(app).__enter__()
    api = conftest.Api(client)
    practice = Practice(conftest.World(api), api)
    original, counted = BaseClient._make_api_call, {"dynamodb": 0, "timing": False}

    def held(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if counted["timing"]:
            time.sleep(latency)
            if self.meta.service_model.service_name == "dynamodb":
                counted["dynamodb"] += 1
        return original(self, operation, params)

    BaseClient._make_api_call = held  # type: ignore[method-assign]
    _held.update(mock=mock, api=api, practice=practice, counted=counted, serial=0)
    return str(Path(chalicelib.__file__).parent.parent)


def _prepared(route: str) -> tuple[str, str, Any, int]:
    """(method, path, body, expected status) of one request of `route`, its objects made first."""
    from tests.dates import at_desk, days_ago

    practice, api = _held["practice"], _held["api"]
    _held["serial"] += 1
    n = _held["serial"]
    base = practice.base
    if route == "GET patient":
        return "GET", f"{base}/patients/{practice.patient}", None, 200
    if route == "GET payer":
        return "GET", f"{base}/payers/{practice.payer}", None, 200
    if route == "POST payer":
        return "POST", f"{base}/payers", {"name": "Cigna", "payer_id": f"6{n:04d}"}, 201
    day = at_desk(days_ago(5 + n % 900))  # each visit its own day: no claim is another's duplicate
    if route == "build claim":
        return "POST", f"{base}/visits/{practice.coded_visit(at=day)}/claim", {}, 201
    status, visit, _ = api.post(f"{base}/visits", {"patient_id": practice.patient, "provider_id": practice.provider,
                                                   "scheduled_at": day}, key=practice.admin)
    assert status == 201, visit
    if route == "check-in":
        return "POST", f"{base}/visits/{visit['id']}/check-in", {"version": 1}, 200
    from tests.api.test_claims import CODING

    for move, version in (("check-in", 1), ("check-out", 2)):
        assert api.post(f"{base}/visits/{visit['id']}/{move}", {"version": version}, key=practice.admin)[0] == 200
    return "PUT", f"{base}/visits/{visit['id']}/coding", CODING, 200


def requests(route: str, count: int) -> dict[str, float]:
    """`count` requests of `route`, each made ready first (untimed): CPU and wall ms per request, DynamoDB calls."""
    api, counted, key = _held["api"], _held["counted"], _held["practice"].admin
    cpu = wall = 0.0
    calls = 0
    for _ in range(count):
        method, path, body, expected = _prepared(route)
        counted["dynamodb"], counted["timing"] = 0, True
        started_cpu, started = time.process_time(), time.perf_counter()
        status, answer, _ = api.call(method, path, body, key=key)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        counted["timing"] = False
        assert status == expected, (route, status, answer)
        assert counted["dynamodb"] > 0, f"{route}: no DynamoDB call, the work was not done"
        calls += counted["dynamodb"]
    return {"cpu_ms": cpu / count * 1000, "wall_ms": wall / count * 1000, "calls": calls / count}


# --- the run ---------------------------------------------------------------------------------------------------

def main() -> None:
    sys.path.insert(0, str(HERE))
    from bench.ab import Sides, remove, tree

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="234f86e", help="the commit the other side runs")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=8, help="requests of a route a side makes each round")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    options = parser.parse_args()
    load = "%.2f, %.2f, %.2f" % os.getloadavg()
    old = tree(options.before)
    try:
        with Sides({"before": old, "now": HERE}, Path(__file__)) as sides:
            roots = sides.everywhere("setup", latency=options.latency_ms / 1000)
            assert roots["before"] != roots["now"], roots  # each side runs its own version
            for route in ROUTES:  # each route's code loaded and its first-time costs paid, as in a warm container
                sides.everywhere("requests", route=route, count=2)
            results: dict[str, dict[str, list[dict[str, float]]]] = {r: {"before": [], "now": []} for r in ROUTES}
            for ask in sides.rounds(options.rounds):
                for route in ROUTES:
                    for side, figures in ask("requests", route=route, count=options.requests).items():
                        results[route][side].append(figures)
    finally:
        remove(old)
    print(f"`.venv/bin/python bench/route_ab.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
          f"(load average at start {load}, at end {'%.2f, %.2f, %.2f' % os.getloadavg()})\n")
    print(f"| route | DynamoDB calls before -> now | wall ms per request, before -> now ({options.latency_ms:g} ms a "
          "call) | now/before | CPU ms per request, before -> now | now/before |")
    print("| --- | --- | --- | --- | --- | --- |")
    for route in ROUTES:
        print(f"| {route} | {_calls(results[route])} | {_span(results[route], 'wall_ms')} "
              f"| {_ratio(results[route], 'wall_ms')} | {_span(results[route], 'cpu_ms')} "
              f"| {_ratio(results[route], 'cpu_ms')} |")


def _median(rounds: list[dict[str, float]], name: str) -> float:
    return statistics.median(r[name] for r in rounds)


def _span(sides: dict[str, list[dict[str, float]]], name: str) -> str:
    def one(rounds: list[dict[str, float]]) -> str:
        values = [r[name] for r in rounds]
        return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"

    return f"{one(sides['before'])} -> {one(sides['now'])}"


def _ratio(sides: dict[str, list[dict[str, float]]], name: str) -> str:
    return f"{_median(sides['now'], name) / _median(sides['before'], name):.2f}x"


def _calls(sides: dict[str, list[dict[str, float]]]) -> str:
    return f"{_median(sides['before'], 'calls'):g} -> {_median(sides['now'], 'calls'):g}"


if __name__ == "__main__":
    main()
