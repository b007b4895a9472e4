"""`python -m local.stack` (what `make run` runs): the whole local stack, until Ctrl-C.

Order matters: the stand-ins (DynamoDB Local, moto, localstripe) start together and must answer before
`infra.provision` creates the table, buckets, queues and app secret in them; only then do `chalice local` and
the event runner start, so the app never sees a missing resource. Any child dying takes the stack down with a
message, rather than leaving a half-working API behind.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Callable

from local import apiserver, dynamodb
from local import stripe as local_stripe
from local.config import LOOPBACK, REPO, StackConfig, StackError, ensure_key
from local.procs import Child, ensure_port_free, http_answers, http_ok, spawn, stop_all, wait_ready


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", type=Path, default=REPO / ".revcycle",
                        help="keys, DynamoDB data, localstripe data and logs (default: .revcycle)")
    parser.add_argument("--in-memory", action="store_true",
                        help="keep DynamoDB's and moto's data in memory only (the integration tests use this)")
    return parser.parse_args(argv)


def stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C, `kill` and a closed terminal all end in the same orderly shutdown of every child."""
    def handler(signum: int, frame: object) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def check_prerequisites(config: StackConfig) -> tuple[str, Path]:
    java = dynamodb.require_java()
    jar = dynamodb.find_jar()
    ports = {"the API (PORT)": config.api_port, "DynamoDB Local (DYNAMODB_PORT)": config.dynamodb_port,
             "moto (MOTO_PORT)": config.moto_port, "localstripe (STRIPE_PORT)": config.stripe_port}
    for name, port in ports.items():
        ensure_port_free(name, port)
    return java, jar


def start_stand_ins(config: StackConfig, env: dict[str, str], java: str, jar: Path,
                    children: list[Child], stop: threading.Event) -> None:
    """Start all three at once (DynamoDB Local alone takes a few seconds), then wait for each to answer."""
    db_path = None if config.in_memory else config.dynamodb_dir
    if db_path is not None:
        db_path.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    aws_state = [] if config.in_memory else ["--state", str(config.aws_dir)]
    plans: list[tuple[str, list[str], Callable[[], bool]]] = [
        ("dynamodb", dynamodb.argv(java, jar, config.dynamodb_port, db_path),
         lambda: http_answers(config.url(config.dynamodb_port))),
        ("moto", [python, "-m", "local.aws", "--port", str(config.moto_port), *aws_state],
         lambda: http_answers(config.url(config.moto_port) + "/moto-api/")),
        ("stripe", [python, "-m", "local.stripe", "--port", str(config.stripe_port),
                    "--state", str(config.stripe_state_file)],
         lambda: http_ok(config.url(config.stripe_port) + "/js.stripe.com/v3/")),
    ]
    started = []
    for name, argv, ready in plans:
        child = spawn(name, argv, env, config.log_dir / f"{name}.log", cwd=REPO)
        children.append(child)
        started.append((child, ready))
    for child, ready in started:
        wait_ready(child, ready, stop)


def provision_resources(config: StackConfig) -> None:
    """Create what infra/ deploys, idempotently: after a restart the table, buckets and queues are kept."""
    from chalicelib.core.settings import Settings
    from infra.provision import provision

    secret = {"root_key": ensure_key(config.root_key_file, "rcroot-"),
              "signing_key": ensure_key(config.signing_key_file, ""),
              "stripe_secret_key": local_stripe.LOCAL_SECRET_KEY,
              "stripe_webhook_secret": ensure_key(config.stripe_webhook_secret_file, "whsec_")}
    provision(Settings.from_env(), secret)


def register_stripe_webhook(config: StackConfig) -> None:
    """localstripe sends the events the app handles to its /webhooks/stripe, signed with the app's secret,
    so a card payment confirmed in localstripe reaches the ledger as it would from Stripe."""
    from chalicelib.payments.events import HANDLED_EVENTS

    local_stripe.register_webhook(config.url(config.stripe_port), config.url(config.api_port) + "/webhooks/stripe",
                                  ensure_key(config.stripe_webhook_secret_file, "whsec_"), HANDLED_EVENTS)


def start_app(config: StackConfig, env: dict[str, str], children: list[Child], stop: threading.Event) -> None:
    # `chalice local --no-autoreload` with an access log that leaves query strings out (local/apiserver.py); no
    # reloader: it runs the server in a child process that outlives a stopped parent.
    api = spawn("api", apiserver.command(LOOPBACK, config.api_port), env, None, cwd=REPO)
    children.append(api)
    # Its output goes to the terminal with the API's: both are the app's own logs.
    delivered = [] if config.in_memory else ["--delivered", str(config.inbox_delivered_file)]
    children.append(spawn("events", [sys.executable, "-m", "local.events", *delivered], env, None, cwd=REPO))
    wait_ready(api, lambda: http_ok(config.url(config.api_port) + "/health"), stop)


def shown(path: Path) -> str:
    """Paths relative to where the developer stands, when they are under it: shorter and copy-pasteable."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def print_summary(config: StackConfig) -> None:
    data = "in memory" if config.in_memory else f"data in {shown(config.dynamodb_dir)}"
    kept = "in memory" if config.in_memory else f"kept in {shown(config.aws_dir)}"
    lines = [
        "Revcycle local stack is up. Ctrl-C stops every process it started.",
        f"  root key  {shown(config.root_key_file)}   "
        f"(Authorization: Bearer $(cat {shown(config.root_key_file)}))",
        f"  api       {config.url(config.api_port)}   chalice local (access log without query strings)",
        f"  dynamodb  {config.url(config.dynamodb_port)}   DynamoDB Local, {data} (listens on all interfaces)",
        f"  aws       {config.url(config.moto_port)}   moto: S3, SQS, SES, Secrets Manager ({kept})",
        f"  stripe    {config.url(config.stripe_port)}   localstripe, its webhooks sent to the api's /webhooks/stripe",
        "  events    local event runner: schedules, queues, EDI inbox (no port)",
        f"  logs      {shown(config.log_dir)}/   (DynamoDB Local, moto, localstripe)",
    ]
    print("\n".join(lines), flush=True)


def supervise(children: list[Child], stop: threading.Event) -> None:
    while not stop.wait(0.5):
        for child in children:
            code = child.exited()
            if code is not None:
                tail = child.log_tail()
                raise StackError(f"{child.name} stopped unexpectedly (exit code {code}); stopping the stack."
                                 + (f"\n{tail}" if tail else ""))


def run(config: StackConfig, children: list[Child], stop: threading.Event) -> None:
    java, jar = check_prerequisites(config)
    config.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # it holds the root key
    env = config.child_env()
    # provision() runs in this process: it must reach the same stand-ins as the children, never real AWS.
    os.environ.clear()
    os.environ.update(env)
    start_stand_ins(config, env, java, jar, children, stop)
    if stop.is_set():
        return
    provision_resources(config)
    start_app(config, env, children, stop)
    if stop.is_set():
        return
    register_stripe_webhook(config)
    print_summary(config)
    supervise(children, stop)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    stop = threading.Event()
    stop_on_signals(stop)
    children: list[Child] = []
    try:
        run(StackConfig.from_env(options.state_dir, options.in_memory), children, stop)
    except StackError as error:
        print(f"local stack: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        if children:
            print("local stack: stopping " + ", ".join(child.name for child in reversed(children)), flush=True)
        stop_all(children)
    return 0


if __name__ == "__main__":
    sys.exit(main())
