"""Coding a visit: the diagnoses and priced service lines a claim will be built from.

Errors refuse the whole coding (422, each problem with its field). Diagnoses are judged with the ICD-10-CM code
set in force on the visit's date; when that year's set is not loaded, the nearest loaded one judges them, the
coding says so once in its warnings, and a code that set does not know is kept with a warning of its own.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from chalicelib.coding import icd10cm
from chalicelib.coding.institutional import is_revenue_code
from chalicelib.coding.modifiers import modifier_problems
from chalicelib.coding.procedures import WORDS as PROCEDURE_WORDS
from chalicelib.coding.procedures import is_procedure_code
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, field_error
from chalicelib.db import keys, store
from chalicelib.tenants.setup import fee_on
from chalicelib.visits import service as visits
from chalicelib.visits.coding_models import (
    DIAGNOSIS_WORDS,
    POINTER_WORDS,
    REVENUE_CODE_WORDS,
    CodingIn,
    CodingOut,
    LineIn,
)
from chalicelib.visits.items import Visit, VisitCoding


def _diagnoses(codes: list[str], day: date) -> tuple[list[str], list[dict[str, str]], list[str]]:
    note = icd10cm.basis(day).note()
    normalized, errors, warnings = [], [], [note] if note and codes else []
    for i, code in enumerate(codes):
        key = icd10cm.normalize(code)
        if key is None or key in normalized:
            errors.append(field_error(f"diagnoses.{i}", f"not an ICD-10-CM code: {DIAGNOSIS_WORDS}" if key is None
                                      else "listed twice: give each diagnosis once"))
            continue
        normalized.append(key)
        for problem in icd10cm.validate_diagnosis(key, day):
            if problem.severity == "error":
                errors.append(field_error(f"diagnoses.{i}", problem.message))
            else:
                warnings.append(problem.message)
    return normalized, errors, warnings


def _line(scope: PracticeScope, i: int, line: LineIn, day: date, diagnosis_count: int) -> tuple[dict[str, Any],
                                                                                                list[dict[str, str]]]:
    errors = []
    if not is_procedure_code(line.code):
        errors.append(field_error(f"lines.{i}.code", f"not a CPT or HCPCS Level II code: {PROCEDURE_WORDS}"))
    errors += [field_error(f"lines.{i}.modifiers", p) for p in modifier_problems(line.modifiers)]
    if any(p > diagnosis_count for p in line.diagnosis_pointers):
        errors.append(field_error(f"lines.{i}.diagnosis_pointers",
                                  f"points past the listed diagnoses: {POINTER_WORDS}, {diagnosis_count} for the last"))
    if line.revenue_code and not is_revenue_code(line.revenue_code):
        errors.append(field_error(f"lines.{i}.revenue_code", f"not a UB-04 revenue code: {REVENUE_CODE_WORDS}"))
    unit = line.unit_charge_cents or fee_on(scope, line.code, day)
    if unit is None:
        errors.append(field_error(f"lines.{i}.unit_charge_cents",
                                  f"no fee schedule entry for {line.code} on {day}: give the charge"))
        unit = 0
    priced = {"code": line.code, "modifiers": line.modifiers, "units": line.units, "unit_charge_cents": unit,
              "charge_cents": unit * line.units, "diagnosis_pointers": line.diagnosis_pointers,
              "charge_source": "override" if line.unit_charge_cents else "fee_schedule",
              "revenue_code": line.revenue_code}
    return priced, errors


def _coding_item(scope: PracticeScope, visit_id: str) -> VisitCoding | None:
    try:
        return VisitCoding.get(keys.practice_pk(scope.practice_id), keys.visit_coding_sk(visit_id))
    except VisitCoding.DoesNotExist:
        return None


def out(item: VisitCoding) -> CodingOut:
    return CodingOut(visit_id=item.visit_id, version=item.version, updated_at=item.updated_at,
                     diagnoses=json.loads(item.diagnoses), lines=json.loads(item.lines),
                     rendering_provider_id=item.rendering_provider_id,
                     total_charge_cents=int(item.total_charge_cents), warnings=json.loads(item.warnings))


def get(scope: PracticeScope, visit_id: str) -> CodingOut:
    visits.require(scope, visit_id)
    item = _coding_item(scope, visit_id)
    if item is None:
        raise NotFound("This visit has not been coded.")
    return out(item)


def _require_codable(scope: PracticeScope, visit_id: str, data: CodingIn) -> Visit:
    visit = visits.require(scope, visit_id)
    if visit.status != "checked_out":
        raise Conflict(f"A {visit.status} visit is coded after check-out.")
    if data.rendering_provider_id:
        visits.require_provider(scope, data.rendering_provider_id)
    return visit


def code(scope: PracticeScope, visit_id: str, data: CodingIn, version: int | None) -> CodingOut:
    visit = _require_codable(scope, visit_id, data)
    day = date.fromisoformat(visit.visit_date)
    diagnoses, errors, warnings = _diagnoses(data.diagnoses, day)
    lines = []
    for i, line in enumerate(data.lines):
        priced, line_errors = _line(scope, i, line, day, len(data.diagnoses))
        lines.append(priced)
        errors += line_errors
    if errors:
        raise ValidationFailed("The coding has problems; nothing was saved.", errors)
    fields = {"diagnoses": json.dumps(diagnoses), "lines": json.dumps(lines), "warnings": json.dumps(warnings),
              "rendering_provider_id": data.rendering_provider_id or visit.provider_id,
              "total_charge_cents": sum(line["charge_cents"] for line in lines)}
    existing = _coding_item(scope, visit_id)
    if existing is None:
        item = VisitCoding(keys.practice_pk(scope.practice_id), keys.visit_coding_sk(visit_id), id=visit_id,
                           practice_id=scope.practice_id, visit_id=visit_id, created_at=now_iso(), **fields)
        return out(store.create(item, "visit coding"))
    if version is None:
        raise Conflict("This visit is coded already: send the version you read to replace its coding.")
    return out(store.update(existing, fields, version, "visit coding"))
