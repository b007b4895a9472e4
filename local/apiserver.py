"""`python -m local.apiserver` (started by the local stack): `chalice local`, with an access log free of query strings.

`chalice local` prints each request line as the client sent it, query string included, and a query string can
hold a patient's name or birth date that someone typed into a URL (the API refuses those, after the line is
printed). This serves the same app in the same way (chalice's own local server and its `.chalice/config.json`,
stage `dev`, as `chalice local --no-autoreload` does) and prints each request as method, path without its query,
status and size. http.server's own error lines, which quote a malformed request line whole, print the status only.
"""
from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from typing import Any
from urllib.parse import urlsplit

from chalice.cli.factory import CLIFactory
from chalice.deploy.validate import validate_routes
from chalice.local import ChaliceRequestHandler, LocalDevServer, create_local_server

from local.config import REPO

STAGE = "dev"


def command(host: str, port: int) -> list[str]:
    """How the stack (and the request-latency benchmark) starts this server."""
    return [sys.executable, "-m", "local.apiserver", "--host", host, "--port", str(port)]


class PathOnlyRequestHandler(ChaliceRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        # A request that failed to parse has no command or path yet.
        path = urlsplit(getattr(self, "path", "") or "").path or "-"
        self.log_message('"%s %s %s" %s %s', getattr(self, "command", None) or "-", path, self.request_version,
                         code, size)

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        status = args[0] if args and isinstance(args[0], int) else "-"
        self.log_message("refused by the HTTP server: %s (the request line is not printed)", status)


def local_server(host: str, port: int) -> LocalDevServer:
    factory = CLIFactory(str(REPO), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=STAGE)
    app = config.chalice_app
    validate_routes(app.routes)  # what `chalice local` checks first: routes `chalice deploy` would refuse
    server = create_local_server(app, config, host, port)
    # socketserver builds one handler per request from RequestHandlerClass: ours, given what chalice's gets.
    server.server.RequestHandlerClass = functools.partial(PathOnlyRequestHandler, app_object=app, config=config)
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local.apiserver", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args(argv)
    # As `chalice local` sets it up: other libraries' lines on stdout at INFO (the app's own are Powertools JSON).
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    os.chdir(REPO)
    local_server(options.host, options.port).serve_forever()


if __name__ == "__main__":
    main()
