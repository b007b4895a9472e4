"""Request latency through the whole local stack, with the DynamoDB calls each request makes.

    .venv/bin/python bench/request_latency.py [--requests 200] [--warmup 20]

Starts `python -m local.stack --in-memory` on free loopback ports in a temp dir, and stops it on exit, error or
Ctrl-C. Latency is timed against the stack's own `chalice local` (what `make run` serves): per route, its first
request after start (the once-per-process cost, shown apart), a warm-up, then N sequential requests. DynamoDB
calls are counted on a second `chalice local` with the stack's environment but DynamoDB Local behind a counting
proxy: the stack derives its children's endpoints from its ports, so they cannot be redirected, and the proxy's
hop stays out of the latency figures.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `local` is importable from any cwd

from local import apiserver  # noqa: E402
from local.config import LOOPBACK, REPO, StackConfig  # noqa: E402
from local.procs import Child, http_ok, spawn, stop_all  # noqa: E402

START_SECONDS, STOP_SECONDS, REQUEST_SECONDS = 120.0, 30.0, 30.0
COUNT_SAMPLES = 50  # enough to show that the calls do not vary, and to average DynamoDB Local's time
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}
PRACTICE = {"name": "Bench Clinic", "npi": "1245319599", "tax_id": "12-3456789",
            "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"}}
HEALTH, GET_ROUTE, CREATE_ROUTE = "GET  /health", "GET  /practices/{id}/payers/{id}", "POST /practices/{id}/payers"
ROUTES = (HEALTH, GET_ROUTE, CREATE_ROUTE)  # /health: the server's own floor, no authorizer, no DynamoDB
# Name -> a new connection per request. chalice local writes a response's headers and body in two sends with
# Nagle's algorithm on, so on a kept-alive connection the body waits for the client's delayed ACK (about 40 ms on
# Linux); a new connection acknowledges at once. Both are shown: the keep-alive figures carry that stall.
MODES = {"new": True, "keep-alive": False}
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class BenchError(Exception):
    """Something the run cannot go on from; printed as one message after everything is stopped."""


@dataclass
class Stop:
    """Set by Ctrl-C, SIGTERM or SIGHUP, and checked before each request and while waiting. Only a flag: an
    exception raised by the handler could land in a finalizer (a closed socket's), where Python drops it."""
    requested: bool = False

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


class CountingProxy(ThreadingHTTPServer):
    """Serves at once on a free loopback port; forwards each request to one upstream, counting and timing it."""
    daemon_threads = True

    def __init__(self, upstream_port: int) -> None:
        super().__init__((LOOPBACK, 0), _Forward)
        self.upstream_port = upstream_port
        self.calls: Counter[str] = Counter()
        self.seconds = 0.0  # spent waiting for the upstream: DynamoDB Local's share of a request
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, name="counting proxy", daemon=True).start()

    def count(self, operation: str, seconds: float) -> None:
        with self.lock:
            self.calls[operation] += 1
            self.seconds += seconds

    def snapshot(self) -> tuple[Counter[str], float]:
        with self.lock:
            return Counter(self.calls), self.seconds


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # botocore keeps connections alive; so does the proxy, both ways
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: CountingProxy
    upstream: http.client.HTTPConnection | None = None  # one per connection from the app, closed with it

    def do_POST(self) -> None:  # DynamoDB's API is JSON over POST, with a Content-Length, nothing else
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        began = time.perf_counter()
        status, headers, payload = self._relay(body)
        # Counted before the app has its answer, so a request's calls are all in once its response arrives.
        target = self.headers.get("x-amz-target", "?")  # DynamoDB_20120810.GetItem
        self.server.count(target.rsplit(".", 1)[-1], time.perf_counter() - began)
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _relay(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        # Kept alive, as botocore's own connection would be, so the upstream time is what the app would wait.
        # An idle connection the upstream closed is reopened here, once: a 502 would make botocore retry, and
        # the retry would be counted as a call the app never made.
        for attempt in (1, 2):
            if self.upstream is None:
                self.upstream = http.client.HTTPConnection(LOOPBACK, self.server.upstream_port,
                                                           timeout=REQUEST_SECONDS)
            try:
                self.upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():  # Host included, unchanged: SigV4 signed it
                    self.upstream.putheader(name, value)
                self.upstream.endheaders(body)
                response = self.upstream.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.upstream.close()
                self.upstream = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per DynamoDB call would bury the results


@dataclass
class Api:
    """One `chalice local` and its client. `fresh`: a new connection per request (see MODES)."""
    base: str
    key: str
    serials: Iterator[int]  # shared by every client of a run: each created payer gets its own payer_id
    stop: Stop
    fresh: bool = True
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> dict[str, Any]:
        self.stop.check()
        headers = {"Authorization": f"Bearer {self.key}"} | ({"Connection": "close"} if self.fresh else {})
        response = self.session.request(method, self.base + path, json=body, timeout=REQUEST_SECONDS,
                                        headers=headers)
        if self.fresh:
            self.session.close()
        if response.status_code != expect:
            raise BenchError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        return dict(response.json())

    def route(self, name: str, practice_id: str, payer_id: str) -> dict[str, Any]:
        if name == HEALTH:
            return self.call("GET", "/health")
        if name == GET_ROUTE:
            return self.call("GET", f"/practices/{practice_id}/payers/{payer_id}")
        body = {"name": "Bench Payer", "payer_id": f"BENCH{next(self.serials)}"}
        return self.call("POST", f"/practices/{practice_id}/payers", body, expect=201)


@dataclass
class Started:
    """What a run started; `stop` ends all of it, whatever happened (spawned children also die with us)."""
    stack: Child | None = None
    api: Child | None = None
    proxy: CountingProxy | None = None

    def stop(self) -> None:
        if self.api is not None:
            stop_all([self.api])
        if self.proxy is not None:
            self.proxy.shutdown()
            self.proxy.server_close()
        if self.stack is not None:
            # SIGINT, as a developer stops `make run`: the stack stops DynamoDB Local, moto and the rest.
            if self.stack.exited() is None:
                self.stack.process.send_signal(signal.SIGINT)
            try:
                self.stack.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                stop_all([self.stack])  # its children get SIGTERM when it dies (local/procs.py)


def free_ports(count: int) -> list[int]:
    """Loopback ports the kernel hands out as free, held together so that they differ."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind((LOOPBACK, 0))
        return [sock.getsockname()[1] for sock in sockets]


def wait_until(child: Child, ready: Callable[[], bool], stop: Stop) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        stop.check()
        if child.exited() is not None or time.monotonic() > deadline:
            raise BenchError(f"{child.name} did not start:\n{child.log_tail(40)}")
        time.sleep(0.2)


def start_stack(state_dir: Path, env: dict[str, str], stop: Stop) -> Child:
    log = state_dir.parent / "stack-output.txt"
    stack = spawn("stack", [sys.executable, "-m", "local.stack", "--state-dir", str(state_dir), "--in-memory"],
                  env, log, cwd=REPO)
    wait_until(stack, lambda: log.exists() and "stack is up" in log.read_text(errors="replace"), stop)
    return stack


def start_counted_api(config: StackConfig, port: int, proxy: CountingProxy, log: Path, stop: Stop) -> Child:
    """`chalice local` as the stack starts it, but reaching DynamoDB Local through the counting proxy."""
    env = config.child_env() | {"AWS_ENDPOINT_URL_DYNAMODB": f"http://{LOOPBACK}:{proxy.server_port}"}
    api = spawn("counted api", apiserver.command(LOOPBACK, port), env, log, cwd=REPO)
    wait_until(api, lambda: http_ok(f"http://{LOOPBACK}:{port}/health"), stop)
    return api


def route_calls(api: Api, proxy: CountingProxy, name: str, pid: str, payer: str) -> str:
    """The calls per request (the same in every sample, or shown as varying), and DynamoDB Local's mean time.
    Exact: the counting instance serves nothing else, one request at a time."""
    seen, seconds = set(), 0.0
    for _ in range(COUNT_SAMPLES):
        calls_before, seconds_before = proxy.snapshot()
        api.route(name, pid, payer)
        calls, seconds_after = proxy.snapshot()
        seen.add(", ".join(f"{op} x{n}" for op, n in sorted((calls - calls_before).items())) or "none")
        seconds += seconds_after - seconds_before
    text = seen.pop() if len(seen) == 1 else "varies: " + " | ".join(sorted(seen))
    return f"{text} ({seconds / COUNT_SAMPLES * 1000:.1f} ms)"


def set_up(api: Api) -> tuple[str, str, str]:
    """A firm (root key), its practice and a payer, through the counting instance: firm key, practice, payer."""
    api.key = api.call("POST", "/admin/firms", {"name": "Bench"}, 201)["api_key"]
    pid = api.call("POST", "/practices", PRACTICE, 201)["id"]
    payer = api.call("POST", f"/practices/{pid}/payers", {"name": "Aetna", "payer_id": "60054"}, 201)
    return api.key, pid, payer["id"]


def timed(api: Api, name: str, pid: str, payer: str, count: int) -> tuple[list[float], float]:
    durations = []
    started = time.perf_counter()
    for _ in range(count):
        begin = time.perf_counter()
        api.route(name, pid, payer)
        durations.append(time.perf_counter() - begin)
    return durations, time.perf_counter() - started


def stats(durations: list[float], wall: float) -> str:
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    ms = [cuts[49] * 1000, cuts[89] * 1000, cuts[98] * 1000, statistics.fmean(durations) * 1000]
    return "".join(f"{value:8.1f}" for value in ms) + f"{len(durations) / wall:8.1f}"


def measure(apis: dict[str, Api], pid: str, payer: str, options: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Per connection mode and route: one first request, a warm-up, then N timed. Rows of (route, mode, figures).
    The stack's chalice local has answered only /health before: on the first pass, the GET is its first app
    request and the POST its first create, which load pydantic, the schemas, the services and boto3 clients."""
    rows: list[tuple[str, str, str]] = []
    for first_pass, (mode, api) in zip((True, False), apis.items(), strict=True):
        for name in ROUTES:
            first, _ = timed(api, name, pid, payer, 1)
            timed(api, name, pid, payer, options.warmup)
            durations, wall = timed(api, name, pid, payer, options.requests)
            first_ms = f"{first[0] * 1000:8.1f}" if first_pass else f"{'-':>8}"
            rows.append((name, mode, first_ms + stats(durations, wall)))
    return rows


def table(rows: list[tuple[str, str, str]], calls: dict[str, str], options: argparse.Namespace) -> list[str]:
    header = "".join(f"{column:>8}" for column in ("first", "p50", "p90", "p99", "mean", "req/s"))
    title = (f"ms; first: the route's first request after start; then {options.warmup} warm-up and "
             f"{options.requests} sequential requests per row")
    return [title, f"  {'route':<34}{'connection':<12}{header}   DynamoDB calls per request (ms in DynamoDB Local)"] + [
        f"  {name:<34}{mode:<12}{figures}   {calls[name]}" for name, mode, figures in rows]


def run(options: argparse.Namespace, workdir: Path, started: Started, stop: Stop) -> None:
    ports = dict(zip(["PORT", "DYNAMODB_PORT", "MOTO_PORT", "STRIPE_PORT", "COUNTED"], free_ports(5), strict=True))
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    started.stack = start_stack(workdir / "state", env, stop)
    config = StackConfig.from_env(workdir / "state", True, env)
    started.proxy = proxy = CountingProxy(config.dynamodb_port)
    started.api = start_counted_api(config, ports["COUNTED"], proxy, workdir / "counted.log", stop)
    root_key = config.root_key_file.read_text().strip()
    counted = Api(f"http://{LOOPBACK}:{ports['COUNTED']}", root_key, itertools.count(), stop)
    key, pid, payer = set_up(counted)
    apis = {mode: Api(config.url(config.api_port), key, counted.serials, stop, fresh) for mode, fresh in MODES.items()}
    rows = measure(apis, pid, payer, options)
    # Counted after the timed requests, so DynamoDB Local's JIT is as warm as it was for them.
    calls = {name: route_calls(counted, proxy, name, pid, payer) for name in ROUTES}
    print(f"request latency through the local stack (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print("\n".join(table(rows, calls, options)))
    # From the code, not counted: chalicelib/core/secrets.py caches it, and only root keys and cursors need it.
    print("Secrets Manager: the app secret is read once per process (cached); none of these requests reads it.")


def on_signals(stop: Stop) -> None:
    """Ctrl-C, SIGTERM and a closed terminal stop the run at the next request; a second one stops it at once.
    SIGINT is set even when inherited as ignored (a background job of a non-interactive shell)."""
    def handler(signum: int, frame: object) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    for sig in SIGNALS:
        signal.signal(sig, handler)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per route (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per route first (default 20)")
    options = parser.parse_args()
    if options.requests < 2 or options.warmup < 0:
        parser.error("--requests must be at least 2 and --warmup at least 0")
    stop = Stop()
    on_signals(stop)
    workdir = Path(tempfile.mkdtemp(prefix="revcycle-bench-"))
    started = Started()
    try:
        run(options, workdir, started, stop)
    except (BenchError, requests.RequestException) as error:
        print(f"request latency: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("request latency: interrupted; stopping the stack", file=sys.stderr)
        return 130
    finally:
        for sig in SIGNALS:  # stopping is bounded (STOP_SECONDS): another Ctrl-C must not cut it half done
            signal.signal(sig, signal.SIG_IGN)
        started.stop()
        shutil.rmtree(workdir, ignore_errors=True)  # it holds the run's root key; the data was in memory
    return 0


if __name__ == "__main__":
    sys.exit(main())
