"""The app secret (Secrets Manager), fetched once per container and cached."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.core import aws


@dataclass(frozen=True)
class AppSecret:
    root_key: str
    signing_key: bytes
    # Stripe's secret API key and the webhook endpoint's signing secret. Empty when the secret lacks them:
    # then no Stripe call is made and every webhook fails verification (400), never passes unverified.
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""


@lru_cache(maxsize=1)
def get_app_secret() -> AppSecret:
    from chalicelib.core.settings import get_settings

    raw = aws.client("secretsmanager").get_secret_value(SecretId=get_settings().secret_id)
    values = json.loads(raw["SecretString"])
    return AppSecret(root_key=values["root_key"], signing_key=values["signing_key"].encode(),
                     stripe_secret_key=values.get("stripe_secret_key", ""),
                     stripe_webhook_secret=values.get("stripe_webhook_secret", ""))
