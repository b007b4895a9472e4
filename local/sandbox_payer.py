"""The sandbox payer at the mailbox: a while after the sandbox's 277CA accepts claims, it pays them in 835s in
the firm's inbox, as a payer does, by the rules of chalicelib/clearinghouse/sandbox_remits.py.

Its book is kept in the EDI bucket beside the mailbox (in S3 as the rest of the stack's files, so it outlives a
restart), one object per answered batch and step under `sandbox/<firm>/due/`, named
`<batch>-<step>.<part>@<due>.json` so that a poll sees what is due from the listing alone; each holds the outbox key
of the 837, the payer and the claim numbers due. `book` adds a batch's accepted claims, due one `delay` later.
`pay_due(now)` takes every object due, groups their claims by firm and payer, and writes one 835 file per group
(`inbox/<firm>/sandbox-<stamp>-<payer>-<hash>.835`), one transaction set (one check) per payee in it, so a file
pays several claims and several practices of a firm. A claim whose answer comes in two 835s (reversed and
corrected) gets its second step booked one `delay` after the first file.

Safe to kill at any point, without a counter: before a file is written, each object it pays is tagged with the
file's key and creation time. A poll that finds tagged objects writes that same file again if it is missing
(the same bytes, which the inbox takes once), books the steps that follow (under keys fixed by the file's
time) and only then removes the objects. So nothing is paid twice, and nothing booked is never paid.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import groupby
from typing import Any, Literal

from chalicelib.clearinghouse import sandbox_claims, sandbox_remits
from chalicelib.clearinghouse.mailbox import INBOX, outbox_firm
from chalicelib.clearinghouse.sandbox_remits import Due
from chalicelib.edi.claim.reader import ReadClaim, read_837
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import ControlNumbers, Parties

log = logging.getLogger("local.sandbox_payer")

BOOK = "sandbox/"
STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass
class Entry:
    """One object of the book: a batch's claims due in one step."""

    key: str
    firm_id: str
    outbox_key: str
    payer_id: str
    step: int
    claims: list[str]
    file: str = ""  # the 835 that pays it, once tagged
    created: str = ""  # that file's creation time

    @property
    def batch(self) -> str:
        return self.key.rsplit("/", 1)[-1].split("@")[0].rsplit("-", 1)[0]

    @property
    def part(self) -> int:
        return int(self.key.split("@")[0].rsplit(".", 1)[1])

    def body(self) -> bytes:
        return json.dumps({"outbox_key": self.outbox_key, "payer_id": self.payer_id, "step": self.step,
                           "claims": self.claims, "file": self.file, "created": self.created}).encode()


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(STAMP)


def due_at(key: str) -> datetime:
    return datetime.strptime(key.rsplit("@", 1)[1].removesuffix(".json"), STAMP).replace(tzinfo=timezone.utc)


def due_key(firm_id: str, batch: str, step: int, part: int, due: datetime) -> str:
    """An entry's key: its batch, step and part (one per payer of the batch), and when it is due."""
    return f"{BOOK}{firm_id}/due/{batch}-{step}.{part}@{stamp(due)}.json"


