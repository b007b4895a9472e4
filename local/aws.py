"""The local stack's AWS stand-in: moto's server on 127.0.0.1, with S3, SQS, Secrets Manager and SES kept on
disk (`python -m local.aws --port N [--state DIR]`; without --state everything stays in memory, as in moto).

Why moto, kept this way: moto is what the API tests run on, and it does what the template asks of the buckets
and queues (versioning, the public access block, redrive to a dead-letter queue, visibility timeouts); what it
lacks is a way to keep its data. Its recorder logs requests to replay them, and a replay hands out again an
SQS message that was handled and deleted (the recorded delete names a receipt handle the replay no longer
issues), and grows with every poll of the event runner. The package registries hold no part that does better:
s3rver keeps files on disk but answers NotImplemented to bucket versioning and the public access block, and
no SQS server in them keeps its messages (ElasticMQ is not in them).

So this serves moto's own application, as `python -m moto.server` does, with two additions:
- after each request that can change a kept service (any method but GET, HEAD and OPTIONS), the service its
  signature names is saved (local/kept_state.py) before the answer leaves, so what moto answered survives a
  `kill -9`; at start the saved state is read back;
- one request at a time reaches moto (STATE_LOCK), so a save never sees a request half done; an SQS long
  poll lets the lock go while it waits, as SQS serves other calls during a long poll.
"""
from __future__ import annotations

import argparse
import os
import pickle
import re
import signal
import sys
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Iterable

from local.config import LOOPBACK, StackError
from local.kept_state import KEPT_SERVICES, STATE_LOCK, KeptState, share_state_lock_with_queues

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# SigV4 names the service in the credential scope of the Authorization header, or of a presigned URL's query:
# Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request.
_SCOPE = re.compile(r"Credential=[^/&,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def addressed_services(environ: dict[str, Any]) -> tuple[str, ...]:
    """The kept services a request may change: the one its signature names, or all when it names none."""
    scope = environ.get("HTTP_AUTHORIZATION") or urllib.parse.unquote(environ.get("QUERY_STRING", ""))
    match = _SCOPE.search(scope)
    if match is None:
        return KEPT_SERVICES  # moto's own API (POST /moto-api/reset) or an unsigned call
    return (match.group(1),) if match.group(1) in KEPT_SERVICES else ()


class KeptApp:
    """moto's WSGI application, one request at a time, saving what each request may have changed."""

    def __init__(self, app: WsgiApp, state: KeptState | None) -> None:
        self.app, self.state = app, state

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with STATE_LOCK:
            # moto has made its whole answer when this returns; only sending it happens after the lock.
            answer = self.app(environ, start_response)
            if self.state is not None and environ.get("REQUEST_METHOD") not in READ_METHODS:
                self.state.save(addressed_services(environ))
        return answer


def make_app(state_dir: Path | None) -> KeptApp:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    share_state_lock_with_queues()
    state = KeptState(state_dir) if state_dir is not None else None
    if state is not None:
        state.load()
    return KeptApp(DomainDispatcherApplication(create_backend_app), state)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.aws", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, help="directory the kept services are read from and saved to")
    options = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(options.port))  # as moto.server does: moto builds some URLs with it
    try:
        app = make_app(options.state)
    except (StackError, pickle.UnpicklingError, OSError) as error:
        print(f"local aws: {error}", file=sys.stderr, flush=True)
        return 1
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import run_simple

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    run_simple(LOOPBACK, options.port, app, threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
