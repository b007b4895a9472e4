"""A compact prebuilt index of one of CMS's NCCI edit tables: fixed-width binary records sorted by a key,
searched by bisection in place (a memory map or a bytes buffer), never turned into Python objects.

CMS's practitioner PTP file has over a million rows. As Python objects that is seconds to parse and hundreds
of megabytes per Lambda container; as 21-byte records it is one file that a container maps and bisects,
touching only the pages a lookup reads (docs/benchmarks.md). The index is built once, when an operator loads
a quarter's file (scrubbing/service.py), and every container downloads it as it is.

Layout: a magic line, one line of JSON (`IndexInfo`, with the record layout and the repeated texts that
records point to by number), the fence keys (the key of every BLOCK-th record, `key_width` bytes each), then
`rows` records of `layout.size` bytes, sorted by their first `key_width` bytes. Texts such as CMS's
rationales ("Mutually exclusive procedures") repeat on most rows, so a record carries a small number instead.

A lookup bisects the fence keys, a list in memory (C speed: about a twentieth of the file's keys), then finds
the key in one slice of at most BLOCK + 1 records: no Python call per step of a bisection over a million rows.
"""
from __future__ import annotations

import bisect
import json
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import Any, BinaryIO, ClassVar, Protocol

MAGIC = b"revcycle-edit-index 1\n"
MAX_HEADER = 65536  # magic and JSON line together; a reader fetches this much to show a table's facts
MAX_TEXTS = 65535  # record fields that point to a text are unsigned 16-bit
BLOCK = 64  # records per fence key: 64 x 21 bytes, about a third of a page, is what a lookup slices


class IndexFormatError(ValueError):
    """The bytes are not an index of the expected kind and layout (or are cut short)."""


class Buffer(Protocol):
    """What an index is read from: bytes, or an mmap of the file (both slice to bytes)."""

    def __getitem__(self, index: slice, /) -> bytes: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class IndexInfo:
    kind: str  # "ptp" or "mue"
    layout: str  # the struct format of a record
    key_width: int  # records are sorted by their first key_width bytes
    rows: int
    block: int = BLOCK
    table: str = ""  # which of CMS's tables: "ptp-practitioner" ...
    quarter: str | None = None  # the CMS quarter the operator loaded it as: "2027Q1"
    loaded_at: str | None = None
    sources: tuple[dict[str, str], ...] = ()  # {"key", "etag"} of each CMS file it was built from
    texts: tuple[str, ...] = field(default=(), repr=False)

    def header(self) -> bytes:
        data = {**asdict(self), "sources": list(self.sources), "texts": list(self.texts)}
        return MAGIC + json.dumps(data, separators=(",", ":")).encode() + b"\n"


def read_info(head: bytes) -> tuple[IndexInfo, int]:
    """The header at the start of an index (the first MAX_HEADER bytes suffice) and where its records start."""
    end = head.find(b"\n", len(MAGIC), MAX_HEADER)
    if not head.startswith(MAGIC) or end < 0:
        raise IndexFormatError("not a Revcycle edit index")
    try:
        data: dict[str, Any] = json.loads(head[len(MAGIC):end])
        info = IndexInfo(**{**data, "sources": tuple(data["sources"]), "texts": tuple(data["texts"])})
    except (ValueError, TypeError, KeyError) as error:
        raise IndexFormatError(f"the index header is unreadable: {error}") from None
    return info, end + 1


