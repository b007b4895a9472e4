"""The container's AWS clients: one botocore session, one client per service, each made on first use.

A botocore session loads each service's model once, and a client holds one connection pool (in AWS, one TLS
handshake per connection it opens). PynamoDB would give every model class its own session, client and pool,
and `boto3.client(...)` in a function makes a new client per call: each a fresh model load and handshake on
the request that pays it. Every client of the app comes from here instead, DynamoDB's included (PynamoDB's
connection uses `client("dynamodb")`, see db/connection.py).

`SERVICES` is also what the deployment package keeps of botocore's data (tools/package.py): a service missing
here has no model in the Lambda, so asking for one fails loudly in the tests rather than in production.
Endpoints come from botocore's own environment variables (`AWS_ENDPOINT_URL_<SERVICE>`), read when a client
is made; tests start moto before the first client exists, and moto intercepts every client of every session
made after it was imported, so a client cached by one test is still mocked in the next.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.session import Session

SERVICES = ("dynamodb", "s3", "sqs", "secretsmanager")

# chalice local serves requests on threads; a botocore session must not make two clients at once.
_lock = threading.Lock()


def _config(service: str) -> Any:
    from botocore.config import Config

    if service == "dynamodb":
        # PynamoDB's own defaults for its client (pynamodb/settings.py), kept now that the client is ours:
        # no client-side parameter validation, 4 attempts in standard retry mode, its timeouts and pool.
        return Config(parameter_validation=False, connect_timeout=15, read_timeout=30, max_pool_connections=10,
                      retries={"total_max_attempts": 4, "mode": "standard"})
    return None


_clients: dict[str, Any] = {}


@lru_cache(maxsize=1)
def session() -> Session:
    from botocore.session import get_session  # botocore loads on the first AWS call, never at import

    return get_session()


def client(service: str) -> Any:
    """The one client of `service` in this container (botocore's; `client.exceptions` as boto3 has them)."""
    made = _clients.get(service)
    if made is not None:
        return made
    if service not in SERVICES:
        raise ValueError(f"{service!r} is not in chalicelib.core.aws.SERVICES, so the package ships no model "
                         "for it: add it there")
    with _lock:  # checked again inside: another thread may have made it while this one waited
        if service not in _clients:
            _clients[service] = session().create_client(service, config=_config(service))
        return _clients[service]
