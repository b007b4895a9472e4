"""Validating X12 in-process with pyx12 (a test-only dependency, requirements-dev.txt), against its 5010 maps.

`pyx12_errors(text)` runs `pyx12.x12n_document.x12n_document` over the text and returns every error its error
handler collected (interchange, group, transaction set, segment and element levels), one line each; an
empty list means valid. pyx12 picks the map from GS01 and GS08 (pyx12/map/maps.xml): 005010X222A1 for the
837P (837.5010.X222.A1.xml), 005010X223A2 for the 837I (837Q3.I.5010.X223.A1.xml). The messages quote
values: they are for test output only, never for logs.
"""
from __future__ import annotations

import io
import json
from typing import Any

import pyx12.params
import pyx12.x12n_document

_LEVELS = ("interchanges", "groups", "transactions", "segments", "elements")


def pyx12_errors(text: str) -> list[str]:
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None,
                                              fd_json=report)
    errors: list[str] = []
    if report.getvalue():
        _collect(json.loads(report.getvalue()), "", errors)
    if not valid and not errors:
        # pyx12 gives up on text it cannot read as X12 before it writes any report.
        errors.append("pyx12 found the document invalid without saying where")
    return errors


def _collect(node: dict[str, Any], where: str, errors: list[str]) -> None:
    for error in node.get("errors", []):
        errors.append(f"{where}: {error['err_cde']} {error['err_str']}")
    for level in _LEVELS:
        for child in node.get(level, []):
            _collect(child, _place(level, child, where), errors)


def _place(level: str, node: dict[str, Any], where: str) -> str:
    if level == "interchanges":
        return "ISA"
    if level == "groups":
        return "GS"
    if level == "transactions":
        return f"ST {node.get('trn_set_control_num')}"
    if level == "segments":
        return f"{node.get('seg_id')} (segment {node.get('seg_count')}, line {node.get('cur_line')})"
    return f"{where} element {node.get('ele_pos')}"  # "elements", the last level
