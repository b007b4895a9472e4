"""The front desk's moves of a visit. Check-in is where eligibility is confirmed and the co-pay is shown."""
from __future__ import annotations

from typing import Any

from chalicelib.core.auth import PracticeScope
from chalicelib.visits import service as visits
from chalicelib.visits.models import CheckIn, VisitOut


def check_in(scope: PracticeScope, visit_id: str, data: CheckIn, version: int) -> VisitOut:
    return VisitOut.model_validate(visits.move(scope, visit_id, "check_in", version))


def transition(scope: PracticeScope, visit_id: str, move: str, version: int, **changes: Any) -> VisitOut:
    return VisitOut.model_validate(visits.move(scope, visit_id, move, version, **changes))
