"""A practice's Stripe connected account: an existing one linked, or a new one created with an onboarding link.

Each practice is its own connected account and its patients pay it by direct charges, so the money is the
practice's and never the firm's (DESIGN "Money in"). New accounts are Standard accounts: with direct charges
the practice is the merchant of record and deals with its own disputes, which is what Standard is for.
The status (charges enabled, what Stripe still needs) is kept from `account.updated` webhooks.
"""
from __future__ import annotations

from typing import Any

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.fanout import together
from chalicelib.db import keys, store
from chalicelib.payments.items import StripeAccount
from chalicelib.payments.models import StripeAccountLink, StripeAccountOut
from chalicelib.payments.stripe_client import get_stripe, stripe_errors

WHAT = "Stripe account"


class NoStripeAccount(Conflict):
    slug, title = "no-stripe-account", "No Stripe account"


def account_out(item: StripeAccount, onboarding_url: str | None = None) -> StripeAccountOut:
    return StripeAccountOut(practice_id=item.practice_id, account_id=item.account_id, state=item.state,
                            charges_enabled=item.charges_enabled, payouts_enabled=item.payouts_enabled,
                            details_submitted=item.details_submitted, requirements_due=item.requirements_due or [],
                            onboarding_url=onboarding_url, updated_at=item.updated_at, version=item.version)


def find(scope: PracticeScope) -> StripeAccount | None:
    try:
        return store.get(StripeAccount, keys.practice_pk(scope.practice_id), keys.STRIPE_ACCOUNT_SK, WHAT)
    except NotFound:
        return None


def get(scope: PracticeScope) -> StripeAccountOut:
    item = find(scope)
    if item is None:
        raise NotFound("This practice has no Stripe account yet.")
    return account_out(item)


def ready(item: StripeAccount | None) -> StripeAccount:
    """The account a card payment goes to (`find`); 409 when the practice has none (yet)."""
    if item is None or item.account_id is None:
        raise NoStripeAccount("This practice has no Stripe account to take cards with: link or create one first "
                              "(POST /practices/{practice_id}/stripe/account).")
    return item


def link_or_create(scope: PracticeScope, data: StripeAccountLink, audit: Audit | None = None) -> StripeAccountOut:
    if data.account_id is not None:
        return _link(scope, data.account_id, audit)
    existing = find(scope)
    if existing is not None and existing.state == "linked":
        raise Conflict("This practice is linked to an existing Stripe account; there is nothing to onboard.")
    return _onboard(scope, existing, data, audit)


def _new(scope: PracticeScope, **fields: Any) -> StripeAccount:
    return StripeAccount(keys.practice_pk(scope.practice_id), keys.STRIPE_ACCOUNT_SK, id=scope.practice_id,
                         practice_id=scope.practice_id, **fields)


def _index(scope: PracticeScope, account_id: str) -> dict[str, str]:
    return {"gsi1pk": keys.stripe_account_index_pk(account_id), "gsi1sk": keys.practice_pk(scope.practice_id)}


def _link(scope: PracticeScope, account_id: str, audit: Audit | None) -> StripeAccountOut:
    """The practice's account and the practices already linked to `account_id`, read at once."""
    index = keys.stripe_account_index_pk(account_id)
    existing, linked = together(lambda: find(scope), lambda: list(StripeAccount.gsi1.query(index)))
    if existing is not None:
        if existing.account_id == account_id:
            return account_out(existing)  # the same link again changes nothing
        raise Conflict("This practice already has a Stripe account; one practice takes payments into one account.")
    # Read from the index before the write: two practices linking one account in the same instant are not
    # caught here. The id is not checked with Stripe (localstripe has no accounts API); a wrong id fails at the
    # first card co-pay, when Stripe refuses the Stripe-Account header.
    for other in linked:
        if other.practice_id != scope.practice_id:
            raise Conflict("This Stripe account is linked to another practice.")
    item = _new(scope, account_id=account_id, state="linked", **_index(scope, account_id))
    return account_out(store.create(item, WHAT, audit))


def _onboard(scope: PracticeScope, existing: StripeAccount | None, data: StripeAccountLink, audit: Audit | None
             ) -> StripeAccountOut:
    """Create the account (once: its idempotency key is saved before the call), then a fresh onboarding link.
    The route's audit record goes with the account Stripe made (or, asked again, is written after the link).

    Asked again, the same account gets a new link: links are single-use and expire within minutes.
    """
    item = existing or store.create(_new(scope, state="creating",
                                         idempotency_key=f"stripe-account-{scope.practice_id}"), WHAT)
    if item.account_id is None:
        with stripe_errors("create the connected account"):
            account = get_stripe().v1.accounts.create(
                {"type": "standard", "metadata": {"practice_id": scope.practice_id}},
                {"idempotency_key": item.idempotency_key})
        snapshot = account.to_dict()  # stripe-python objects are not dicts
        changes = {"account_id": account.id, "state": "onboarding", **_index(scope, account.id),
                   **status_fields(snapshot, int(snapshot.get("created") or 0))}
        item = store.update(item, changes, item.version, WHAT, audit)
    with stripe_errors("create an onboarding link"):
        link = get_stripe().v1.account_links.create({"account": item.account_id, "type": "account_onboarding",
                                                     "refresh_url": data.refresh_url, "return_url": data.return_url})
    return account_out(item, onboarding_url=link.url)


def status_fields(account: dict[str, Any], at: int) -> dict[str, Any]:
    """What we keep of a Stripe account object: capabilities and what is still due, nothing personal."""
    return {"charges_enabled": bool(account.get("charges_enabled")),
            "payouts_enabled": bool(account.get("payouts_enabled")),
            "details_submitted": bool(account.get("details_submitted")),
            "requirements_due": [str(f) for f in (account.get("requirements") or {}).get("currently_due") or []],
            "status_at": at}


def accounts_linked_to(account_id: str) -> list[StripeAccount]:
    """The practice items of a connected account (one, by the link rule), read again consistently to be saved."""
    found = StripeAccount.gsi1.query(keys.stripe_account_index_pk(account_id))
    return [StripeAccount.get(item.pk, item.sk, consistent_read=True) for item in found]


def apply_status(item: StripeAccount, account: dict[str, Any], at: int) -> bool:
    """Take an `account.updated` snapshot unless a newer one was taken already (events may come out of order)."""
    if item.status_at is not None and at < int(item.status_at):
        return False
    for name, value in status_fields(account, at).items():
        setattr(item, name, value)
    item.updated_at = now_iso()
    return True
