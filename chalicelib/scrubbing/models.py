"""API schemas of CMS's NCCI edit tables, as platform operators see and load them."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.core.messages import Expected
from chalicelib.core.types import Out, Schema

# Objects an operator uploaded under reference/ncci/ in the documents bucket (nothing else can be read in).
SourceKey = Annotated[str, StringConstraints(pattern=r"^reference/ncci/[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$"),
                      Expected("the key of a file uploaded under reference/ncci/ in the documents bucket: letters, "
                               "digits, '.', '_', '-' and '/', at most 215 characters", "not a file key")]
Quarter = Annotated[str, StringConstraints(pattern=r"^20\d\dQ[1-4]$"),
                    Expected("a calendar quarter written as the year, Q and 1 to 4, e.g. 2027Q1", "not a quarter")]


class EditTableLoad(Schema):
    source_keys: list[SourceKey] = Field(
        min_length=1, max_length=8, description="The CMS files as published (the text inside CMS's zips), "
        "uploaded under reference/ncci/ in the documents bucket; a PTP table's parts in any order")
    quarter: Quarter = Field(description="The calendar quarter CMS published the files for: 2027Q1 is January to "
                                         "March 2027")

    @field_validator("source_keys")
    @classmethod
    def _no_repeats(cls, keys: list[str]) -> list[str]:
        if len(set(keys)) != len(keys):
            raise ValueError("a file is listed twice")
        return keys


class SourceOut(Out):
    key: str
    etag: str


class EditTableOut(Out):
    id: str = Field(description="ptp-practitioner, mue-practitioner, ptp-outpatient or mue-outpatient")
    kind: Literal["ptp", "mue"]
    claim_type: str = Field(description="The claims it judges")
    setting: str
    present: bool = Field(description="Loaded: claims of its type are judged with it")
    quarter: str | None = None
    effective_from: str | None = Field(default=None, description="The quarter's first day")
    effective_to: str | None = Field(default=None, description="The quarter's last day")
    rows: int | None = None
    loaded_at: str | None = None
    sources: list[SourceOut] = Field(default=[], description="The CMS files it was built from, with their ETags")
    index_key: str = Field(description="Where its compact index is kept in the documents bucket")
    index_etag: str | None = Field(default=None, description="Changes with each load; containers compare it at "
                                                             "most once a minute and reload when it changed")
