"""Clearinghouse adapters. `get_eligibility_gateway()` (270/271) and `get_status_gateway()` (276/277) pick
one by the same settings, once per container: the sandbox payer, or the clearinghouse's real-time API.

Kept light: nothing here imports botocore, tenacity or the X12 modules until a gateway is asked for.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.clearinghouse.gateway import (
    ClaimStatusGateway,
    ClearinghouseError,
    ClearinghouseRejected,
    ClearinghouseUnavailable,
    EligibilityGateway,
)

if TYPE_CHECKING:
    from chalicelib.clearinghouse.realtime import RealtimeGateway

__all__ = ["ClaimStatusGateway", "ClearinghouseError", "ClearinghouseRejected", "ClearinghouseUnavailable",
           "EligibilityGateway", "get_eligibility_gateway", "get_status_gateway"]


@lru_cache(maxsize=1)
def get_eligibility_gateway() -> EligibilityGateway:
    realtime = _realtime_gateway()
    if realtime is not None:
        return realtime
    from chalicelib.clearinghouse.sandbox import SandboxPayer

    return SandboxPayer()


@lru_cache(maxsize=1)
def get_status_gateway() -> ClaimStatusGateway:
    realtime = _realtime_gateway()
    if realtime is not None:
        return realtime
    from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer

    return SandboxStatusPayer()


def _realtime_gateway() -> RealtimeGateway | None:
    """The real-time API when the settings ask for it, else None (the sandbox). Not cached itself: each getter
    above keeps what it got, and tests that change the settings clear those."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    if settings.clearinghouse != "realtime":
        return None
    from chalicelib.clearinghouse.realtime import RealtimeGateway, secrets_manager_credentials

    if not settings.clearinghouse_url or not settings.clearinghouse_secret_id:
        raise RuntimeError("REVCYCLE_CLEARINGHOUSE_URL and REVCYCLE_CLEARINGHOUSE_SECRET_ID must be set "
                           "when REVCYCLE_CLEARINGHOUSE is realtime")
    return RealtimeGateway(settings.clearinghouse_url, secrets_manager_credentials(settings.clearinghouse_secret_id))
