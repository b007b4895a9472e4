"""The clearinghouse mailbox: 837 files go to the EDI bucket's outbox, where the clearinghouse (production:
AWS Transfer Family SFTP in front of the bucket; locally and in tests: the sandbox) picks them up.

Keys: `outbox/<firm id>/<practice id>/<batch id>.837` out, `inbox/<firm id>/<any name>` in: each firm has its
own mailbox (its own clearinghouse account and submitter id, an SFTP user whose home is its folder), and a
file coming back is routed by what it says (claims.inbox), not by its name. A file is written once under its
batch's id, so putting it again after a retry replaces it with the same bytes rather than sending a second file.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Protocol


class Mailbox(Protocol):
    def send(self, key: str, text: str) -> None: ...


class S3Mailbox:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def send(self, key: str, text: str) -> None:
        import boto3  # first use only

        boto3.client("s3").put_object(Bucket=self.bucket, Key=key, Body=text.encode("ascii"),
                                      ContentType="application/edi-x12")  # the bucket encrypts with its KMS key


OUTBOX, INBOX = "outbox/", "inbox/"


def archive(key: str, text: str) -> None:
    """Keep an X12 document exchanged in real time (270/271, 276/277) in the EDI bucket, beside the mailbox."""
    import boto3  # first use only
    from chalicelib.core.settings import get_settings

    boto3.client("s3").put_object(Bucket=get_settings().edi_bucket, Key=key, Body=text.encode(),
                                  ContentType="application/edi-x12")


def outbox_key(firm_id: str, practice_id: str, batch_id: str) -> str:
    return f"{OUTBOX}{firm_id}/{practice_id}/{batch_id}.837"


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
