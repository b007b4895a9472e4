"""Settings: one model, read once from the environment at cold start.

Every variable is listed in the README. AWS endpoints are not settings of ours: botocore reads (core/aws.py)
the standard `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to the local stack or to AWS.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field

PREFIX = "REVCYCLE_"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: Literal["local", "test", "prod"] = "local"
    table_name: str = "revcycle"
    edi_bucket: str = "revcycle-edi"
    documents_bucket: str = "revcycle-documents"
    jobs_queue: str = "revcycle-jobs"
    secret_id: str = "revcycle/app"
    max_body_bytes: int = Field(default=262_144, gt=0)
    log_level: str = "INFO"
    # Where stripe-python sends API calls: localstripe locally; empty means Stripe itself (api.stripe.com).
    stripe_api_base: str = ""
    # Eligibility (270/271): the sandbox payer locally and in tests; a clearinghouse's real-time API in
    # production, its credentials in the named Secrets Manager secret. ISA15: T test data, P production.
    clearinghouse: Literal["sandbox", "realtime"] = "sandbox"
    clearinghouse_url: str = ""
    clearinghouse_secret_id: str = ""
    usage_indicator: Literal["T", "P"] = "T"
    # 837 submissions: the firm's submitter id at its clearinghouse (ISA06/GS02 and 1000A NM109, the ETIN),
    # the contact the clearinghouse calls about a file (1000A PER), and the clearinghouse's receiver id.
    submitter_id: str = Field(default="REVCYCLE01", min_length=2, max_length=15, pattern=r"^[A-Z0-9]+$")
    submitter_contact_name: str = "BILLING OFFICE"
    submitter_contact_phone: str = Field(default="8005550100", pattern=r"^\d{10}$")
    clearinghouse_receiver_id: str = Field(default="SANDBOXCH", min_length=2, max_length=15, pattern=r"^[A-Z0-9]+$")
    # Claim follow-up defaults (each payer may override the first three): days from submission to the 999 and to
    # the 277CA, days from acceptance to payment, how many days before the filing limit a claim not yet
    # accepted becomes urgent, and how long after a status inquiry the claim is looked at again.
    days_to_999: int = Field(default=2, ge=1, le=30)
    days_to_277ca: int = Field(default=5, ge=1, le=60)
    expected_payment_days: int = Field(default=30, ge=1, le=365)
    timely_filing_alert_days: int = Field(default=14, ge=1, le=90)
    follow_up_recheck_days: int = Field(default=14, ge=1, le=90)
    # How many real-time 276s the follow-up job has in flight at once (tracking/status_batch.py): within what the
    # clearinghouse's account allows (a 429 is retried with backoff, each a lost round trip).
    status_inquiries_at_once: int = Field(default=5, ge=1, le=50)
    # The sandbox payer (the local stack's, REVCYCLE_CLEARINGHOUSE=sandbox): how long after its 277CA accepts a
    # claim it pays it in an 835, as a payer takes a while (local/sandbox_payer.py). Nothing in Lambda reads it.
    sandbox_payment_delay_seconds: int = Field(default=30, ge=0, le=86_400)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        values = {
            name: env[PREFIX + name.upper()]
            for name in cls.model_fields
            if PREFIX + name.upper() in env
        }
        return cls(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
