"""Clearinghouse adapters. `get_eligibility_gateway()` picks one by settings, once per container.

Kept light: nothing here imports boto3, tenacity or the X12 modules until a gateway is asked for.
"""
from __future__ import annotations

from functools import lru_cache

from chalicelib.clearinghouse.gateway import (
    ClearinghouseError,
    ClearinghouseRejected,
    ClearinghouseUnavailable,
    EligibilityGateway,
)

__all__ = ["ClearinghouseError", "ClearinghouseRejected", "ClearinghouseUnavailable", "EligibilityGateway",
           "get_eligibility_gateway"]


@lru_cache(maxsize=1)
def get_eligibility_gateway() -> EligibilityGateway:
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    if settings.clearinghouse == "realtime":
        from chalicelib.clearinghouse.realtime import RealtimeGateway, secrets_manager_credentials

        if not settings.clearinghouse_url or not settings.clearinghouse_secret_id:
            raise RuntimeError("REVCYCLE_CLEARINGHOUSE_URL and REVCYCLE_CLEARINGHOUSE_SECRET_ID must be set "
                               "when REVCYCLE_CLEARINGHOUSE is realtime")
        return RealtimeGateway(settings.clearinghouse_url,
                               secrets_manager_credentials(settings.clearinghouse_secret_id))
    from chalicelib.clearinghouse.sandbox import SandboxPayer

    return SandboxPayer()