class IndexWriter:
    """Collects records, then writes the index: header first, records sorted by key.

    Records that arrive in key order (a table's parts listed in code order) are written as they came; others
    are sorted in memory first, at about four times the index's size.
    """

    def __init__(self, kind: str, layout: struct.Struct, key_width: int, *, unique: bool = False) -> None:
        self.kind, self.layout, self.key_width, self.unique = kind, layout, key_width, unique
        self._records = bytearray()
        self._texts: dict[str, int] = {}
        self._last_key = b""
        self._in_order = True

    def text(self, value: str) -> int:
        number = self._texts.get(value)
        if number is None:
            if len(self._texts) >= MAX_TEXTS:
                raise IndexFormatError(f"more than {MAX_TEXTS} distinct texts: not one of CMS's tables")
            number = self._texts[value] = len(self._texts)
        return number

    def add(self, *fields: Any) -> None:
        record = self.layout.pack(*fields)
        key = record[:self.key_width]
        self._in_order = self._in_order and key >= self._last_key
        self._last_key = key
        self._records += record

    def write(self, out: BinaryIO, **facts: Any) -> IndexInfo:
        size = self.layout.size
        if not self._in_order:
            ordered = sorted(self._records[n:n + size] for n in range(0, len(self._records), size))
            self._records = bytearray().join(ordered)
        if self.unique:
            self._refuse_repeats()
        info = IndexInfo(self.kind, self.layout.format, self.key_width, len(self._records) // size,
                         texts=tuple(self._texts), **facts)
        header = info.header()
        if len(header) > MAX_HEADER:  # a reader would not find its end: refuse rather than store it
            raise IndexFormatError("more distinct rationale texts than a CMS table has")
        out.write(header)
        width, step = self.key_width, size * info.block
        out.write(b"".join(self._records[n:n + width] for n in range(0, len(self._records), step)))
        out.write(self._records)
        return info

    def _refuse_repeats(self) -> None:
        size, width, records = self.layout.size, self.key_width, self._records
        for n in range(size, len(records), size):
            if records[n:n + width] == records[n - size:n - size + width]:
                code = records[n:n + width].decode("ascii", "replace")
                raise IndexFormatError(f"{code} is listed twice")


class RecordFile:
    """An index opened over a buffer: `matching(key)` unpacks the records with that key, in file order."""

    def __init__(self, data: Buffer, kind: str, layout: struct.Struct, key_width: int) -> None:
        info, start = read_info(data[:MAX_HEADER])
        if (info.kind, info.layout, info.key_width) != (kind, layout.format, key_width):
            raise IndexFormatError(f"a {info.kind} index of layout {info.layout!r}, expected {kind} "
                                   f"{layout.format!r}: rebuild it by loading the table again")
        fences = -(-info.rows // info.block) * key_width
        if info.block < 1 or len(data) - start != fences + info.rows * layout.size:
            raise IndexFormatError(f"{len(data) - start} bytes after the header, expected "
                                   f"{fences + info.rows * layout.size}")
        blob = data[start:start + fences]
        self._fences = [blob[n:n + key_width] for n in range(0, fences, key_width)]
        self.info, self._data, self._start, self._layout = info, data, start + fences, layout

    def __len__(self) -> int:
        return self.info.rows

    def matching(self, key: bytes) -> Iterator[tuple[Any, ...]]:
        number = self._first(key)
        if number is None:
            return
        size, width = self._layout.size, len(key)
        while number < self.info.rows:
            offset = self._start + number * size
            record = self._data[offset:offset + size]
            if record[:width] != key:
                return
            yield self._layout.unpack(record)
            number += 1

    def _first(self, key: bytes) -> int | None:
        """The number of the first record with `key`, if any.

        With fence f the first fence key >= key, every key of block f-1 after its first is >= the fence before
        it, and the first record >= key is at most record f * BLOCK: so it lies in records (f-1)*BLOCK to
        f*BLOCK, one slice. `find` may match across two records' bytes, so only a match at a record's start
        counts."""
        fence, block, size = bisect.bisect_left(self._fences, key), self.info.block, self._layout.size
        first = max(fence - 1, 0) * block
        last = min(fence * block + 1, self.info.rows)
        chunk = self._data[self._start + first * size:self._start + last * size]
        at = chunk.find(key)
        while at >= 0 and at % size:
            at = chunk.find(key, at + 1)
        return None if at < 0 else first + at // size

    def text(self, number: int) -> str:
        return self.info.texts[number]


class EditIndex:
    """Base of a table's index (ncci.PtpIndex, mue.MueIndex): its kind, record layout and key width."""

    KIND: ClassVar[str]
    RECORD: ClassVar[struct.Struct]
    KEY_WIDTH: ClassVar[int]

    def __init__(self, data: Buffer) -> None:
        self._file = RecordFile(data, self.KIND, self.RECORD, self.KEY_WIDTH)
        self.info: IndexInfo = self._file.info

    def __len__(self) -> int:
        return len(self._file)


def in_memory(write: Callable[[BinaryIO, Iterable[Any]], IndexInfo], edits: Iterable[Any]) -> bytes:
    """An index written to bytes rather than a file (tests, benchmarks: the API writes a temporary file)."""
    out = BytesIO()
    write(out, edits)
    return out.getvalue()
