"""The professional claim (837P, 005010X222A1): loop 2300 and what hangs under it, for one claim.

`writer.write_837` writes the envelope and the HL levels above (billing provider, subscriber, patient)
and calls `check` then `claim_loop` for each claim of a professional batch. Segment order follows the
guide's loop 2300 table: CLM, REF (9F, G1, F8), HI, 2310A referring, 2310B rendering, 2320/2330 earlier payers
(coordination.py), then the 2400 lines, each ending with the earlier payers' 2430.
"""
from __future__ import annotations

import re

from chalicelib.edi.claim import coordination
from chalicelib.edi.claim.document import Claim, ClaimDocument, Line
from chalicelib.edi.claim.values import (
    VERSION_P,
    Checks,
    amount,
    line_dates_and_references,
    provider_name,
    references,
    yes_no,
)
from chalicelib.edi.x12.writer import Composite, SegmentSpec, comp

VERSION = VERSION_P
MAX_LINES = 50  # loop 2400 repeats at most 50 times per claim
MAX_DIAGNOSES = 12  # HI01..HI12: ABK principal, then ABF
MAX_POINTERS = 4  # SV107-1..SV107-4
_PLACE = re.compile(r"^\d{2}$")  # CMS place of service code
_PROCEDURE = re.compile(r"^[0-9A-Z]{5}$")  # CPT or HCPCS level II
_FREQUENCY = re.compile(r"^[0-9]$")


def check(document: ClaimDocument) -> None:
    claim = document.claim
    checks = Checks(document, VERSION)
    checks.claim(claim, MAX_LINES)
    checks.diagnoses(claim.diagnoses, MAX_DIAGNOSES)
    checks.require("place_of_service", bool(_PLACE.match(claim.place_of_service)))
    checks.require("frequency_code", bool(_FREQUENCY.match(claim.frequency_code)))
    if claim.rendering is not None:
        checks.provider("rendering", claim.rendering)
    for line in claim.lines:
        where = f"line {line.number}"
        checks.require(f"{where}.procedure_code", bool(_PROCEDURE.match(line.procedure_code)))
        checks.require(f"{where}.place_of_service",
                       not line.place_of_service or bool(_PLACE.match(line.place_of_service)))
        # SV107: one to four pointers, each naming a diagnosis of this claim's HI.
        checks.require(f"{where}.diagnosis_pointers", 1 <= len(line.diagnosis_pointers) <= MAX_POINTERS and all(
            type(p) is int and 1 <= p <= len(claim.diagnoses) for p in line.diagnosis_pointers))
    if document.other_payers:
        coordination.check(checks, document, institutional=False)


def claim_loop(document: ClaimDocument) -> list[SegmentSpec]:
    """Loop 2300 with its 2310A/2310B providers and 2400 lines; `check` has passed."""
    claim = document.claim
    segments: list[SegmentSpec] = [
        ("CLM", claim.patient_control_number, amount(claim.total_charge_cents), "", "",
         comp(claim.place_of_service, "B", claim.frequency_code), yes_no(claim.provider_signature), claim.assignment,
         yes_no(claim.benefits_assigned), claim.release_of_information),
        *references(claim),
        ("HI", *_diagnoses(claim)),
    ]
    if claim.referring is not None:
        segments.append(provider_name("DN", claim.referring))
    rendering = claim.rendering
    # 2310B is required only when the rendering provider differs from the billing provider (X222A1 2310B note).
    if rendering is not None and rendering.npi != document.billing.npi:
        segments.append(provider_name("82", rendering))
        if rendering.taxonomy_code:
            segments.append(("PRV", "PE", "PXC", rendering.taxonomy_code))
    others = document.other_payers  # none on a primary claim: its lines are written as they always were
    if others:
        segments += coordination.claim_loops(document)
    for line in claim.lines:
        segments += _line(line, claim.place_of_service)
        if others:
            segments += coordination.line_loops(document, line, institutional=False)
    return segments


def _diagnoses(claim: Claim) -> list[Composite]:
    """ICD-10-CM qualifiers: ABK for the principal diagnosis, ABF for the others (BK/BF are ICD-9)."""
    principal, *others = claim.diagnoses
    return [comp("ABK", principal), *(comp("ABF", code) for code in others)]


def _line(line: Line, claim_place: str) -> list[SegmentSpec]:
    # SV105 only when the line's place of service differs from CLM05-1 (X222A1 2400 SV105 note).
    place = line.place_of_service if line.place_of_service != claim_place else ""
    service: SegmentSpec = ("SV1", comp("HC", line.procedure_code, *line.modifiers), amount(line.charge_cents), "UN",
                            str(line.units), place, "", comp(*(str(p) for p in line.diagnosis_pointers)))
    return [("LX", str(line.number)), service, *line_dates_and_references(line)]
