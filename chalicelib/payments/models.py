"""API schemas of payments: a practice's Stripe account, co-pays, and the webhook's answer."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from chalicelib.core.messages import Expected
from chalicelib.core.types import Out, Schema, Versioned

AccountId = Annotated[str, StringConstraints(pattern=r"^acct_[A-Za-z0-9]{1,64}$"),
                      Expected("a Stripe connected account id: acct_ then up to 64 letters and digits",
                               "not a Stripe account id")]
HttpsUrl = Annotated[str, StringConstraints(max_length=2048, pattern=r"^https://[^\s]+$"),
                     Expected("an address starting https://, without spaces, at most 2048 characters",
                              "not an https address")]
# Stripe's largest charge is $999,999.99; a co-pay is far below it.
CopayCents = Annotated[int, Field(gt=0, le=99_999_999)]
CheckNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,20}$"),
                        Expected("a check number is 1 to 20 letters, digits or hyphens", "not a check number")]
CopayMethod = Literal["card", "cash", "check"]
CopayStatus = Literal["creating", "awaiting_payment", "paid", "failed"]


class StripeAccountLink(Schema):
    """Either link an existing connected account, or have one created (then both URLs are needed)."""

    account_id: AccountId | None = Field(default=None, description="An existing connected account to link")
    refresh_url: HttpsUrl | None = Field(default=None, description="Where Stripe sends an expired onboarding link")
    return_url: HttpsUrl | None = Field(default=None, description="Where Stripe sends the practice after onboarding")

    @model_validator(mode="after")
    def _one_way(self) -> "StripeAccountLink":
        urls = (self.refresh_url, self.return_url)
        if self.account_id is not None and any(urls):
            raise ValueError("onboarding URLs with an account: linking an existing account takes no onboarding URLs")
        if self.account_id is None and not all(urls):
            raise ValueError("onboarding URLs missing: creating an account needs refresh_url and return_url")
        return self


class StripeAccountOut(Out):
    practice_id: str
    account_id: str | None = None
    state: Literal["creating", "onboarding", "linked"]
    charges_enabled: bool | None = Field(default=None, description="Null until Stripe has said (account.updated)")
    payouts_enabled: bool | None = None
    details_submitted: bool | None = None
    requirements_due: list[str] = Field(default_factory=list, description="What Stripe still needs, by field")
    onboarding_url: str | None = Field(default=None, description="Single-use, short-lived; only when just made")
    updated_at: str
    version: int


class CopayCreate(Schema):
    method: CopayMethod
    amount_cents: CopayCents
    check_number: CheckNumber | None = None

    @model_validator(mode="after")
    def _check_number_for_checks(self) -> "CopayCreate":
        if (self.method == "check") != (self.check_number is not None):
            raise ValueError("check_number and method disagree: a check co-pay needs check_number, and only a check "
                             "co-pay takes one")
        return self


class CopayOut(Versioned):
    practice_id: str
    visit_id: str
    patient_id: str
    method: CopayMethod
    amount_cents: int
    check_number: str | None = None
    status: CopayStatus
    payment_intent_id: str | None = None
    failure_code: str | None = None
    refunded_cents: int = 0
    client_secret: str | None = Field(default=None, description="For Stripe.js to confirm a card co-pay: only in "
                                                                  "the answer that created it (and its "
                                                                  "Idempotency-Key replay), not kept on the co-pay")


class WebhookAck(Out):
    received: bool = True
    event_id: str
    outcome: Literal["processed", "duplicate", "ignored"]