class SandboxPayer:
    def __init__(self, s3: Any, bucket: str, delay: timedelta) -> None:
        self.s3, self.bucket, self.delay = s3, bucket, delay

    def book(self, outbox_key: str, text_837: str, answered_at: datetime) -> int:
        """Book the claims the sandbox's 277CA accepts in this 837, due one delay later (once per batch: a
        restarted runner answering the 837 again books nothing more). Returns how many claims were booked."""
        firm_id, batch = outbox_firm(outbox_key), outbox_key.rsplit("/", 1)[-1].removesuffix(".837")
        if self._list(f"{BOOK}{firm_id}/due/{batch}-1."):
            return 0
        accepted = sandbox_claims.accepted(text_837)
        for part, (payer_id, claims) in enumerate(groupby(sorted(accepted, key=_payer), key=_payer), start=1):
            key = due_key(firm_id, batch, 1, part, answered_at + self.delay)
            self._put(Entry(key, firm_id, outbox_key, payer_id, 1, [c.patient_control_number for c in claims]))
        return len(accepted)

    def pay_due(self, now: datetime, firm_id: str = "") -> dict[str, str]:
        """Write the 835s of every claim due by `now` (of one firm when given); returns each file's key and text."""
        due = [self._read(item["Key"]) for item in self._list(f"{BOOK}{firm_id}/due/" if firm_id else BOOK)
               if "@" in item["Key"] and due_at(item["Key"]) <= now]
        untagged = sorted((e for e in due if not e.file), key=lambda e: (e.firm_id, e.payer_id))
        for (firm, payer_id), entries in groupby(untagged, key=lambda e: (e.firm_id, e.payer_id)):
            file_key = f"{INBOX}{firm}/sandbox-{stamp(now)}-{_slug(payer_id)}.835"
            for entry in entries:
                entry.file, entry.created = file_key, now.isoformat()
                self._put(entry)  # the intent, kept before the file exists
        written: dict[str, str] = {}
        for file_key, entries in groupby(sorted(due, key=lambda e: e.file), key=lambda e: e.file):
            group = list(entries)
            claims, text_837 = self._claims(group)
            if not self._list(file_key):
                text = self._write_file(file_key, group, claims, text_837)
                if text is not None:
                    written[file_key] = text
            self._settle(group, claims)
        return written

    def _write_file(self, file_key: str, entries: list[Entry], claims: dict[str, ReadClaim],
                    text_837: str) -> str | None:
        """The file paying the entries' claims; None when none of them can be answered."""
        due = [d for e in entries for number in e.claims if (d := _answerable(claims, number, e.step))]
        if not due:
            return None
        interchange = read_interchange(text_837)
        sender, receiver = interchange.receiver, interchange.sender  # the 837's parties, swapped
        digest = hashlib.sha256(file_key.encode()).hexdigest()
        number = int(digest[:12], 16) % 999_999_999 + 1  # the sandbox keeps no counter: ISA13 from the name
        usage: Literal["T", "P"] = "P" if interchange.usage == "P" else "T"
        text = sandbox_remits.build_file(
            due, trace_prefix="SBX" + digest[:12].upper(), created=datetime.fromisoformat(entries[0].created),
            controls=ControlNumbers(number, number, 1), parties=Parties(*sender, *receiver), usage=usage)
        self.s3.put_object(Bucket=self.bucket, Key=file_key, Body=text.encode("ascii"),
                           ContentType="application/edi-x12")
        log.info("sandbox payer paid %d claim(s) in %s", len(due), file_key.rsplit("/", 1)[-1])
        return text

    def _claims(self, entries: list[Entry]) -> tuple[dict[str, ReadClaim], str]:
        """The claims of the entries' 837s by claim number, and one 837's text (for the parties)."""
        claims: dict[str, ReadClaim] = {}
        text = ""
        for outbox_key in sorted({e.outbox_key for e in entries}):
            try:
                found = self.s3.get_object(Bucket=self.bucket, Key=outbox_key)["Body"].read().decode("ascii")
                claims.update({c.patient_control_number: c for c in read_837(found)})
            except (self.s3.exceptions.NoSuchKey, X12Error, UnicodeDecodeError) as error:
                # One batch's 837 gone or broken must not hold up the others' payments: its claims go unpaid.
                log.warning("sandbox payer: %s cannot be read (%s): its claims are not paid",
                            outbox_key.rsplit("/", 1)[-1], type(error).__name__)
                continue
            text = found
        return claims, text

    def _settle(self, entries: list[Entry], claims: dict[str, ReadClaim]) -> None:
        """Once the file is there: each claim's next step booked, due one delay after the file; the entry gone."""
        for entry in entries:
            following = [n for n in entry.claims if n in claims and entry.step < sandbox_remits.steps(claims[n])]
            if following:
                due = datetime.fromisoformat(entry.created) + self.delay
                key = due_key(entry.firm_id, entry.batch, entry.step + 1, entry.part, due)
                self._put(Entry(key, entry.firm_id, entry.outbox_key, entry.payer_id, entry.step + 1, following))
            self.s3.delete_object(Bucket=self.bucket, Key=entry.key)

    def _read(self, key: str) -> Entry:
        body = json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        return Entry(key, key.removeprefix(BOOK).split("/", 1)[0], body["outbox_key"], body["payer_id"],
                     body["step"], body["claims"], body.get("file", ""), body.get("created", ""))

    def _put(self, entry: Entry) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=entry.key, Body=entry.body(), ContentType="application/json")

    def _list(self, prefix: str) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [item for page in pages for item in page.get("Contents", [])]


def _payer(claim: ReadClaim) -> str:
    return claim.payer_id


def _slug(payer_id: str) -> str:
    """The payer id as a file name's part: its letters and digits, and a hash so two ids never share a name."""
    readable = re.sub(r"[^A-Za-z0-9]", "", payer_id)[:20] or "payer"
    return f"{readable}-{hashlib.sha256(payer_id.encode()).hexdigest()[:6]}"


def _answerable(claims: dict[str, ReadClaim], number: str, step: int) -> Due | None:
    """The claim's answer due, or None (logged) when the sandbox cannot answer it: each claim on its own."""
    claim = claims.get(number)
    if claim is None:
        log.warning("sandbox payer: claim %s is no longer in its 837: not paid", number)
        return None
    try:
        sandbox_remits.claim_answers(claim, step)
    except X12Error as error:
        log.warning("sandbox payer: claim %s cannot be answered: %s", number, error)
        return None
    return Due(claim, step)
