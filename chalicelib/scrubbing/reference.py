"""CMS's NCCI edit tables as the scrubber meets them: which table judges which claim, where each table's index
lives, and one copy of each per container, checked against the bucket at most once a minute.

Practitioner tables judge professional claims, hospital outpatient tables institutional ones. A platform
operator loads a quarter's files (`POST /admin/edit-tables/{name}/load`, scrubbing/service.py); the compact
index built from them (scrubbing/edit_index.py) is stored at `reference/ncci/<name>.idx` in the documents bucket.

The tables are the same for every tenant, so a container keeps one copy of each: downloaded on first use into
an anonymous temporary file (Lambda's /tmp) and memory-mapped, so only the pages lookups touch are resident.
At most every CHECK_SECONDS it asks S3 for the object's ETag (one HEAD) and downloads again only when it
changed. An absent table is asked about on the same schedule: a table loaded while containers run judges
their claims within a minute, with no restart and no deploy.
"""
from __future__ import annotations

import mmap
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from threading import Lock
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Literal, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws
from chalicelib.core.logs import get_logger
from chalicelib.scrubbing.edit_index import Buffer, IndexFormatError, IndexInfo
from chalicelib.scrubbing.mue import MueIndex
from chalicelib.scrubbing.ncci import PtpIndex

CHECK_SECONDS = 60.0
PREFIX = "reference/ncci/"
_CHUNK = 1 << 20

Index = PtpIndex | MueIndex


@dataclass(frozen=True)
class TableSpec:
    name: str
    kind: Literal["ptp", "mue"]
    claim_type: str  # the claims it judges
    setting: str  # who bills the services, as CMS names the table

    @property
    def index_key(self) -> str:
        return f"{PREFIX}{self.name}.idx"

    def open(self, data: Buffer) -> Index:
        return PtpIndex(data) if self.kind == "ptp" else MueIndex(data)


TABLES = {spec.name: spec for spec in (
    TableSpec("ptp-practitioner", "ptp", "professional", "practitioner services"),
    TableSpec("mue-practitioner", "mue", "professional", "practitioner services"),
    TableSpec("ptp-outpatient", "ptp", "institutional", "hospital outpatient services"),
    TableSpec("mue-outpatient", "mue", "institutional", "outpatient hospital services"),
)}


def quarter_dates(quarter: str) -> tuple[date, date]:
    """The first and last day of a calendar quarter written `2027Q1` (CMS updates NCCI tables quarterly)."""
    year, number = int(quarter[:4]), int(quarter[5])
    starts = date(year, 3 * number - 2, 1)
    ends = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return starts, date.fromordinal(ends.toordinal() - 1)


class StoreUnavailable(Exception):
    """The bucket did not answer (or refused): the table is neither known present nor known absent."""


class ObjectChanged(Exception):
    """The object is no longer the version asked for (GetObject's IfMatch)."""


class Store(Protocol):
    """Where indexes are kept: the documents bucket (S3Store), or a stand-in in unit tests."""

    def etag(self, key: str) -> str | None: ...

    def fetch(self, key: str) -> tuple[Buffer, str] | None: ...


def map_file(file: BinaryIO) -> mmap.mmap:
    """A read-only map of a whole file (the file may be closed, even deleted, afterwards)."""
    file.flush()
    try:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:
        raise IndexFormatError("the index is empty") from None


