"""Code-set lookups for coders' tools. Code sets are public data: no tenant, nothing to audit."""
from __future__ import annotations

from chalicelib.coding import icd10cm
from chalicelib.coding.models import CodeSetOut, Icd10Out, Icd10Query, Icd10SearchQuery
from chalicelib.core.errors import NotFound


def _out(code: icd10cm.Icd10Code, problems: list[str] | None = None) -> Icd10Out:
    code_set = icd10cm.code_set()
    return Icd10Out(code=code.code, dotted=code.dotted, billable=code.billable, description=code.description,
                    code_set=CodeSetOut(name=code_set.name, release=code_set.release.isoformat(),
                                        in_effect_from=code_set.starts.isoformat(),
                                        in_effect_to=code_set.ends.isoformat()),
                    problems_on_date=problems)


def get_icd10(code: str, query: Icd10Query) -> Icd10Out:
    found = icd10cm.lookup(code)
    if found is None:
        raise NotFound("No such ICD-10-CM code in the code set.")
    problems = icd10cm.validate_diagnosis(code, query.date) if query.date else None
    return _out(found, problems)


def search_icd10(query: Icd10SearchQuery) -> list[Icd10Out]:
    return [_out(c) for c in icd10cm.search(query.prefix, query.limit, billable_only=query.billable_only)]
