"""The one Stripe client (stripe-python's `StripeClient`), built on first use and cached per container.

stripe is imported inside the getter, never at import time: app.py's cold start must not pay for it. Calls go
over HTTP to `settings.stripe_api_base` when it is set (localstripe), else to Stripe. The HTTP client is
stripe-python's own unless one was installed with `use_http_client`: tests pass a recording client there to
see what is sent (the `Stripe-Account` header, idempotency keys), which localstripe cannot show.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

from chalicelib.core.errors import Conflict, UpstreamUnavailable
from chalicelib.core.logs import get_logger

if TYPE_CHECKING:
    from stripe import HTTPClient, StripeClient

NETWORK_RETRIES = 2  # stripe-python retries connection errors and 5xx itself, with the same idempotency key
_installed: dict[str, Any] = {"http_client": None}


@lru_cache(maxsize=1)
def get_stripe() -> "StripeClient":
    import stripe

    from chalicelib.core.secrets import get_app_secret
    from chalicelib.core.settings import get_settings

    api_key = get_app_secret().stripe_secret_key
    if not api_key:
        raise UpstreamUnavailable("Stripe is not configured for this deployment.")
    base = get_settings().stripe_api_base
    return stripe.StripeClient(api_key, base_addresses={"api": base} if base else None,
                               http_client=_installed["http_client"], max_network_retries=NETWORK_RETRIES)


def use_http_client(client: "HTTPClient | None") -> None:
    """Send every later Stripe call through `client` (None: stripe-python's default)."""
    _installed["http_client"] = client
    get_stripe.cache_clear()


@contextmanager
def stripe_errors(doing: str) -> Iterator[None]:
    """Stripe's refusals (4xx) answer 409 with Stripe's error code; its failures (5xx, no answer) and a refused
    key (401: this deployment's configuration, not the request) answer 502.

    Only the code is passed on, never Stripe's message: it may quote what was sent.
    """
    import stripe

    try:
        yield
    except stripe.StripeError as error:
        status = error.http_status or 0
        get_logger().warning("stripe call failed", extra={"doing": doing, "stripe_status": status,
                                                          "stripe_code": error.code})
        if 400 <= status < 500 and status != 401:
            raise Conflict(f"Stripe refused to {doing} ({error.code or status}).") from None
        raise UpstreamUnavailable(f"Stripe did not {doing}; retry with the same Idempotency-Key.") from None
