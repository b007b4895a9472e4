"""What each side of `bench/read_x12.py --against REV` runs inside a bench/ab.py worker, where `chalicelib` is that
side's version of the project: the reader of this checkout, or of an older commit. Only `read_interchanges`, which
every version has, is called.

A round reads every held text once and answers its CPU time (`time.process_time`) with the cyclic collector as a
caller has it (enabled, after a full collection): a reader that pauses it while it reads counts the collection
that follows inside its own time.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path

_held: dict[str, list[str]] = {}


def hold(name: str, paths: list[str]) -> int:
    """Read the files into memory under `name`; how many segments they hold, as this side reads them."""
    from chalicelib.edi.x12.reader import read_interchanges

    texts = []
    for path in paths:
        data = Path(path).read_bytes()
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(data.decode("cp1252"))
    _held[name] = texts
    return sum(i.segment_count for text in texts for i in read_interchanges(text, strict=False))


def read_round(name: str) -> float:
    from chalicelib.edi.x12.reader import read_interchanges

    texts = _held[name]
    gc.collect()
    start = time.process_time()
    for text in texts:
        read_interchanges(text, strict=False)
    return time.process_time() - start
