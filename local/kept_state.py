"""moto's S3, SQS, Secrets Manager and SES state on disk, for the local stack's AWS stand-in (local/aws.py).

Each kept service is one pickle of its backends (every account and region moto made for it), replaced whole:
written aside, flushed to disk, then renamed, so a kill mid-write leaves the previous file. Object bodies of
BLOB_BYTES or more are kept apart in `blobs/<sha256>`, each written once, so saving S3 costs its keys rather
than its bytes. Three things in moto do not pickle as they are, and are handled here:
- locks and conditions are made anew on load; an SQS queue's condition is made on STATE_LOCK (see
  `queue_condition`);
- dict subclasses keep their raw contents: moto's versioned key store answers `items()` with each key's
  latest version only, so a plain pickle would drop every older version of an object;
- a service's BackendDict carries state of its own beside the backends (`_shared`), which is kept too.
A test of each is in tests/integration/test_local_aws.py.
"""
from __future__ import annotations

import copyreg
import hashlib
import pickle
import threading
from pathlib import Path
from typing import IO, Any, Iterable

from local.config import StackError, write_whole

KEPT_SERVICES = ("s3", "sqs", "secretsmanager", "ses")
BLOB_BYTES = 4096

# Held by every request moto serves (local/aws.py), and by each save: a save never sees a request half done.
STATE_LOCK = threading.RLock()


def queue_condition() -> threading.Condition:
    """An SQS queue's condition, made on STATE_LOCK: a long poll waiting on it lets other requests in."""
    return threading.Condition(STATE_LOCK)


def share_state_lock_with_queues() -> None:
    """moto's queues make their condition with `threading.Condition()`; have them make it on STATE_LOCK."""
    from moto.sqs import models

    if getattr(models, "Condition", None) not in (threading.Condition, queue_condition):
        raise StackError("this moto no longer makes SQS queue conditions as local/kept_state.py expects: "
                         "check share_state_lock_with_queues() against moto's sqs/models.py")
    models.Condition = queue_condition  # type: ignore[attr-defined]


def restore_dict(obj: dict[Any, Any], state: tuple[dict[Any, Any], dict[str, Any]]) -> None:
    """Fill a dict subclass from its raw contents, past any __setitem__ it overrides."""
    contents, attributes = state
    dict.update(obj, contents)
    if attributes:
        obj.__dict__.update(attributes)


_LOCK, _RLOCK = type(threading.Lock()), type(threading.RLock())


class _Saver(pickle.Pickler):
    def __init__(self, handle: IO[bytes], blobs: Path) -> None:
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.blobs = blobs

    def persistent_id(self, obj: Any) -> Any:
        # Called for every object: kept to one type check for all but large bodies.
        if type(obj) is bytes and len(obj) >= BLOB_BYTES:
            return ("blob", self._blob(obj))
        return None

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is threading.Condition:
            return queue_condition, ()
        if kind is _LOCK:
            return threading.Lock, ()
        if kind is _RLOCK:
            return threading.RLock, ()
        if isinstance(obj, dict):  # never a plain dict: pickle does not ask about those
            contents = {key: dict.__getitem__(obj, key) for key in dict.keys(obj)}
            return copyreg.__newobj__, (kind,), (contents, dict(getattr(obj, "__dict__", {}))), None, None, \
                restore_dict
        return NotImplemented

    def _blob(self, body: bytes) -> str:
        name = hashlib.sha256(body).hexdigest()
        path = self.blobs / name
        if not path.exists():  # named by content: a blob already there holds the same bytes
            write_whole(path, lambda handle: handle.write(body))
        return name



class _Loader(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], blobs: Path) -> None:
        super().__init__(handle)
        self.blobs = blobs
        self.used: set[str] = set()

    def persistent_load(self, pid: Any) -> Any:
        if pid[0] != "blob":
            raise pickle.UnpicklingError(f"unknown reference in a kept state file: {pid!r}")
        self.used.add(pid[1])
        return (self.blobs / pid[1]).read_bytes()


def moto_version() -> str:
    import moto

    return str(moto.__version__)


def _shared(backends: Any) -> dict[str, Any]:
    """What a service keeps beside its per-account backends, on moto's BackendDict itself: S3 keeps there which
    account holds each bucket name (without it a kept bucket is not found, and a create makes a new, empty one).
    The id is the dict's identity in this process, not state."""
    return {name: value for name, value in vars(backends).items() if name != "_id"}


class KeptState:
    """The kept services' state in one directory: `<service>.pickle` each, large bodies in `blobs/`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.blobs = directory / "blobs"
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # objects hold patient data: owner only
        self.blobs.mkdir(mode=0o700, exist_ok=True)

    def file(self, service: str) -> Path:
        return self.directory / f"{service}.pickle"

    def save(self, services: Iterable[str]) -> None:
        """Write each service's backends as they are now. Call with STATE_LOCK held."""
        from moto.backends import get_backend

        for service in services:
            backends = get_backend(service)  # type: ignore[call-overload]
            per_account = {(account, region): backend for account, region, backend in backends.iter_backends()}
            saved = {"backends": per_account, "shared": _shared(backends)}

            def write(handle: IO[bytes]) -> None:
                pickle.dump({"moto": moto_version()}, handle, protocol=pickle.HIGHEST_PROTOCOL)
                _Saver(handle, self.blobs).dump(saved)

            write_whole(self.file(service), write)

    def load(self) -> list[str]:
        """Put the saved backends in moto's place; returns the services read. Blobs no key names are removed.

        A state written by another moto version is refused: its classes may have changed under the pickle."""
        from moto.backends import get_backend

        for leftover in [*self.directory.glob("*.tmp"), *self.blobs.glob("*.tmp")]:
            leftover.unlink()  # a write cut short by a kill; the file it was to replace is whole
        used: set[str] = set()
        read = []
        for service in KEPT_SERVICES:
            if not self.file(service).exists():
                continue
            saved, names = self._read(service)
            used |= names
            backends = get_backend(service)  # type: ignore[call-overload]
            for (account, region), backend in saved["backends"].items():
                backends[account][region] = backend
            vars(backends).update(saved["shared"])
            read.append(service)
        for blob in self.blobs.iterdir():
            if blob.name not in used:
                blob.unlink()  # the body of an object since deleted, or overwritten in an unversioned bucket
        return read

    def _read(self, service: str) -> tuple[dict[str, Any], set[str]]:
        path = self.file(service)
        with path.open("rb") as handle:
            written_by = pickle.load(handle).get("moto")
            if written_by != moto_version():
                raise StackError(
                    f"{path} was written by moto {written_by}, and this is moto {moto_version()}: install moto "
                    f"{written_by} again to use it, or remove {self.directory} to start with empty buckets and "
                    f"queues (files the table still names are then gone)")
            loader = _Loader(handle, self.blobs)
            return loader.load(), loader.used
