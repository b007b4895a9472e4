"""Routes of the scheduled jobs: platform operators run one now."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.api import Call, endpoint
from chalicelib.core.auth import Auth
from chalicelib.core.lazy import Schemas, lazy_module

models = Schemas("chalicelib.tracking.models")
jobs = lazy_module("chalicelib.jobs.worker")

bp = Blueprint(__name__)


@endpoint(bp, "POST", "/admin/jobs/claim-follow-up/run", tag="platform", auth=Auth.ROOT, permission="jobs:run",
          body=models.FollowUpRun, response=models.FollowUpRunOut, status=202)
def run_claim_follow_up(call: Call) -> Any:
    """Run the daily claim follow-up now: one queue message per practice (platform operators only)."""
    return {"messages": jobs.dispatch_follow_up()}
