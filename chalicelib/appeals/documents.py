"""Appeal documents in the documents bucket: letters and attachments, under keys made of ids only
(`appeals/<practice>/<appeal>/...`). The bucket encrypts every object with the stack's KMS key by default
(infra/template.json, DocumentsBucket), as it does statements; no object is public, and a caller reaches one only
through a presigned URL that lasts `document_url_seconds` (REVCYCLE_DOCUMENT_URL_SECONDS, minutes)."""
from __future__ import annotations

from typing import Any

from chalicelib.core import aws
from chalicelib.core.settings import get_settings


def key(practice_id: str, appeal_id: str, name: str) -> str:
    return f"appeals/{practice_id}/{appeal_id}/{name}"


def put(object_key: str, data: bytes, content_type: str) -> None:
    aws.client("s3").put_object(Bucket=get_settings().documents_bucket, Key=object_key, Body=data,
                                ContentType=content_type)


def signed_get(object_key: str, file_name: str) -> str:
    """A GET of the object for a few minutes, downloaded under `file_name` (ids, never a patient's name)."""
    return aws.client("s3").generate_presigned_url(
        "get_object", ExpiresIn=get_settings().document_url_seconds,
        Params={"Bucket": get_settings().documents_bucket, "Key": object_key,
                "ResponseContentDisposition": f'attachment; filename="{file_name}"'})


def signed_post(object_key: str, content_type: str, size_bytes: int) -> dict[str, Any]:
    """A presigned POST that S3 takes only with this type and exactly this size, for a few minutes: the size and
    type the caller declared are what S3 enforces (a presigned PUT cannot bound the size)."""
    return aws.client("s3").generate_presigned_post(
        get_settings().documents_bucket, object_key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", size_bytes, size_bytes]],
        ExpiresIn=get_settings().document_url_seconds)


def size_of(object_key: str) -> int | None:
    """The object's size, None when nothing has been uploaded under the key."""
    client = aws.client("s3")
    try:
        return int(client.head_object(Bucket=get_settings().documents_bucket, Key=object_key)["ContentLength"])
    except client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
