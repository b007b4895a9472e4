"""Code-set lookups for coders' tools. Code sets are public data: no tenant, nothing to audit."""
from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.coding import icd10cm
from chalicelib.coding.models import CodeSetOut, Icd10InSetOut, Icd10Out, Icd10Query, Icd10SearchQuery
from chalicelib.core.errors import NotFound


def _fields(code: icd10cm.Icd10Code, code_set: icd10cm.CodeSet) -> dict[str, Any]:
    return {"code": code.code, "dotted": code.dotted, "billable": code.billable, "description": code.description,
            "code_set": CodeSetOut(name=code_set.name, release=code_set.release.isoformat(),
                                   in_effect_from=code_set.starts.isoformat(), in_effect_to=code_set.ends.isoformat())}


def _on_date(code: str, day: date) -> dict[str, Any]:
    problems, note = icd10cm.validate_diagnosis(code, day), icd10cm.basis(day).note()
    return {"problems_on_date": [p.message for p in problems if p.severity == "error"],
            "warnings_on_date": [p.message for p in problems if p.severity == "warning"] + ([note] if note else [])}


def get_icd10(code: str, query: Icd10Query) -> Icd10Out:
    """The code as the code set judging `query.date` has it (the newest without a date). A code that set lacks
    is shown as the newest loaded set has it, and `problems_on_date` says why it cannot be billed then."""
    years = icd10cm.history(code)
    if not years:
        raise NotFound("No such ICD-10-CM code in the loaded code sets.")
    wanted = icd10cm.code_set_for(query.date)
    code_set, found = next(((s, c) for s, c in years if s == wanted), years[-1])
    in_sets = [Icd10InSetOut(name=s.name, billable=c.billable, description=c.description) for s, c in years]
    return Icd10Out(**_fields(found, code_set), code_sets=in_sets, **(_on_date(code, query.date) if query.date else {}))


def search_icd10(query: Icd10SearchQuery) -> list[Icd10Out]:
    code_set = icd10cm.code_set_for(query.date)
    found = icd10cm.search(query.prefix, query.limit, billable_only=query.billable_only, day=query.date)
    return [Icd10Out(**_fields(c, code_set)) for c in found]
