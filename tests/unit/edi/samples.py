"""The third-party X12 samples in ../shared/x12-samples (see its SOURCES.md), found from this file's place."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO.parent / "shared" / "x12-samples"
ABSENT = "the shared X12 samples (../shared/x12-samples beside the repository) are not on this machine"


def read_sample(path: Path) -> str:
    """Bytes as published: UTF-8 (a BOM is the reader's business), else Windows-1252 (one stupidedi file)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sample_files(set_id: str | None = None) -> list[Path]:
    """Every sample file, or those holding a transaction set `set_id` (an ST segment whose ST01 is it)."""
    if not SAMPLES.is_dir():
        return []
    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name not in ("LICENSE", "SOURCES.md")
                   and not p.name.startswith("LICENSE"))
    if set_id is None:
        return files
    st = re.compile(rf"(^|[^A-Za-z0-9])ST[^A-Za-z0-9]{set_id}[^A-Za-z0-9]")
    return [p for p in files if st.search(read_sample(p))]


def sample_params(set_id: str | None = None) -> list:
    """Parameters for pytest: one per file, or a single skipped one saying why when the folder is absent."""
    files = sample_files(set_id)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT))]
    return [pytest.param(p, id=str(p.relative_to(SAMPLES))) for p in files]


def sample(relative: str) -> str:
    path = SAMPLES / relative
    if not path.is_file():
        pytest.skip(ABSENT)
    return read_sample(path)
