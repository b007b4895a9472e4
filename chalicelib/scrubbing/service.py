"""CMS's NCCI edit tables for platform operators: what each holds, and loading a quarter's files.

Loading reads the CMS files an operator uploaded under reference/ncci/ in the documents bucket, streams their
rows into the table's compact index (scrubbing/edit_index.py) in a temporary file, and stores the index at the
table's key (reference.TableSpec.index_key), where every container finds it within a minute. A file that is
not the table's kind, or has a malformed row, is refused naming the file and line, and nothing is stored:
the table keeps the quarter it had.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO, Callable

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, field_error
from chalicelib.core.logs import get_logger
from chalicelib.scrubbing import reference
from chalicelib.scrubbing.edit_index import MAX_HEADER, IndexFormatError, IndexInfo, read_info
from chalicelib.scrubbing.models import EditTableLoad, EditTableOut
from chalicelib.scrubbing.mue import MueFormatError, read_mue, write_mue
from chalicelib.scrubbing.ncci import PtpFormatError, read_ptp, write_ptp
from chalicelib.scrubbing.reference import TableSpec

_READERS: dict[str, Callable[..., Iterator[Any]]] = {"ptp": read_ptp, "mue": read_mue}
_WRITERS: dict[str, Callable[..., IndexInfo]] = {"ptp": write_ptp, "mue": write_mue}
_FORMAT_ERRORS = (PtpFormatError, MueFormatError)


class _BadSource(Exception):
    def __init__(self, number: int, complaint: str) -> None:
        super().__init__(complaint)
        self.number, self.complaint = number, complaint


def _spec(name: str) -> TableSpec:
    spec = reference.TABLES.get(name)
    if spec is None:
        raise NotFound(f"No such edit table; the tables are {', '.join(reference.TABLES)}.")
    return spec


def _out(spec: TableSpec, info: IndexInfo | None, etag: str | None) -> EditTableOut:
    facts: dict[str, Any] = {}
    if info is not None:
        starts, ends = reference.quarter_dates(info.quarter) if info.quarter else (None, None)
        facts = {"quarter": info.quarter, "rows": info.rows, "loaded_at": info.loaded_at,
                 "sources": list(info.sources), "effective_from": starts and starts.isoformat(),
                 "effective_to": ends and ends.isoformat()}
    return EditTableOut(id=spec.name, kind=spec.kind, claim_type=spec.claim_type, setting=spec.setting,
                        present=info is not None, index_key=spec.index_key, index_etag=etag, **facts)


def _stored(spec: TableSpec) -> EditTableOut:
    """What the bucket holds for the table now, from the index's header (one ranged GET)."""
    found = reference.get_store().get(spec.index_key, Range=f"bytes=0-{MAX_HEADER - 1}")
    if found is None:
        return _out(spec, None, None)
    body, etag = found
    return _out(spec, read_info(body.read())[0], etag)


def list_tables() -> list[EditTableOut]:
    return [_stored(spec) for spec in reference.TABLES.values()]


def get_table(name: str) -> EditTableOut:
    return _stored(_spec(name))


def _etags(keys: list[str]) -> list[str]:
    store = reference.get_store()
    etags = [store.etag(key) for key in keys]
    missing = [field_error(f"source_keys.{n}", "no such object in the documents bucket")
               for n, etag in enumerate(etags) if etag is None]
    if missing:
        raise ValidationFailed("Upload the files to the documents bucket first.", missing)
    return [etag for etag in etags if etag is not None]


def _edits(spec: TableSpec, keys: list[str], etags: list[str]) -> Iterator[Any]:
    """The edits of every source in turn, each read exactly as it was when its ETag was taken."""
    store, read = reference.get_store(), _READERS[spec.kind]
    for number, (key, etag) in enumerate(zip(keys, etags)):
        try:
            found = store.lines(key, IfMatch=etag)
        except reference.ObjectChanged:
            raise Conflict(f"{key} changed while it was being loaded; load it again.") from None
        if found is None:
            raise Conflict(f"{key} was removed while it was being loaded.")
        try:
            yield from read(found[0])
        except _FORMAT_ERRORS as error:
            raise _BadSource(number, str(error)) from None


def _build(spec: TableSpec, data: EditTableLoad, etags: list[str], file: BinaryIO) -> IndexInfo:
    sources = tuple({"key": key, "etag": etag} for key, etag in zip(data.source_keys, etags))
    try:
        return _WRITERS[spec.kind](file, _edits(spec, data.source_keys, etags), table=spec.name,
                                   quarter=data.quarter, loaded_at=iso(utcnow()), sources=sources)
    except _BadSource as bad:
        key = data.source_keys[bad.number]
        raise ValidationFailed(f"{key} is not a CMS {spec.kind.upper()} file as published: {bad.complaint}",
                               [field_error(f"source_keys.{bad.number}", bad.complaint)]) from None
    except IndexFormatError as error:
        raise ValidationFailed(f"The files do not make one {spec.kind.upper()} table: {error}",
                               [field_error("source_keys", str(error))]) from None


def load_table(name: str, data: EditTableLoad) -> EditTableOut:
    """Build the table's index from the named files and store it; this container judges with it at once,
    the others from their next check (reference.CHECK_SECONDS)."""
    spec = _spec(name)
    etags = _etags(data.source_keys)
    with tempfile.TemporaryFile(prefix="revcycle-edit-index-") as file:
        info = _build(spec, data, etags, file)
        etag = reference.get_store().put(spec.index_key, file)
        reference.get_cache().hold(spec, spec.open(reference.map_file(file)), etag)
    get_logger().info("edit table loaded", extra={"table": spec.name, "quarter": info.quarter, "rows": info.rows})
    return _out(spec, info, etag)
