"""Child processes of the local stack: started in their own process groups, waited for, and stopped together.

Each child leads a new process group, so stopping it signals everything it started too, and a Ctrl-C in the
terminal reaches only the stack, which then stops the children in order. On Linux each child also asks the
kernel for SIGTERM when the stack dies, so even a `kill -9` of the stack leaves no DynamoDB Local behind.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Sequence

from local.config import StackError

STOP_GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path | None

    def exited(self) -> int | None:
        return self.process.poll()

    def log_tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def ensure_port_free(name: str, port: int) -> None:
    """Fail before starting anything: a child that cannot bind dies with a message lost in its log."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR ignores sockets in TIME_WAIT from a previous run; a live listener still fails the bind.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            raise StackError(f"port {port} for {name} is busy: stop what uses it (`ss -ltnp 'sport = :{port}'`) "
                             f"or choose another port (see docs/local.md)") from None


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the stack died between fork and prctl: nobody would stop us
            os._exit(1)
    return preexec


def spawn(name: str, argv: Sequence[str], env: dict[str, str], log: Path | None, cwd: Path | None = None) -> Child:
    """Start argv in its own process group; output goes to `log` (one run's worth), or to the terminal if None."""
    out: IO[bytes] | None = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = open(log, "wb")
    preexec = _die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None
    try:
        process = subprocess.Popen(list(argv), env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=preexec)
    finally:
        if out is not None:
            out.close()  # the child holds its own copy of the descriptor
    return Child(name=name, process=process, log=log)


def http_answers(url: str, timeout: float = 1.0) -> bool:
    """True once anything answers HTTP at url, even with an error status: the server is listening."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(child: Child, ready: Callable[[], bool], stop: threading.Event, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if stop.is_set():
            return
        code = child.exited()
        if code is not None:
            raise StackError(f"{child.name} exited with code {code} while starting.\n{child.log_tail()}")
        if time.monotonic() > deadline:
            raise StackError(f"{child.name} did not become ready within {timeout:.0f} s.\n{child.log_tail()}")
        stop.wait(0.1)


def stop_all(children: Sequence[Child], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every group (last started first), wait, then SIGKILL whatever is left in each group."""
    for child in reversed(children):
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in reversed(children):
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        # Also after a clean exit: a grandchild left in the group would otherwise outlive the stack.
        _signal_group(child, signal.SIGKILL)
        child.process.wait()


def _signal_group(child: Child, sig: signal.Signals) -> None:
    try:
        os.killpg(child.process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone
