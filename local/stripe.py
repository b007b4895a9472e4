"""localstripe on 127.0.0.1 only: `python -m local.stripe --port N --state FILE`.

localstripe's own command line binds every interface (`::`), which would expose the fake Stripe API to the
network, and it keeps its data in the fixed file /tmp/localstripe.pickle, which two stacks on one machine
would share. So we serve its aiohttp application ourselves, on loopback, with the data under `.revcycle/`.
"""
from __future__ import annotations

import argparse
import logging
import pickle
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Sequence

from local.config import LOOPBACK, StackError

# localstripe accepts any secret key that starts with sk_; this one never reaches Stripe.
LOCAL_SECRET_KEY = "sk_test_revcycle_local"
WEBHOOK_ID = "revcycle"


def keep_store_at(path: Path) -> None:
    """Point localstripe's persistence at path. Patched on the class: the pickled store stays a plain dict."""
    from localstripe import resources

    def load(store: "resources.Store") -> None:
        if path.exists():
            with path.open("rb") as handle:
                saved = pickle.load(handle)
            store.clear()
            store.update(saved)

    def dump(store: "resources.Store") -> None:
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(store, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)  # a kill mid-write leaves the previous file whole

    resources.Store.try_load_from_disk = load  # type: ignore[method-assign]
    resources.Store.dump_to_disk = dump  # type: ignore[method-assign]


def register_webhook(stripe_url: str, app_url: str, secret: str, events: Sequence[str]) -> None:
    """Have localstripe send these events to the app, signed with `secret` as Stripe signs them.

    localstripe keeps registrations in memory only, so the stack registers again at every start.
    """
    form = {"url": app_url, "secret": secret, **{f"events[{n}]": name for n, name in enumerate(events)}}
    request = urllib.request.Request(f"{stripe_url}/_config/webhooks/{WEBHOOK_ID}", method="POST",
                                     data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(request, timeout=5):
            pass
    except (urllib.error.URLError, OSError) as error:
        raise StackError(f"localstripe refused the app's webhook registration: {error}") from None


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True, help="file localstripe keeps its objects in")
    options = parser.parse_args(args)
    keep_store_at(options.state)

    from aiohttp import web
    from localstripe.resources import store
    from localstripe.server import app

    store.try_load_from_disk()
    access = logging.getLogger("aiohttp.access")  # one line per request, into the stack's log file
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler())
    web.run_app(app, host=LOOPBACK, port=options.port, access_log=access, print=None)


if __name__ == "__main__":
    main()
