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
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.db import keys, store
from chalicelib.db.models import FeeScheduleEntry
from chalicelib.tenants.setup import fee_on, fees_of, provider_key
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


def _line(i: int, line: LineIn, day: date, diagnosis_count: int, fees: dict[str, list[FeeScheduleEntry]]
          ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    errors = []
    if not is_procedure_code(line.code):
        errors.append(field_error(f"lines.{i}.code", f"not a CPT or HCPCS Level II code: {PROCEDURE_WORDS}"))
    errors += [field_error(f"lines.{i}.modifiers", p) for p in modifier_problems(line.modifiers)]
    if any(p > diagnosis_count for p in line.diagnosis_pointers):
        errors.append(field_error(f"lines.{i}.diagnosis_pointers",
                                  f"points past the listed diagnoses: {POINTER_WORDS}, {diagnosis_count} for the last"))
    if line.revenue_code and not is_revenue_code(line.revenue_code):
        errors.append(field_error(f"lines.{i}.revenue_code", f"not a UB-04 revenue code: {REVENUE_CODE_WORDS}"))
    unit = line.unit_charge_cents or fee_on(fees.get(line.code, []), day)
    if unit is None:
        errors.append(field_error(f"lines.{i}.unit_charge_cents",
                                  f"no fee schedule entry for {line.code} on {day}: give the charge"))
        unit = 0
    priced = {"code": line.code, "modifiers": line.modifiers, "units": line.units, "unit_charge_cents": unit,
              "charge_cents": unit * line.units, "diagnosis_pointers": line.diagnosis_pointers,
              "charge_source": "override" if line.unit_charge_cents else "fee_schedule",
              "revenue_code": line.revenue_code}
    return priced, errors


def _coding_key(scope: PracticeScope, visit_id: str) -> store.Key[VisitCoding]:
    return store.Key(VisitCoding, keys.practice_pk(scope.practice_id), keys.visit_coding_sk(visit_id), "coding")


def out(item: VisitCoding) -> CodingOut:
    return CodingOut(visit_id=item.visit_id, version=item.version, updated_at=item.updated_at,
                     diagnoses=json.loads(item.diagnoses), lines=json.loads(item.lines),
                     rendering_provider_id=item.rendering_provider_id,
                     total_charge_cents=int(item.total_charge_cents), warnings=json.loads(item.warnings))


def get(scope: PracticeScope, visit_id: str) -> CodingOut:
    found = store.read(visits.key(scope, visit_id), _coding_key(scope, visit_id))
    found.get(visits.key(scope, visit_id))
    item = found.find(_coding_key(scope, visit_id))
    if item is None:
        raise NotFound("This visit has not been coded.")
    return out(item)


def _codable(scope: PracticeScope, visit_id: str, data: CodingIn
             ) -> tuple[Visit, VisitCoding | None, dict[str, list[FeeScheduleEntry]]]:
    """One round trip: the visit, its coding if any and the provider named, with the fee schedule entries of
    the codes sent without a charge."""
    provider = provider_key(scope, data.rendering_provider_id) if data.rendering_provider_id else None
    found, fees = together(lambda: store.read(visits.key(scope, visit_id), _coding_key(scope, visit_id), provider),
                           lambda: fees_of(scope, {line.code for line in data.lines if not line.unit_charge_cents}))
    visit = found.get(visits.key(scope, visit_id))
    if visit.status != "checked_out":
        raise Conflict(f"A {visit.status} visit is coded after check-out.")
    if provider is not None:
        visits.require_rendering(found.find(provider), "rendering_provider_id")
    return visit, found.find(_coding_key(scope, visit_id)), fees


def code(scope: PracticeScope, visit_id: str, data: CodingIn, version: int | None, audit: Audit | None = None
         ) -> CodingOut:
    visit, existing, fees = _codable(scope, visit_id, data)
    day = date.fromisoformat(visit.visit_date)
    diagnoses, errors, warnings = _diagnoses(data.diagnoses, day)
    lines = []
    for i, line in enumerate(data.lines):
        priced, line_errors = _line(i, line, day, len(data.diagnoses), fees)
        lines.append(priced)
        errors += line_errors
    if errors:
        raise ValidationFailed("The coding has problems; nothing was saved.", errors)
    fields = {"diagnoses": json.dumps(diagnoses), "lines": json.dumps(lines), "warnings": json.dumps(warnings),
              "rendering_provider_id": data.rendering_provider_id or visit.provider_id,
              "total_charge_cents": sum(line["charge_cents"] for line in lines)}
    if existing is None:
        item = VisitCoding(keys.practice_pk(scope.practice_id), keys.visit_coding_sk(visit_id), id=visit_id,
                           practice_id=scope.practice_id, visit_id=visit_id, created_at=now_iso(), **fields)
        return out(store.create(item, "visit coding", audit))
    if version is None:
        raise Conflict("This visit is coded already: send the version you read to replace its coding.")
    return out(store.update(existing, fields, version, "visit coding", audit))
