"""CMS's NCCI reference tables, loaded from the documents bucket when a claim is scrubbed.

A billing company drops CMS's quarterly files (the tab-delimited text inside CMS's zips) under
`reference/ncci/` in the documents bucket (docs/coding.md): practitioner files judge professional claims,
hospital outpatient files institutional ones. Absent files mean the PTP and MUE rules do not run.

The tables are the same for every tenant, so one copy per Lambda container is cached, and read again after
`TTL_SECONDS` so a new quarter's files reach running containers without a deploy.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock
from typing import Callable, Iterator

from chalicelib.claims.mue import MueTable, load_mue
from chalicelib.claims.ncci import PtpTable, load_ptp
from chalicelib.core.settings import get_settings

TTL_SECONDS = 900
FILES = {
    ("professional", "ptp"): "reference/ncci/ptp-practitioner.txt",
    ("professional", "mue"): "reference/ncci/mue-practitioner.txt",
    ("institutional", "ptp"): "reference/ncci/ptp-outpatient.txt",
    ("institutional", "mue"): "reference/ncci/mue-outpatient.txt",
}


@dataclass(frozen=True)
class Tables:
    ptp: PtpTable | None
    mue: MueTable | None


_cache: dict[str, tuple[float, Tables]] = {}
_lock = Lock()


def _lines(key: str) -> Iterator[str] | None:
    import boto3  # first use only
    from botocore.exceptions import ClientError

    try:
        body = boto3.client("s3").get_object(Bucket=get_settings().documents_bucket, Key=key)["Body"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            return None
        raise
    # CMS publishes these files in Windows-1252 (rationale texts carry the odd accented letter).
    return (raw.decode("cp1252") for raw in body.iter_lines())


def _load(claim_type: str, kind: str, loader: Callable) -> object | None:
    lines = _lines(FILES[(claim_type, kind)])
    return None if lines is None else loader(lines)


def tables(claim_type: str) -> Tables:
    with _lock:
        cached = _cache.get(claim_type)
        if cached and time.monotonic() - cached[0] < TTL_SECONDS:
            return cached[1]
        loaded = Tables(_load(claim_type, "ptp", load_ptp), _load(claim_type, "mue", load_mue))  # type: ignore
        _cache[claim_type] = (time.monotonic(), loaded)
        return loaded


def forget() -> None:
    """Read the files again on next use (after uploading a new quarter, and in tests)."""
    with _lock:
        _cache.clear()
