"""The clearinghouse mailbox: 837 files go to the EDI bucket's outbox, where the clearinghouse (production:
AWS Transfer Family SFTP in front of the bucket; locally and in tests: the sandbox) picks them up.

Keys: `outbox/<firm id>/<practice id>/<batch id>.837` out, `inbox/<firm id>/<any name>` in: each firm has its
own mailbox (its own clearinghouse account and submitter id, an SFTP user whose home is its folder), and a
file coming back is routed by what it says (claims.inbox), not by its name. A file is written once under its
batch's id, so putting it again after a retry replaces it with the same bytes rather than sending a second file;
and the outbox keeps what was sent (the clearinghouse reads files, nothing of ours deletes them, and the bucket
is versioned), so an object there is the proof that a batch's file went out: claims.batches.recover looks
before it writes. A clearinghouse account allowed to delete what it collected would void that proof.

The same bucket keeps the X12 documents exchanged in real time (270/271, 276/277, `archive`), which are also
the recovery points of a status inquiry (claims.status_inquiry.recover reads them back).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from chalicelib.core import aws


class Mailbox(Protocol):
    def send(self, key: str, text: str) -> None:
        """Put an 837 in the outbox, where the clearinghouse collects it."""

    def archive(self, key: str, text: str) -> None:
        """Keep an X12 document exchanged in real time (270/271, 276/277)."""

    def read(self, key: str) -> bytes | None:
        """An object's bytes, or None when there is none under the key."""

    def size(self, key: str) -> int | None:
        """An object's size in bytes, or None when there is none under the key (a HEAD, nothing read)."""


class S3Mailbox:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def _client(self) -> Any:
        return aws.client("s3")

    def send(self, key: str, text: str) -> None:
        self._client().put_object(Bucket=self.bucket, Key=key, Body=text.encode("ascii"),
                                  ContentType="application/edi-x12")  # the bucket encrypts with its KMS key

    def archive(self, key: str, text: str) -> None:
        self._client().put_object(Bucket=self.bucket, Key=key, Body=text.encode(), ContentType="application/edi-x12")

    def read(self, key: str) -> bytes | None:
        client = self._client()
        try:
            return client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except client.exceptions.NoSuchKey:
            return None

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return int(self._client().head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise


OUTBOX, INBOX = "outbox/", "inbox/"


def archive(key: str, text: str) -> None:
    """Keep an X12 document exchanged in real time (270/271, 276/277) in the EDI bucket, beside the mailbox."""
    get_mailbox().archive(key, text)


def outbox_key(firm_id: str, practice_id: str, batch_id: str) -> str:
    return f"{OUTBOX}{firm_id}/{practice_id}/{batch_id}.837"


def outbox_firm(key: str) -> str:
    """The firm whose outbox an `outbox_key` is in."""
    return key.removeprefix(OUTBOX).split("/", 1)[0]


def inbox_firm(key: str) -> str | None:
    """The firm whose mailbox an inbox key is in; None for a key outside any firm's folder."""
    parts = key.split("/")
    if len(parts) < 3 or parts[0] + "/" != INBOX or not parts[1] or not parts[-1]:
        return None
    return parts[1]


@lru_cache(maxsize=1)
def get_mailbox() -> Mailbox:
    from chalicelib.core.settings import get_settings

    return S3Mailbox(get_settings().edi_bucket)
