"""The moto world of bench/tracking.py: the table, the EDI bucket, a firm, stored claims, and AWS calls counted.

Calls are counted by operation on botocore's one call path (`tests/aws_calls.py`, as bench/claims_submit.py
does), and the time spent inside them (botocore and moto) is summed, so what remains of a run's wall time is our
own code: parsing, decisions, PynamoDB, X12 building.

Two departures from `infra/provision.py`, both for moto's sake and neither changing a call the code makes:
- the table is created without its stream (moto keeps every stream record, a second copy of each item);
- moto's TransactWriteItems deep-copies the whole table before each transaction (once per item naming it) so
  that it can roll back: with 100,000 claims stored, a copy of every claim, up to 100 times, for each of the
  thousands of transactions a run makes. `tests/moto_rollback.py` (shared with the API tests) saves only the
  items the transaction names, and puts them back if the transaction is cancelled.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from tests.aws_calls import Calls, counting  # noqa: F401 - the benches take them from here

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("REVCYCLE_STAGE", "test")
os.environ.setdefault("REVCYCLE_LOG_LEVEL", "WARNING")  # one JSON line per file or claim would drown the figures

PAYER = "PAYER1"


@dataclass(frozen=True)
class Tenant:
    firm_id: str
    practice_id: str


@contextmanager
def world() -> Iterator[Tenant]:
    """A fresh moto account: table (from the template, no stream), EDI bucket, app secret, one firm."""
    from moto import mock_aws

    from tests.moto_rollback import item_level_rollback, one_request_at_a_time

    item_level_rollback()
    one_request_at_a_time()
    with mock_aws():
        from chalicelib.core.ids import new_id
        from chalicelib.core.settings import get_settings
        from chalicelib.db import keys
        from chalicelib.db.models import Firm
        from infra.provision import create_bucket, create_table, load_template, put_app_secret, resource_properties

        settings, template = get_settings(), load_template()
        resource_properties(template, "Table").pop("StreamSpecification", None)
        create_table(settings, template)
        create_bucket(settings.edi_bucket, resource_properties(template, "EdiBucket"))
        put_app_secret(settings, {"root_key": "bench-root", "signing_key": "bench-signing",
                                  "stripe_secret_key": "sk_test_x", "stripe_webhook_secret": "whsec_x"})
        tenant = Tenant(new_id(), new_id())
        Firm(keys.firm_pk(tenant.firm_id), keys.FIRM_SK, id=tenant.firm_id, created_at="x", updated_at="x",
             name="Bench").save()
        yield tenant


# --- stored claims -----------------------------------------------------------------------------------------
# Every claim carries a full factory document (about 1.7 KB of JSON, as a built claim keeps). Building one with
# make_document takes about 0.2 ms, so the bulk reuses one document's JSON with the claim's id and number put in.
ID_MARK, PCN_MARK = "IDMARKIDMARKIDMARKIDMARKID", "PCNMARK00"


def document_json() -> str:
    from chalicelib.claims import codec
    from tests.claims_factory import make_document

    return codec.dumps(make_document(patient_control_number=PCN_MARK, claim_id=ID_MARK))


@lru_cache(maxsize=1)
def _rules() -> str:
    from datetime import date

    from chalicelib.claims.followup import Rules

    # A payer with a 365-day filing limit and the settings' defaults: 999 in 2 days, 277CA in 5, paid in 30.
    return Rules(date(2027, 3, 10), days_to_999=2, days_to_277ca=5, expected_payment_days=30).dumps()


def claim_item(tenant: Tenant, pcn: str, document: str, at: str, changes: dict[str, Any] | None,
               event: str = "") -> Any:
    """A claim as the code leaves it: built (ready), then moved by `changes` with their follow-up date."""
    from chalicelib.claims import lifecycle
    from chalicelib.claims.items import ClaimItem
    from chalicelib.core.ids import new_id
    from chalicelib.db import keys

    claim_id = new_id()
    item = ClaimItem(keys.practice_pk(tenant.practice_id), keys.claim_sk(claim_id), id=claim_id, created_at="",
                     practice_id=tenant.practice_id, visit_id=new_id(), patient_id=new_id(),
                     coverage_id=new_id(), payer_ref=PAYER, claim_type="professional", frequency_code="1",
                     patient_control_number=pcn,
                     document=document.replace(ID_MARK, claim_id).replace(PCN_MARK, pcn), findings="[]",
                     error_count=0, warning_count=0, total_charge_cents=15500, service_from="2026-03-10",
                     service_to="2026-03-10", fingerprint=f"fp{pcn}", event_count=0, status="draft",
                     follow_up_rules=_rules())
    lifecycle.stage(item, {"status": "ready"}, "built", "bench", now=at)
    if changes:
        lifecycle.stage(item, changes, event, "bench", now=at)
    item.version = 1  # batch_write does not number versions; a first save would have
    return item


def save_claims(tenant: Tenant, claims: Iterator[Any], pointers: bool) -> int:
    """BatchWriteItem (25 a call); with `pointers`, each claim's ClaimNumber too, as a claim build writes it."""
    from chalicelib.claims.items import ClaimItem, ClaimNumber
    from chalicelib.db import keys

    saved = 0
    with ClaimItem.batch_write() as claim_writer, ClaimNumber.batch_write() as pointer_writer:
        for claim in claims:
            claim_writer.save(claim)
            if pointers:
                pointer_writer.save(ClaimNumber(keys.firm_pk(tenant.firm_id), keys.pcn_sk(claim.patient_control_number),
                                                id=claim.patient_control_number, created_at=claim.created_at,
                                                updated_at=claim.created_at, practice_id=tenant.practice_id,
                                                claim_id=claim.id, version=1))
            saved += 1
    return saved
