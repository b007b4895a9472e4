"""Routes of CMS's NCCI edit tables: platform operators (the root key) see and load them. Thin: parse, call."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.auth import Auth
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.scrubbing.models")
service = lazy_module("chalicelib.scrubbing.service")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/admin/edit-tables", tag="platform", auth=Auth.ROOT, permission="edit-tables:read",
          response=models.EditTableOut, list_response=True)
def list_edit_tables(call: Call) -> tuple[list[Any], None]:
    """CMS's NCCI PTP and MUE tables: loaded or not, the quarter, rows, when, and from which files."""
    return service.list_tables(), None


@endpoint(bp, "GET", "/admin/edit-tables/{name}", tag="platform", auth=Auth.ROOT, permission="edit-tables:read",
          response=models.EditTableOut)
def get_edit_table(call: Call) -> Any:
    """One of CMS's NCCI tables (ptp-practitioner, mue-practitioner, ptp-outpatient, mue-outpatient)."""
    return service.get_table(call.path["name"])


@endpoint(bp, "POST", "/admin/edit-tables/{name}/load", tag="platform", auth=Auth.ROOT,
          permission="edit-tables:load", body=models.EditTableLoad, response=models.EditTableOut)
def load_edit_table(call: Call) -> Any:
    """Load a quarter's CMS files, uploaded under reference/ncci/ in the documents bucket, as the table."""
    return service.load_table(call.path["name"], call.body)
