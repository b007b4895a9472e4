"""Appeals' worlds: a practice whose claim an 835 through the inbox denied (tests/api/denials_world.py), the
denial's appeal made through the API, and a later 835 that pays the claim, recorded as the remittance's claim
payment the poster will hand `appeals.service.outcome_items`."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from chalicelib.core.clock import utcnow
from chalicelib.db import batched, keys
from chalicelib.db.models import Item
from chalicelib.edi.remittance.writer import build_835
from chalicelib.edi.x12 import ControlNumbers, Parties
from chalicelib.remits.items import RemittanceClaim, RemittanceItem
from tests.api.denials_world import deliver_and_open, denied_claim, open_denials
from tests.api.test_remittances import PAYEE, PAYER, an_835, answer, submitted
from tests.api.test_tracking import answer_batches, deliver, submit_all
from tests.dates import at_desk, days_ago, today


def ok(api, practice, method, path, body=None, status=200, **kw):
    code, got, _ = api.call(method, practice.base + path, body, key=practice.admin, **kw)
    assert code == status, got
    return got


def denial(app, api, practice, reason: str = "29", name: str = "era-a1", first_day: int = 10,
           acknowledged: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """A claim of the practice (of a visit `first_day` days ago: one a day, or it is a duplicate), sent (with
    `acknowledged`, accepted by the sandbox's 999 and 277CA through the inbox) and denied for CARC `reason` by an
    835 through the inbox: (claim, denial)."""
    if acknowledged:
        made = practice.claim(at=at_desk(days_ago(first_day)))
        answer_batches(app, submit_all(practice))
    else:
        [made] = submitted(practice, first_day=first_day)
    deliver_and_open(app, practice, [denied_claim(made, reason)], name)
    [found] = [d for d in ok(api, practice, "GET", "/denials")["data"] if d["claim_id"] == made["id"]]
    return made, found


def denial_paid_on(app, api, practice, paid_on: date, name: str, first_day: int = 10) -> dict[str, Any]:
    """A claim denied (CO-50) by an 835 whose payment date is `paid_on`: its denial."""
    [made] = submitted(practice, first_day=first_day)
    text = build_835(PAYER, PAYEE, [denied_claim(made, "50")], trace_number=name.upper(), paid_on=paid_on,
                     parties=Parties("ZZ", "SANDBOXPAYER", "ZZ", "REVCYCLE"), controls=ControlNumbers(902, 902, 1),
                     created=datetime.now(timezone.utc), usage="T")
    deliver(app, f"inbox/{practice.firm_id}/{name}.835", text)
    open_denials(practice.id, practice.firm_id)
    [found] = [d for d in ok(api, practice, "GET", "/denials")["data"] if d["claim_id"] == made["id"]]
    return found


def appeal(api, practice, denial_id: str, level: str = "first", status: int = 201) -> dict[str, Any]:
    return ok(api, practice, "POST", f"/denials/{denial_id}/appeals",
              {"level": level, "reason": "Filed on time: the 999 and 277CA accepted it within the limit."}, status)


def move(api, practice, appeal_: dict[str, Any], status: str, expect: int = 200, **extra: Any) -> dict[str, Any]:
    return ok(api, practice, "PATCH", f"/appeals/{appeal_['id']}", {"status": status, **extra}, expect,
              headers={"If-Match": str(appeal_["version"])})


def paid_later(app, practice, made: dict[str, Any], name: str, paid: Any = None) -> RemittanceClaim:
    """A later 835 paying the claim (`paid`: the answer, by default every line paid): its recorded claim payment."""
    deliver(app, f"inbox/{practice.firm_id}/{name}.835", an_835([paid or answer(made)], trace=name.upper()))
    found = list(Item.query(keys.practice_pk(practice.id), Item.sk.startswith("REMITTANCE#"), consistent_read=True))
    mine = {r.id for r in found if isinstance(r, RemittanceItem) and r.trace_number == name.upper()}
    [record] = [r for r in found if isinstance(r, RemittanceClaim) and r.remittance_id in mine]
    return record


def decided_by(record: RemittanceClaim) -> batched.Written:
    """The appeals the claim payment decides made again, as a retried posting would, saved in one unit."""
    from chalicelib.appeals import service as appeals

    items = appeals.outcome_items(record, paid_on=today(), now=utcnow())  # an_835's payment date
    return batched.write([batched.Unit(f"appeals of {record.sk}", saves=items)] if items else [])
