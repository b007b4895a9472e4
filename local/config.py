"""Where the local stack keeps its state, which ports it uses, and the environment every child shares.

Ports come from the environment (`PORT`, `DYNAMODB_PORT`, `MOTO_PORT`, `STRIPE_PORT`) so two stacks can run
side by side (the integration tests start their own on free ports next to a developer's `make run`).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Mapping

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
DEFAULT_PORTS = {"PORT": 8000, "DYNAMODB_PORT": 8001, "MOTO_PORT": 8002, "STRIPE_PORT": 8003}

# Fake credentials: the stand-ins accept any, and a real key must never be sent to them.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
# Inherited from a developer's shell, these would make boto3 read a profile or sign with a real session.
DROPPED_VARIABLES = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")


class StackError(Exception):
    """A problem the developer can fix (missing Java, busy port): printed as one plain message."""


@dataclass(frozen=True)
class StackConfig:
    state_dir: Path
    api_port: int
    dynamodb_port: int
    moto_port: int
    stripe_port: int
    in_memory: bool = False

    @classmethod
    def from_env(cls, state_dir: Path, in_memory: bool = False, env: Mapping[str, str] = os.environ) -> "StackConfig":
        ports = {name: _port(env, name, default) for name, default in DEFAULT_PORTS.items()}
        if len(set(ports.values())) != len(ports):
            raise StackError(f"the local stack needs four different ports, got {ports}")
        return cls(state_dir=state_dir.resolve(), api_port=ports["PORT"], dynamodb_port=ports["DYNAMODB_PORT"],
                   moto_port=ports["MOTO_PORT"], stripe_port=ports["STRIPE_PORT"], in_memory=in_memory)

    def url(self, port: int) -> str:
        return f"http://{LOOPBACK}:{port}"

    @property
    def root_key_file(self) -> Path:
        return self.state_dir / "root-key"

    @property
    def signing_key_file(self) -> Path:
        return self.state_dir / "signing-key"

    @property
    def stripe_webhook_secret_file(self) -> Path:
        return self.state_dir / "stripe-webhook-secret"

    @property
    def dynamodb_dir(self) -> Path:
        return self.state_dir / "dynamodb"

    @property
    def aws_dir(self) -> Path:
        """moto's S3 objects, SQS messages, secrets and sent mail (local/kept_state.py)."""
        return self.state_dir / "aws"

    @property
    def inbox_delivered_file(self) -> Path:
        """The EDI inbox objects the event runner has handed to the app, so a restart does not hand them again."""
        return self.state_dir / "inbox-delivered.json"

    @property
    def stripe_state_file(self) -> Path:
        return self.state_dir / "localstripe.pickle"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    def child_env(self, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        """The environment of the stack and of every child: boto3 and the app find the stand-ins through it."""
        env = {name: value for name, value in base.items()
               if name not in DROPPED_VARIABLES and not name.startswith("AWS_ENDPOINT_URL")}
        env.update(FAKE_CREDENTIALS)
        moto = self.url(self.moto_port)
        # The catch-all sends any service without its own stand-in to moto, never to a real AWS endpoint.
        env["AWS_ENDPOINT_URL"] = moto
        env["AWS_ENDPOINT_URL_DYNAMODB"] = self.url(self.dynamodb_port)
        for service in ("S3", "SQS", "SES", "SECRETSMANAGER"):
            env[f"AWS_ENDPOINT_URL_{service}"] = moto
        env["REVCYCLE_STAGE"] = "local"
        env["REVCYCLE_STRIPE_API_BASE"] = self.url(self.stripe_port)
        env["PYTHONUNBUFFERED"] = "1"  # children's logs reach the terminal and log files as they happen
        return env


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise StackError(f"{name}={raw!r} is not a TCP port number")
    return int(raw)


def ensure_key(path: Path, prefix: str) -> str:
    """Make a random key once and keep it (mode 600), so a restart keeps the same root key and cursors."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = prefix + secrets.token_urlsafe(32)
    # O_EXCL: never overwrite a key a concurrent start just wrote; the mode is set at creation, never widened.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def write_whole(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Write next to path, flush to disk, then rename over it: readers find the old file or the new one, whole,
    even after a kill mid-write."""
    aside = path.with_name(path.name + ".tmp")
    with aside.open("wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)
