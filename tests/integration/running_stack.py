"""Starting and stopping the stack `make run` starts (`python -m local.stack`) on free ports, in a temp dir.

DynamoDB Local keeps its data in memory here (`--in-memory`): each stack starts empty and leaves nothing.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


def start_stack(workdir: Path) -> RunningStack:
    require_stack_tools()
    workdir.mkdir(parents=True, exist_ok=True)
    ports = dict(zip(["PORT", "DYNAMODB_PORT", "MOTO_PORT", "STRIPE_PORT"], free_ports(4)))
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    output = workdir / "stack-output.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "local.stack", "--state-dir", str(workdir / "state"),
                                    "--in-memory"], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
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
