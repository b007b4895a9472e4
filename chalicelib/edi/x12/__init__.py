"""X12 5010 for every transaction set the project reads or writes (270/271 now; 837, 835, 999, 277 next).

One import for callers: `read_interchange` / `read_interchanges` (reader.py) and `write_interchange`
(writer.py), over the shared `Segment`, `Delimiters` and `X12Error` (segments.py). docs/x12.md
describes delimiters, control numbers and the envelope rules checked.
"""
from chalicelib.edi.x12.reader import FunctionalGroup, Interchange, TransactionSet, read_interchange, read_interchanges
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

__all__ = [
    "DEFAULT_DELIMITERS", "Composite", "ControlNumbers", "Delimiters", "Envelope", "FunctionalGroup",
    "Interchange", "Parties", "Repeated", "Segment", "SegmentSpec", "Transaction", "TransactionSet",
    "X12Error", "comp", "format_segment", "read_interchange", "read_interchanges", "rep", "write_interchange",
]
