"""API schemas of the code-set lookups a coder's tool uses."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.messages import Expected
from chalicelib.core.types import Out, Schema


class CodeSetOut(Out):
    name: str
    release: str
    in_effect_from: str
    in_effect_to: str


class Icd10InSetOut(Out):
    name: str = Field(description="The code set (fiscal year), e.g. FY2027")
    billable: bool
    description: str


class Icd10Out(Out):
    code: str = Field(description="Without the dot, as X12 carries it")
    dotted: str
    billable: bool = Field(description="A leaf of the code set: only these go on a claim")
    description: str
    code_set: CodeSetOut = Field(description="The code set the code is shown from: the one judging `date` (the "
                                 "newest without one), or the newest that has the code when that one does not")
    code_sets: list[Icd10InSetOut] | None = Field(default=None, description="Each loaded code set that has the "
                                                  "code, oldest first")
    problems_on_date: list[str] | None = Field(default=None, description="When `date` is given: what stops "
                                               "this code from being billed for that date of service")
    warnings_on_date: list[str] | None = Field(default=None, description="When `date` is given: what a biller "
                                               "should check, such as that year's code set not being loaded")


class Icd10Query(Schema):
    model_config = Schema.model_config | {"strict": False}
    date: dt.date | None = None


class Icd10SearchQuery(Schema):
    model_config = Schema.model_config | {"strict": False}
    prefix: Annotated[str, StringConstraints(min_length=1, max_length=8, pattern=r"^[A-Za-z0-9.]+$"),
                      Expected("the start of an ICD-10-CM code: 1 to 8 letters, digits or dots (E11)",
                               "not the start of a code")]
    limit: int = Field(default=20, ge=1, le=100)
    billable_only: bool = False
    date: dt.date | None = Field(default=None, description="Search the code set in force on this date of service "
                                 "(the newest loaded without one)")