class S3Store:
    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket, self.client = bucket, client

    def etag(self, key: str) -> str | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)["ETag"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise StoreUnavailable(f"HEAD {key}: {error}") from None
        except BotoCoreError as error:
            raise StoreUnavailable(f"HEAD {key}: {error}") from None

    def fetch(self, key: str) -> tuple[Buffer, str] | None:
        """The object, copied into an anonymous temporary file and mapped, with its ETag; None when absent."""
        try:
            found = self.get(key)
            if found is None:
                return None
            body, etag = found
            with tempfile.TemporaryFile(prefix="revcycle-edit-index-") as file:
                shutil.copyfileobj(body, file, _CHUNK)
                return map_file(file), etag
        except (ClientError, BotoCoreError) as error:
            raise StoreUnavailable(f"GET {key}: {error}") from None

    def get(self, key: str, **extra: Any) -> tuple[Any, str] | None:
        """The object's streaming body and ETag (`extra`: GetObject's, a Range); None when absent."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
        except self.client.exceptions.NoSuchKey:
            return None
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "PreconditionFailed":
                raise ObjectChanged(key) from None
            raise
        return answer["Body"], answer["ETag"]

    def lines(self, key: str, **extra: Any) -> tuple[Iterator[str], str] | None:
        """The object's text lines, streamed, and its ETag; None when absent. CMS writes its files in
        Windows-1252; a byte that is no character there (a file that is not CMS's) reads as U+FFFD, and the
        file's reader then says what is wrong with the line."""
        found = self.get(key, **extra)
        if found is None:
            return None
        body, etag = found
        return text_lines(body.iter_chunks(_CHUNK)), etag

    def put(self, key: str, file: BinaryIO) -> str:
        file.seek(0)
        return self.client.put_object(Bucket=self.bucket, Key=key, Body=file,
                                      ContentType="application/octet-stream")["ETag"]


def text_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Windows-1252 text as lines (a CR before the LF stays; the readers drop it). Chunks are decoded and split
    whole, in C: botocore's iter_lines splits each line twice, and took half the time of a table's load."""
    pending = ""
    for chunk in chunks:
        *lines, pending = (pending + chunk.decode("cp1252", "replace")).split("\n")
        yield from lines
    if pending:
        yield pending


@lru_cache(maxsize=1)
def get_store() -> S3Store:
    from chalicelib.core.settings import get_settings

    return S3Store(get_settings().documents_bucket, aws.client("s3"))


@dataclass
class _Held:
    checked: float  # the clock's reading when the bucket was last asked
    etag: str | None
    index: Index | None


class TableCache:
    """One copy of each table per container, checked against the store at most every `every` seconds."""

    def __init__(self, store: Callable[[], Store], clock: Callable[[], float] = time.monotonic,
                 every: float = CHECK_SECONDS) -> None:
        self._store, self._clock, self._every = store, clock, every
        self._held: dict[str, _Held] = {}
        self._lock = Lock()

    def get(self, spec: TableSpec) -> Index | None:
        with self._lock:
            held = self._held.get(spec.name)
            if held is None or self._clock() - held.checked >= self._every:
                held = self._held[spec.name] = self._refreshed(spec, held)
            return held.index

    def hold(self, spec: TableSpec, index: Index, etag: str) -> None:
        """Keep an index this container has just built and stored, without downloading it back."""
        with self._lock:
            self._held[spec.name] = _Held(self._clock(), etag, index)

    def forget(self) -> None:
        with self._lock:
            self._held.clear()

    def _refreshed(self, spec: TableSpec, held: _Held | None) -> _Held:
        now, store = self._clock(), self._store()
        try:
            etag = store.etag(spec.index_key)
            if held is not None and etag is not None and etag == held.etag:
                return _Held(now, etag, held.index)
            fetched = store.fetch(spec.index_key) if etag is not None else None
            if fetched is None:
                return _Held(now, None, None)
            data, etag = fetched
            return _Held(now, etag, spec.open(data))
        except (StoreUnavailable, IndexFormatError, OSError) as error:
            # S3 unreachable, /tmp full or a broken index must not fail a claim: it is still scrubbed, with what
            # this container held before (or saying the table did not judge it, rule ncci-tables); the next
            # check, a minute on, tries again.
            get_logger().error("edit table not refreshed", extra={"table": spec.name, "error": repr(error)})
            return _Held(now, held.etag if held else None, held.index if held else None)


_cache = TableCache(get_store)


def get_cache() -> TableCache:
    return _cache


@dataclass(frozen=True)
class Tables:
    """The tables that judge one claim type, as this container holds them now."""

    ptp: PtpIndex | None
    mue: MueIndex | None
    missing: tuple[str, ...]  # names of the tables that should judge it but are not loaded

    def used(self) -> list[dict[str, str | None]]:
        """Which tables judged a claim, and which quarter's, for the claim to keep."""
        infos: list[IndexInfo] = [index.info for index in (self.ptp, self.mue) if index is not None]
        return [{"table": info.table, "quarter": info.quarter, "loaded_at": info.loaded_at} for info in infos]


def tables(claim_type: str) -> Tables:
    specs = [spec for spec in TABLES.values() if spec.claim_type == claim_type]
    held = {spec.kind: _cache.get(spec) for spec in specs}
    ptp, mue = held.get("ptp"), held.get("mue")
    return Tables(ptp if isinstance(ptp, PtpIndex) else None, mue if isinstance(mue, MueIndex) else None,
                  tuple(spec.name for spec in specs if held[spec.kind] is None))


def forget() -> None:
    """Ask the bucket again on next use (tests that load or remove a table)."""
    _cache.forget()
