"""Routes of the code-set lookups: any firm key may use them."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.coding.models")
coding = lazy_module("chalicelib.coding.service")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/codes/icd10cm/{code}", tag="code sets", query=models.Icd10Query, response=models.Icd10Out)
def get_icd10cm(call: Call) -> Any:
    """One ICD-10-CM code (with or without the dot): billable or a header, its description, in each loaded
    code set; with `date`, what would stop it from being billed for that date of service, judged with the
    code set in force on that date."""
    return coding.get_icd10(call.path["code"], call.query)


@endpoint(bp, "GET", "/codes/icd10cm", tag="code sets", query=models.Icd10SearchQuery, response=models.Icd10Out,
          list_response=True)
def search_icd10cm(call: Call) -> tuple[list[Any], None]:
    """ICD-10-CM codes starting with a prefix, in code order (a coder's type-ahead), from the code set in force
    on `date` (the newest loaded without one)."""
    return coding.search_icd10(call.query), None
