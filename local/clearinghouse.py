"""The sandbox clearinghouse, locally: each new 837 in a firm's outbox is answered with a 999 and a 277CA in
that firm's inbox (chalicelib.clearinghouse.sandbox_mailbox), and the claims its 277CA accepts are paid in an
835 a while later (local/sandbox_payer.py), which the event runner then hands to the app's inbox handler, so
`make run` closes the loop from a claim to its payment with no clearinghouse or payer.

An 837 whose 999 is already in the inbox is not answered again, so a restarted runner does not answer twice;
its claims are booked for payment before the answers go, once per batch.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from chalicelib.clearinghouse import sandbox_mailbox
from chalicelib.clearinghouse.mailbox import OUTBOX
from local.sandbox_payer import SandboxPayer

log = logging.getLogger("local.clearinghouse")


class SandboxClearinghouse:
    def __init__(self, s3: Any, bucket: str, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 payment_delay: timedelta = timedelta(0)):
        self.s3, self.bucket, self.clock = s3, bucket, clock
        self.payer = SandboxPayer(s3, bucket, payment_delay)
        self._answered: set[str] = set()

    def answer_new(self) -> int:
        """Answer every 837 in the outbox not answered yet; returns how many were answered now."""
        answered = 0
        for item in self._list(OUTBOX):
            key = item["Key"]
            if key in self._answered or not key.endswith(".837"):
                continue
            self._answered.add(key)
            name_999, _ = sandbox_mailbox.answer_names(key)
            if self._list(name_999):
                continue  # answered before this runner started
            text = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode("ascii")
            now = self.clock()
            self.payer.book(key, text, now)
            for name, answer in sorted(sandbox_mailbox.answer(key, text, now).items()):
                self.s3.put_object(Bucket=self.bucket, Key=name, Body=answer.encode("ascii"),
                                   ContentType="application/edi-x12")
            log.info("sandbox clearinghouse answered %s", key.rsplit("/", 1)[-1])
            answered += 1
        return answered

    def pay_due(self) -> int:
        """The sandbox payer's 835s for every claim due now; returns how many files it wrote."""
        return len(self.payer.pay_due(self.clock()))

    def _list(self, prefix: str) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [item for page in pages for item in page.get("Contents", [])]
