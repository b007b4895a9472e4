"""Routes of claim tracking: the inbound EDI files (999, 277CA, 277) and what they did."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.tracking.models")
files = lazy_module("chalicelib.tracking.edi_files")
inbox = lazy_module("chalicelib.tracking.inbox")
inquiries = lazy_module("chalicelib.tracking.status_inquiry")
types = Schemas("chalicelib.core.types")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
READ, WRITE = "claims:read", "claims:write"
CLAIM = "/practices/{practice_id}/claims/{claim_id}"


@endpoint(bp, "POST", CLAIM + "/status-inquiries", tag="tracking", permission=WRITE,
          body=models.StatusInquiryCreate, response=models.StatusInquiryOut, status=201, audit_entity="claim")
def create_status_inquiry(call: Call) -> Any:
    """Ask the payer where the claim stands (a 276); the 277's answer is kept on the claim and its history."""
    return inquiries.inquire(call.scope, call.path["claim_id"], call.audit)


@endpoint(bp, "GET", CLAIM + "/status-inquiries", tag="tracking", permission=READ, query=types.PageQuery,
          response=models.StatusInquiryOut, list_response=True, audit_entity="claim")
def list_status_inquiries(call: Call) -> Page:
    """The claim's status inquiries and their answers."""
    return inquiries.list_inquiries(call.scope, call.path["claim_id"], call.query)


@endpoint(bp, "GET", "/practices/{practice_id}/edi-files", tag="tracking", permission=READ,
          query=models.EdiFileQuery, response=models.EdiFileOut, list_response=True, audit_entity="edi_file")
def list_edi_files(call: Call) -> Page:
    """Inbound files that touched the practice's claims, oldest first: `processed`, or `failed` with the reason."""
    return files.list_files(call.scope, call.query)


@endpoint(bp, "GET", "/practices/{practice_id}/edi-files/{file_id}", tag="tracking", permission=READ,
          response=models.EdiFileOut, audit_entity="edi_file")
def get_edi_file(call: Call) -> Any:
    """One inbound file: what it did to each of the practice's claims."""
    return files.get_file(call.scope, call.path["file_id"])


@endpoint(bp, "GET", "/edi-files", tag="tracking", permission=READ, query=models.FirmEdiFileQuery,
          response=models.FirmEdiFileOut, list_response=True)
def list_firm_edi_files(call: Call) -> Page:
    """Every inbound file of the firm's mailbox by status (default `failed`), for keys that see all practices."""
    return files.list_firm_files(call.principal, call.query)


@endpoint(bp, "POST", "/edi-files/{file_id}/reprocess", tag="tracking", permission=WRITE,
          body=models.EdiFileReprocess, response=models.FirmEdiFileOut)
def reprocess_edi_file(call: Call) -> Any:
    """Run a file left `processing` or `failed` again from its bytes (keys that see all practices)."""
    return files.firm_out(inbox.reprocess(call.principal, call.path["file_id"]))
