"""The DynamoDB and S3 calls of one claim submission of N ready claims, in-process against moto.

Used by bench/claims.py. Every AWS call any client makes is counted by operation, by wrapping botocore's one
call path (`BaseClient._make_api_call`), so PynamoDB's clients and boto3's are counted alike.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")


@contextmanager
def counting() -> Iterator[Counter]:
    from botocore.client import BaseClient

    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counted(self, operation_name, api_params):  # type: ignore[no-untyped-def]
        calls[f"{self.meta.service_model.service_name}:{operation_name}"] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counted
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original


def _store_ready_claims(practice_id: str, count: int) -> list[str]:
    from chalicelib.claims import codec, lifecycle
    from chalicelib.claims.items import ClaimItem
    from chalicelib.core.ids import new_id
    from chalicelib.db import keys
    from tests.claims_factory import make_document

    ids = []
    with ClaimItem.batch_write() as writer:
        for n in range(count):
            claim_id, pcn = new_id(), f"{n + 1:09d}"
            document = make_document(patient_control_number=pcn, claim_id=claim_id)
            item = ClaimItem(keys.practice_pk(practice_id), keys.claim_sk(claim_id), id=claim_id, created_at="",
                             practice_id=practice_id, visit_id=new_id(), patient_id=new_id(), coverage_id=new_id(),
                             payer_ref="PAYER1", claim_type="professional", frequency_code="1",
                             patient_control_number=pcn, document=codec.dumps(document), findings="[]",
                             error_count=0, warning_count=0, total_charge_cents=document.claim.total_charge_cents,
                             service_from="2026-03-10", service_to="2026-03-10", fingerprint=f"fp{n}",
                             event_count=0, status="draft")
            lifecycle.stage(item, {"status": "ready"}, "built", "bench")
            item.version = 1
            writer.save(item)
            ids.append(claim_id)
    return ids


def submit_calls(count: int) -> tuple[Counter, float]:
    from moto import mock_aws

    with mock_aws():
        from chalicelib.claims.batches import submit
        from chalicelib.claims.models import BatchCreate
        from chalicelib.core.auth import PracticeScope, Principal
        from chalicelib.core.ids import new_id
        from chalicelib.core.settings import get_settings
        from chalicelib.db import keys
        from chalicelib.db.models import Firm
        from infra.provision import provision

        provision(get_settings(), {"root_key": "bench-root", "signing_key": "bench-signing"})
        firm_id, practice_id = new_id(), new_id()
        Firm(keys.firm_pk(firm_id), keys.FIRM_SK, id=firm_id, created_at="x", updated_at="x", name="Bench").save()
        ids = _store_ready_claims(practice_id, count)
        scope = PracticeScope(practice_id, Principal(new_id(), firm_id, "biller", None))
        with counting() as calls:
            start = time.perf_counter()
            answer = submit(scope, BatchCreate(claim_ids=ids))
            seconds = time.perf_counter() - start
        assert answer.claim_count == count, answer
        return calls, seconds
