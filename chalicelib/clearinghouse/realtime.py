"""A clearinghouse's real-time API: POST the 270 and read the 271 (`check`), or POST the 276 and read the
277 (`inquire`), the same way.

Shaped like the common "raw X12" real-time endpoints, which take any X12 request at one URL and route it by
its GS01: the body is either the X12 text itself (`envelope="x12"`, Content-Type application/edi-x12) or a
JSON object `{"x12": "<270>"}` answered by `{"x12": "<271>"}` (`envelope="json"`). Credentials (basic or
bearer) come from a getter called on the first request, never at import; `secrets_manager_credentials`
reads them from Secrets Manager once.

Retries (tenacity): only where resending cannot hurt and may help: connection errors (refused, reset,
DNS, connect timeout), 429 and 5xx, with exponential backoff (a 429/503 Retry-After is honoured, capped),
at most `attempts` tries within `budget` seconds. Never on another 4xx: the request itself is wrong. A
read timeout is not retried either: the clearinghouse holds the request, and a front desk waiting at
the counter should not wait `attempts` times as long.
"""
from __future__ import annotations

import base64
import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Literal
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay

from chalicelib.clearinghouse.gateway import ClearinghouseError, ClearinghouseRejected, ClearinghouseUnavailable
from chalicelib.core import aws

X12_MEDIA_TYPE = "application/edi-x12"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True, slots=True)
class Credentials:
    scheme: Literal["basic", "bearer"]
    username: str = ""
    password: str = ""
    token: str = ""

    @classmethod
    def from_secret(cls, secret_string: str) -> "Credentials":
        """`{"username": ..., "password": ...}` for basic, `{"token": ...}` for bearer."""
        values = json.loads(secret_string)
        if values.get("token"):
            return cls("bearer", token=values["token"])
        return cls("basic", username=values["username"], password=values["password"])

    def header(self) -> str:
        if self.scheme == "bearer":
            return f"Bearer {self.token}"
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


def secrets_manager_credentials(secret_id: str) -> Callable[[], Credentials]:
    """A getter that reads the secret on its first call (its client made then) and keeps it. Safe from threads
    (the follow-up job sends many 276s at once): one of them reads it, the others wait for it."""
    reading = threading.Lock()

    @lru_cache(maxsize=1)
    def read() -> Credentials:
        raw = aws.client("secretsmanager").get_secret_value(SecretId=secret_id)
        return Credentials.from_secret(raw["SecretString"])

    def get() -> Credentials:
        with reading:
            return read()

    return get


class _Transient(Exception):
    """Worth another try: a connection error, 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RealtimeGateway:
    def __init__(self, url: str, credentials: Callable[[], Credentials], *,
                 envelope: Literal["x12", "json"] = "x12", timeout: float = 10.0, attempts: int = 3,
                 budget: float = 25.0, backoff: float = 0.5, max_wait: float = 5.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
            raise ValueError("the clearinghouse URL must be https (plain http only to a loopback address)")
        self.url, self.credentials, self.envelope = url, credentials, envelope
        self.timeout, self.attempts, self.budget = timeout, attempts, budget
        self.backoff, self.max_wait, self.sleep = backoff, max_wait, sleep

    def check(self, request_270_text: str) -> str:
        return self._exchange(request_270_text, "271")

    def inquire(self, request_276_text: str) -> str:
        return self._exchange(request_276_text, "277")

    def _exchange(self, request_text: str, answer_set: str) -> str:
        """POST one X12 request (with the retries above) and return the X12 answer; `answer_set` (271 or 277)
        names what was expected when the answer is not X12."""
        retrying = Retrying(stop=stop_after_attempt(self.attempts) | stop_after_delay(self.budget),
                            wait=self._wait, retry=retry_if_exception_type(_Transient), sleep=self.sleep,
                            reraise=True)
        try:
            body = retrying(self._post, self._payload(request_text))
        except _Transient as error:
            tries = retrying.statistics.get("attempt_number", self.attempts)
            raise ClearinghouseUnavailable(f"no answer from the clearinghouse after {tries} attempt(s): "
                                           f"{error}") from None
        return self._unwrap(body, answer_set)

    def _wait(self, state: RetryCallState) -> float:
        backoff = self.backoff * 2 ** (state.attempt_number - 1)
        error = state.outcome.exception() if state.outcome else None
        asked = error.retry_after if isinstance(error, _Transient) and error.retry_after else 0.0
        return min(max(backoff, asked), self.max_wait)

    def _payload(self, text: str) -> tuple[bytes, str]:
        if self.envelope == "json":
            return json.dumps({"x12": text}).encode(), "application/json"
        return text.encode(), X12_MEDIA_TYPE

    def _post(self, payload: tuple[bytes, str]) -> bytes:
        data, content_type = payload
        request = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Content-Type": content_type, "Accept": f"{content_type}, */*;q=0.1",
            "Authorization": self.credentials().header()})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise _classify(error) from None
        except urllib.error.URLError as error:  # refused, reset, DNS, or a connect timeout
            raise _Transient(f"connection failed ({type(error.reason).__name__})") from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:  # sent, but no (full) answer
            raise ClearinghouseUnavailable(f"the clearinghouse did not answer in time "
                                           f"({type(error).__name__})") from None

    def _unwrap(self, body: bytes, answer_set: str) -> str:
        unreadable = ClearinghouseError(f"the clearinghouse answered without a readable {answer_set}")
        try:
            text = body.decode("utf-8")
            if self.envelope == "json":
                text = json.loads(text)["x12"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise unreadable from None
        if not isinstance(text, str) or not text.lstrip("\ufeff \r\n").startswith("ISA"):
            raise unreadable
        return text


def _classify(error: urllib.error.HTTPError) -> Exception:
    status = error.code
    error.close()
    if status == 429 or status >= 500:
        return _Transient(f"HTTP {status}", _retry_after(error.headers.get("Retry-After")))
    return ClearinghouseRejected(f"the clearinghouse refused the request: HTTP {status}", status=status)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is ignored (backoff applies)."""
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None
