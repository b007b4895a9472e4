"""X12 5010 for every transaction set the project reads or writes (270/271 now; 837, 835, 999, 277 next).

One import for callers: `read_interchange` / `read_interchanges` (reader.py) and `write_interchange`
(writer.py), over the shared `Segment`, `Delimiters` and `X12Error` (segments.py). docs/x12.md
describes delimiters, control numbers and the envelope rules checked.

The names load from their modules on first use (PEP 562): a request that only checks a name against X12's
character set (charset.py: registering or reading a patient) imports neither the reader nor the writer.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.edi.x12.reader import (
        FunctionalGroup,
        Interchange,
        TransactionSet,
        read_interchange,
        read_interchanges,
    )
    from chalicelib.edi.x12.segments import DEFAULT_DELIMITERS, Delimiters, Segment, X12Error
    from chalicelib.edi.x12.writer import (
        Composite,
        ControlNumbers,
        Envelope,
        Parties,
        Repeated,
        SegmentSpec,
        Transaction,
        comp,
        format_segment,
        rep,
        write_interchange,
    )

_MODULES = {
    "reader": ("FunctionalGroup", "Interchange", "TransactionSet", "read_interchange", "read_interchanges"),
    "segments": ("DEFAULT_DELIMITERS", "Delimiters", "Segment", "X12Error"),
    "writer": ("Composite", "ControlNumbers", "Envelope", "Parties", "Repeated", "SegmentSpec", "Transaction", "comp",
               "format_segment", "rep", "write_interchange"),
}
_HOME = {name: module for module, exported in _MODULES.items() for name in exported}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
