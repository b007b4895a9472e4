"""Who is calling: the API-key authorizer's lookup. One GetItem per request, no cache, so a revoked
key stops working at once (the Chalice authorizer runs with ttl_seconds=0 for the same reason)."""
from __future__ import annotations

from chalicelib.core import auth
from chalicelib.core.auth import Principal
from chalicelib.core.ids import is_id
from chalicelib.core.secrets import get_app_secret
from chalicelib.db import keys
from chalicelib.db.models import ApiKey

ROOT_KEY_ID = "root"


def authenticate(token: str | None) -> Principal | None:
    if not token:
        return None
    token = token.removeprefix("Bearer ").strip()
    parsed = auth.parse_token(token)
    if parsed is None:
        if auth.root_matches(token, get_app_secret().root_key):
            return Principal(ROOT_KEY_ID, "", auth.PLATFORM, frozenset())
        return None
    firm_id, key_id, secret = parsed
    if not (is_id(firm_id) and is_id(key_id)):
        return None
    try:
        key = ApiKey.get(keys.firm_pk(firm_id), keys.api_key_sk(key_id))
    except ApiKey.DoesNotExist:
        return None
    if not isinstance(key, ApiKey) or key.revoked_at or not auth.secret_matches(secret, key.secret_hash):
        return None
    practices = None if key.all_practices else frozenset(key.practice_ids)
    return Principal(key.id, key.firm_id, key.role, practices)
