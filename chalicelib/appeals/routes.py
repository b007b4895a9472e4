"""Routes of appeals: make one from a denial, a practice's list (newest, or of a status by due date), one of them,
moving it on, its letter as a signed URL, and its attachments. Thin: parse, authorize (in `endpoint`), call the
service, return."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint, expected_version
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.appeals.models")
appeals = lazy_module("chalicelib.appeals.service")
letters = lazy_module("chalicelib.appeals.letters")

bp = Blueprint(__name__)
Page = tuple[list[Any], "str | None"]
READ, WRITE = "claims:read", "claims:write"
BASE = "/practices/{practice_id}/appeals"


@endpoint(bp, "POST", "/practices/{practice_id}/denials/{denial_id}/appeals", tag="appeals", permission=WRITE,
          body=models.AppealCreate, response=models.AppealOut, status=201, audit_entity="appeal")
def create_appeal(call: Call) -> Any:
    """Appeal a denial at a level (first, second, external_review) within the payer's window, with a reminder."""
    return appeals.create(call.scope, call.path["denial_id"], call.body, call.audit)


@endpoint(bp, "GET", BASE, tag="appeals", permission=READ, query=models.AppealQuery, response=models.AppealOut,
          list_response=True, audit_entity="appeal")
def list_appeals(call: Call) -> Page:
    """The practice's appeals, newest first, or of one status (`status`) soonest due first."""
    return appeals.list_for_practice(call.scope, call.query)


@endpoint(bp, "GET", BASE + "/{appeal_id}", tag="appeals", permission=READ, response=models.AppealOut,
          audit_entity="appeal")
def get_appeal(call: Call) -> Any:
    """One appeal: level, window and due date, status, attachments and the outcome an 835 linked."""
    return appeals.get(call.scope, call.path["appeal_id"])


@endpoint(bp, "PATCH", BASE + "/{appeal_id}", tag="appeals", permission=WRITE, body=models.AppealUpdate,
          response=models.AppealOut, audit_entity="appeal")
def update_appeal(call: Call) -> Any:
    """Edit a draft's reason, or move it on: draft -> sent -> won, partly_won or lost (closes its reminder)."""
    return appeals.update(call.scope, call.path["appeal_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "POST", BASE + "/{appeal_id}/letter", tag="appeals", permission=WRITE, response=models.LetterOut,
          status=201, audit_entity="appeal_letter")
def render_letter(call: Call) -> Any:
    """Render the appeal letter as a PDF (with the proof of timely filing for such a denial): a signed URL."""
    return letters.render_letter(call.scope, call.path["appeal_id"], call.audit)


@endpoint(bp, "POST", BASE + "/{appeal_id}/attachments", tag="appeals", permission=WRITE,
          body=models.AttachmentIn, response=models.AttachmentMade, status=201, audit_entity="appeal_attachment")
def add_attachment(call: Call) -> Any:
    """Attach a file: a small one as base64, or a presigned POST that takes only the declared type and size."""
    return letters.add_attachment(call.scope, call.path["appeal_id"], call.body, expected_version(call), call.audit)


@endpoint(bp, "GET", BASE + "/{appeal_id}/attachments", tag="appeals", permission=READ,
          response=models.AttachmentListed, list_response=True, audit_entity="appeal_attachment")
def list_attachments(call: Call) -> Page:
    """The appeal's attachments, each with a signed URL once stored."""
    return letters.attachments(call.scope, call.path["appeal_id"])
