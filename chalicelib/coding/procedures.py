"""Procedure code formats: CPT (AMA) and HCPCS Level II (CMS).

CPT is licensed by the AMA, so no CPT code list ships here: these checks say whether a code has the shape of
one, and a practice's fee schedule is the list of codes it actually bills. The shapes are those the AMA
describes for each CPT category and CMS for HCPCS Level II. The 837 carries either in SV101-2 (837P) or
SV202-2 (837I), after the qualifier HC in SV101-1 / SV202-1 (005010X222A1, 005010X223A2).
"""
from __future__ import annotations

import re
from typing import Literal

ProcedureKind = Literal["CPT I", "CPT II", "CPT III", "CPT PLA", "CPT MAAA", "HCPCS II"]
# The shapes below as one pattern (for API schemas), and in words (for the answers that refuse a code).
PATTERN = r"^(\d{4}[0-9FTUM]|[A-Z]\d{4})$"
WORDS = ("a CPT code is 5 characters: 4 digits then a digit, F or T (99213, 3074F, 0042T), or U or M for lab "
         "analyses; a HCPCS Level II code is a letter then 4 digits (G0439)")

_SHAPES: list[tuple[ProcedureKind, re.Pattern[str]]] = [
    # AMA CPT Category I: five digits (99213). These are most services on a claim.
    ("CPT I", re.compile(r"\d{5}")),
    # AMA CPT Category II, performance measurement: four digits and F (3074F), reported for quality measures.
    ("CPT II", re.compile(r"\d{4}F")),
    # AMA CPT Category III, emerging technology: four digits and T (0042T).
    ("CPT III", re.compile(r"\d{4}T")),
    # AMA Proprietary Laboratory Analyses, part of CPT: four digits and U (0001U). Not in the list,
    # but real lab claims carry them, so they are recognised rather than refused as malformed.
    ("CPT PLA", re.compile(r"\d{4}U")),
    # AMA Multianalyte Assays with Algorithmic Analyses, administrative codes: four digits and M (0002M).
    ("CPT MAAA", re.compile(r"\d{4}M")),
    # CMS HCPCS Level II: one letter and four digits (G0439, J1100). The D range is the ADA's CDT (dental).
    ("HCPCS II", re.compile(r"[A-Z]\d{4}")),
]


def procedure_kind(code: str) -> ProcedureKind | None:
    """Which kind of procedure code `code` is shaped like (case-sensitive: 837s carry upper case), or None."""
    return next((kind for kind, shape in _SHAPES if shape.fullmatch(code)), None)


def is_cpt(code: str) -> bool:
    kind = procedure_kind(code)
    return kind is not None and kind.startswith("CPT")


def is_cpt_category_i(code: str) -> bool:
    return procedure_kind(code) == "CPT I"


def is_cpt_category_ii(code: str) -> bool:
    return procedure_kind(code) == "CPT II"


def is_cpt_category_iii(code: str) -> bool:
    return procedure_kind(code) == "CPT III"


def is_hcpcs_level_ii(code: str) -> bool:
    return procedure_kind(code) == "HCPCS II"


def is_procedure_code(code: str) -> bool:
    return procedure_kind(code) is not None
