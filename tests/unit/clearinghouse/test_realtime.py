"""The real-time adapter against a local HTTP server (stdlib http.server, 127.0.0.1, an ephemeral port)."""
import base64
import json
import socket
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import boto3
import pytest
from moto import mock_aws

from chalicelib.clearinghouse import ClearinghouseError, ClearinghouseRejected, ClearinghouseUnavailable
from chalicelib.clearinghouse.realtime import Credentials, RealtimeGateway, secrets_manager_credentials
from chalicelib.clearinghouse.sandbox import SandboxPayer
from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
from chalicelib.edi.status.inquiry import build_276, parse_277
from chalicelib.edi.eligibility.inquiry import parse_271
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.aws_calls import counting
from tests.claims_factory import CREATED, make_document
from tests.unit.edi.factories import make_270

REQUEST = make_270()
ANSWER = SandboxPayer().check(REQUEST)
BASIC = Credentials("basic", username="revcycle", password="s3cret")
REQUEST_276 = build_276(make_document(), "01JTRACE0001", Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH"),
                        ControlNumbers(1, 2, 3), usage="T", created=CREATED)
ANSWER_277 = SandboxStatusPayer().inquire(REQUEST_276)


class Clearinghouse(ThreadingHTTPServer):
    """Answers each POST with the next scripted (status, body, headers, delay); records what it got."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: deque[tuple[int, bytes, dict[str, str], float]] = deque()
        self.received: list[tuple[dict[str, str], bytes]] = []

    def answer(self, status: int, body: str = "", headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.script.append((status, body.encode(), headers or {}, delay))

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up first (the read-timeout test): nothing to report

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/eligibility"


class _Handler(BaseHTTPRequestHandler):
    server: Clearinghouse

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status, reply, headers, delay = self.server.script.popleft()
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def clearinghouse() -> Iterator[Clearinghouse]:
    server = Clearinghouse()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def gateway(url: str, sleeps: Sleeps | None = None, **options) -> RealtimeGateway:
    return RealtimeGateway(url, lambda: BASIC, sleep=sleeps if sleeps is not None else Sleeps(), **options)


def test_the_270_is_posted_as_x12_with_basic_credentials_and_the_271_returned(clearinghouse):
    clearinghouse.answer(200, ANSWER, {"Content-Type": "application/edi-x12"})
    assert gateway(clearinghouse.url).check(REQUEST) == ANSWER
    [(headers, body)] = clearinghouse.received
    assert body.decode() == REQUEST and headers["Content-Type"] == "application/edi-x12"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"revcycle:s3cret").decode()


def test_a_json_envelope_and_a_bearer_token_work_too(clearinghouse):
    clearinghouse.answer(200, json.dumps({"x12": ANSWER}), {"Content-Type": "application/json"})
    adapter = RealtimeGateway(clearinghouse.url, lambda: Credentials("bearer", token="tok-1"), envelope="json")
    assert parse_271(adapter.check(REQUEST)).active is True
    [(headers, body)] = clearinghouse.received
    assert json.loads(body) == {"x12": REQUEST} and headers["Authorization"] == "Bearer tok-1"


@pytest.mark.parametrize("status, headers", [(503, {}), (502, {}), (429, {"Retry-After": "2"})])
def test_a_5xx_or_429_is_retried_until_an_answer_comes(clearinghouse, status, headers):
    clearinghouse.answer(status, "busy", headers)
    clearinghouse.answer(status, "busy", headers)
    clearinghouse.answer(200, ANSWER)
    sleeps = Sleeps()
    assert gateway(clearinghouse.url, sleeps).check(REQUEST) == ANSWER
    assert len(clearinghouse.received) == 3
    assert sleeps == ([2.0, 2.0] if headers else [0.5, 1.0])  # Retry-After honoured, else exponential backoff


def test_it_gives_up_after_the_configured_attempts(clearinghouse):
    for _ in range(4):
        clearinghouse.answer(500, "down")
    with pytest.raises(ClearinghouseUnavailable, match="after 4 attempt"):
        gateway(clearinghouse.url, attempts=4).check(REQUEST)
    assert len(clearinghouse.received) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_4xx_is_never_retried(clearinghouse, status):
    clearinghouse.answer(status, "bad request")
    with pytest.raises(ClearinghouseRejected, match=f"HTTP {status}") as raised:
        gateway(clearinghouse.url).check(REQUEST)
    assert raised.value.status == status and len(clearinghouse.received) == 1


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(ClearinghouseUnavailable, match="after 3 attempt"):
        gateway(f"http://127.0.0.1:{port}/eligibility", sleeps).check(REQUEST)
    assert len(sleeps) == 2


def test_a_read_timeout_is_reported_without_a_retry(clearinghouse):
    clearinghouse.answer(200, ANSWER, delay=1.0)
    with pytest.raises(ClearinghouseUnavailable, match="did not answer in time"):
        gateway(clearinghouse.url, timeout=0.2).check(REQUEST)
    assert len(clearinghouse.received) == 1


@pytest.mark.parametrize("body", ["<html>gateway</html>", json.dumps({"error": "x"})])
def test_an_answer_that_is_not_a_271_is_an_error(clearinghouse, body):
    clearinghouse.answer(200, body)
    with pytest.raises(ClearinghouseError, match="readable 271"):
        gateway(clearinghouse.url, envelope="json" if body.startswith("{") else "x12").check(REQUEST)


def test_credentials_are_fetched_on_first_use_not_when_the_gateway_is_made(clearinghouse):
    calls = []
    adapter = RealtimeGateway(clearinghouse.url, lambda: calls.append(1) or BASIC)
    assert calls == []
    clearinghouse.answer(200, ANSWER)
    adapter.check(REQUEST)
    assert calls == [1]


def test_plain_http_is_refused_except_to_loopback():
    with pytest.raises(ValueError, match="https"):
        RealtimeGateway("http://clearinghouse.example/eligibility", lambda: BASIC)
    RealtimeGateway("https://clearinghouse.example/eligibility", lambda: BASIC)


@mock_aws
def test_secrets_manager_credentials_are_read_once_and_kept():
    client = boto3.client("secretsmanager")
    client.create_secret(Name="revcycle/clearinghouse", SecretString=json.dumps({"username": "u", "password": "p"}))
    get = secrets_manager_credentials("revcycle/clearinghouse")
    assert get() == Credentials("basic", username="u", password="p")
    client.put_secret_value(SecretId="revcycle/clearinghouse", SecretString=json.dumps({"token": "t"}))
    assert get() == Credentials("basic", username="u", password="p")  # cached for the container's life
    assert secrets_manager_credentials("revcycle/clearinghouse")() == Credentials("bearer", token="t")


@mock_aws
def test_secrets_manager_credentials_asked_by_many_threads_at_once_are_read_once():
    boto3.client("secretsmanager").create_secret(Name="revcycle/ch", SecretString=json.dumps({"token": "t"}))
    get = secrets_manager_credentials("revcycle/ch")
    with counting() as calls, ThreadPoolExecutor(8) as pool:
        assert set(pool.map(lambda _: get(), range(8))) == {Credentials("bearer", token="t")}
    assert calls.of("secretsmanager") == {"GetSecretValue": 1}


def test_a_276_is_posted_like_a_270_and_the_277_returned_after_the_same_retries(clearinghouse):
    clearinghouse.answer(503, "busy")
    clearinghouse.answer(200, ANSWER_277, {"Content-Type": "application/edi-x12"})
    sleeps = Sleeps()
    answer = gateway(clearinghouse.url, sleeps).inquire(REQUEST_276)
    assert answer == ANSWER_277 and parse_277(answer)[0].trace_number == "01JTRACE0001"
    (_, first), (headers, body) = clearinghouse.received
    assert first == body and body.decode() == REQUEST_276 and headers["Content-Type"] == "application/edi-x12"
    assert headers["Authorization"].startswith("Basic ") and sleeps == [0.5]


def test_an_answer_to_a_276_that_is_not_x12_names_the_277_it_lacked(clearinghouse):
    clearinghouse.answer(200, json.dumps({"error": "x"}))
    with pytest.raises(ClearinghouseError, match="readable 277"):
        gateway(clearinghouse.url, envelope="json").inquire(REQUEST_276)
