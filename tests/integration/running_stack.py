"""Starting and stopping the stack `make run` starts (`python -m local.stack`) on free ports, in a temp dir.

By default the stand-ins keep their data in memory here (`--in-memory`): each stack starts empty and leaves
nothing. A stack started with in_memory=False keeps it in its state dir, as `make run` does in `.revcycle/`.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local import dynamodb
from local.config import REPO, StackError
from local.procs import http_ok

START_SECONDS = 90.0
STOP_SECONDS = 30.0


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    state_dir: Path
    output: Path
    ports: dict[str, int]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['PORT']}"

    @property
    def root_key(self) -> str:
        return (self.state_dir / "root-key").read_text().strip()

    def printed(self) -> str:
        return self.output.read_text(errors="replace")


def require_stack_tools() -> None:
    """A plain failure, not a traceback from deep inside the stack, when Java or `npm ci` is missing."""
    try:
        dynamodb.require_java()
        dynamodb.find_jar()
    except StackError as error:
        pytest.fail(f"the integration tests need the local stack's tools (`make test` installs them): {error}",
                    pytrace=False)


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out as free; held together so the four differ."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def start_stack(workdir: Path, *, in_memory: bool = True, ports: dict[str, int] | None = None) -> RunningStack:
    """The stack on `ports` (default: free ones), its state in workdir/state, which a second start reuses."""
    require_stack_tools()
    workdir.mkdir(parents=True, exist_ok=True)
    ports = ports or dict(zip(["PORT", "DYNAMODB_PORT", "MOTO_PORT", "STRIPE_PORT"], free_ports(4)))
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    # The sandbox payer pays two seconds after its 277CA (`make run`: 30), so a test sees a claim accepted, then
    # paid, without sitting out a payer's delay.
    env.setdefault("REVCYCLE_SANDBOX_PAYMENT_DELAY_SECONDS", "2")
    output = workdir / "stack-output.txt"
    memory = ["--in-memory"] if in_memory else []
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "local.stack", "--state-dir", str(workdir / "state"),
                                    *memory], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=subprocess.STDOUT)
    stack = RunningStack(process, workdir / "state", output, ports)
    deadline = time.monotonic() + START_SECONDS
    while "stack is up" not in stack.printed():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(stack)
            pytest.fail(f"the local stack did not start:\n{stack.printed()}", pytrace=False)
        time.sleep(0.2)
    assert http_ok(stack.api + "/health")
    return stack


def stop_stack(stack: RunningStack) -> int:
    """Ctrl-C, as a developer stops `make run`; a stack that ignores it is killed (and the test says so)."""
    if stack.process.poll() is None:
        stack.process.send_signal(signal.SIGINT)
    try:
        return stack.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        stack.process.wait()
        raise AssertionError(f"the local stack ignored SIGINT for {STOP_SECONDS:.0f} s:\n{stack.printed()}")


def waited(what: str, probe: Any, seconds: float = 60) -> Any:
    """What `probe` returns once it returns something, asked every half second; fails naming `what`."""
    deadline = time.monotonic() + seconds
    while not (found := probe()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert found, f"{what} did not happen within {seconds:.0f} s"
    return found


def descendants(pid: int) -> set[int]:
    """Every live process below pid, read from /proc (field 4 of /proc/<pid>/stat is the parent)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_gone(pids: set[int], seconds: float = 10.0) -> list[int]:
    """The pids still alive after waiting up to `seconds` for them to end."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


def kill_stack(stack: RunningStack) -> None:
    """`kill -9` of every process of the stack at once: no child stops in order, nothing saves on its way out.

    Each child leads its own process group (local/procs.py), so each group gets SIGKILL, then the stack."""
    started = descendants(stack.process.pid)
    for group in {os.getpgid(pid) for pid in started if alive(pid)}:
        os.killpg(group, signal.SIGKILL)
    stack.process.kill()
    stack.process.wait()
    assert wait_gone(started) == [], "processes of the stack outlived SIGKILL"


def boto3_in_child(endpoint: str, code: str, **values: Any) -> Any:
    """Run `code` in a new Python with boto3 pointed at endpoint, `values` in scope; returns what it prints (JSON).

    A child process, because moto's in-process mock may be active in this one (tests/api start it for the
    session), and it would take these calls rather than the stack."""
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "local",
           "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("AWS_SESSION_TOKEN", None)
    prelude = "import json, sys, boto3\nvalues = json.loads(sys.argv[1])\n"
    done = subprocess.run([sys.executable, "-c", prelude + code, json.dumps(values)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None
