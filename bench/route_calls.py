"""Every route's AWS calls on a warm container: by operation, and by sequential round trip.

    .venv/bin/python bench/route_calls.py [--latency-ms 20] [--only REGEX] [--docs]

Runs in-process on moto, through Chalice's test client (the authorizer included, as API Gateway runs it), and
drives every route of the app (`chalicelib.core.api.ROUTES`) with a request it accepts (tests/route_requests.py,
which says how each call is recorded and how round trips are told apart). moto is not thread-safe, so calls
reach it one at a time, after their latency. `--docs` writes the table into docs/benchmarks.md between its
markers, with the command, the date and the load average; without it the table is printed.

The run fails, naming the route, when a route has no request or a request is answered with another status than
it expects. The budgets (a read route at most 2 sequential DynamoDB round trips, a write route one writing round
trip, its audit record in its transaction) and the exceptions each with its reason are tests/api/
test_round_trips.py's.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests` and `chalicelib` from any cwd

from tests.route_requests import IN_TRANSACTION, LATENCY_SECONDS, Row, measure  # noqa: E402 - after the path above

DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- route_calls: begin -->", "<!-- route_calls: end -->"


def markdown(rows: list[Row]) -> list[str]:
    lines = ["| route | kind | sequential DynamoDB round trips | of them reading | of them writing | audit record "
             "| DynamoDB calls | other AWS calls |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        name = f"`{row.method} {row.route}`" + (f" ({row.variant})" if row.variant else "")
        lines.append(f"| {name} | {'read' if row.reads else 'write'} | {row.round_trips} | {row.read_round_trips} "
                     f"| {row.write_round_trips} | {row.audit} | {row.by_operation(True)} "
                     f"| {row.by_operation(False)} |")
    return lines


def summary(rows: list[Row]) -> str:
    reads = [row for row in rows if row.reads]
    writes = [row for row in rows if not row.reads]
    return (f"{len(rows)} requests over {len({(r.method, r.route) for r in rows})} routes; read requests over 2 "
            f"round trips: {sum(1 for r in reads if r.round_trips > 2)} of {len(reads)}; write requests with more "
            f"than one writing round trip: {sum(1 for r in writes if r.write_round_trips > 1)} of {len(writes)}; "
            f"write requests whose audit record is not in their transaction: "
            f"{sum(1 for r in writes if r.audit not in ('none', IN_TRANSACTION))} of {len(writes)}")


def write_docs(table: list[str], command: str, load: str) -> None:
    text = DOCS.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOCS} has no {BEGIN} ... {END} block to replace")
    block = [BEGIN, "", f"`{command}` ({date.today().isoformat()}, load average {load}):", "", *table, END]
    before, rest = text.split(BEGIN, 1)
    DOCS.write_text(before + "\n".join(block) + rest.split(END, 1)[1])


@contextmanager
def standalone() -> Iterator[tuple[Any, Any, Any]]:
    """The API tests' world outside pytest: moto, the provisioned resources, the app, a test client."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1", "REVCYCLE_STAGE": "test",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", "REVCYCLE_LOG_LEVEL": "WARNING"})
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.core.settings import get_settings
    from chalicelib.payments import stripe_client
    from infra.provision import provision
    from tests.api import conftest
    from tests.moto_rollback import item_level_rollback, one_request_at_a_time
    from tests.stripe_fakes import RecordingStripe

    item_level_rollback()
    one_request_at_a_time()
    with mock_aws():
        provision(get_settings(), {"root_key": conftest.ROOT_KEY, "signing_key": "test-signing-key",
                                   "stripe_secret_key": conftest.STRIPE_SECRET_KEY,
                                   "stripe_webhook_secret": conftest.STRIPE_WEBHOOK_SECRET})
        from app import app

        stripe_client.use_http_client(RecordingStripe())
        try:
            with Client(app) as client:
                api = conftest.Api(client)
                yield api, conftest.World(api), app
        finally:
            stripe_client.use_http_client(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=LATENCY_SECONDS * 1000,
                        help="how long each call is held before it reaches moto (default 20)")
    parser.add_argument("--only", default="", help="a regular expression: only routes whose path matches")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/benchmarks.md")
    options = parser.parse_args()
    pattern = re.compile(options.only) if options.only else None
    load = "%.2f, %.2f, %.2f" % os.getloadavg()
    started = time.perf_counter()
    with standalone() as (api, world, app):
        rows = measure(api, world, app, options.latency_ms / 1000,
                       only=(lambda method, path: bool(pattern.search(path))) if pattern else None)
    table = markdown(rows) + ["", textwrap.fill(summary(rows) + f"; {time.perf_counter() - started:.1f} s.", 116)]
    print("\n".join(table))
    if options.docs:
        command = ".venv/bin/python bench/route_calls.py" + " ".join(["", *sys.argv[1:]]).replace(" --docs", "")
        write_docs(table, command, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
