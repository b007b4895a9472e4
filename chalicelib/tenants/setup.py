"""A practice's setup: providers, payers and the fee schedule. Every function takes the tenant scope."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Address, FeeScheduleEntry, Payer, Provider
from chalicelib.db.pages import query_page
from chalicelib.tenants.setup_models import (
    FeeCreate,
    FeeOut,
    FeeQuery,
    FeeUpdate,
    PayerCreate,
    PayerOut,
    PayerUpdate,
    ProviderCreate,
    ProviderOut,
    ProviderUpdate,
)

Page = tuple[list[Any], str | None]


def _changes(data: Any, *, partial: bool = True) -> dict[str, Any]:
    changes = data.model_dump(exclude_unset=partial, exclude={"version"})
    if changes.get("address") is not None:
        changes["address"] = Address(**changes["address"])
    return changes


def _page(scope: PracticeScope, model: type, kind: str, out: type, limit: int, cursor: str | None) -> Page:
    page = query_page(model, keys.practice_pk(scope.practice_id), keys.PREFIXES[kind], limit=limit, cursor=cursor)
    return [out.model_validate(item) for item in page.items], page.next_cursor


def provider_key(scope: PracticeScope, provider_id: str) -> store.Key[Provider]:
    """A provider's key, for reading it together with other items (store.read)."""
    return store.Key(Provider, keys.practice_pk(scope.practice_id), keys.provider_sk(provider_id), "provider")


def payer_key(scope: PracticeScope, payer_id: str) -> store.Key[Payer]:
    return store.Key(Payer, keys.practice_pk(scope.practice_id), keys.payer_sk(payer_id), "payer")


def create_provider(scope: PracticeScope, data: ProviderCreate, audit: Audit | None = None) -> ProviderOut:
    provider_id = new_id()
    item = Provider(keys.practice_pk(scope.practice_id), keys.provider_sk(provider_id), id=provider_id,
                    practice_id=scope.practice_id, active=True, **data.model_dump())
    return ProviderOut.model_validate(store.create(item, "provider", audit))


def _provider(scope: PracticeScope, provider_id: str) -> Provider:
    return store.load(provider_key(scope, provider_id))


def get_provider(scope: PracticeScope, provider_id: str) -> ProviderOut:
    return ProviderOut.model_validate(_provider(scope, provider_id))


def update_provider(scope: PracticeScope, provider_id: str, data: ProviderUpdate, version: int,
                    audit: Audit | None = None) -> ProviderOut:
    item = _provider(scope, provider_id)
    changes = _changes(data)
    person = {"first_name", "last_name"} & changes.keys()
    if (item.entity_type == "organization" and person) or (
            item.entity_type == "individual" and "organization_name" in changes):
        raise ValidationFailed("These names do not fit this provider's entity type.",
                               [field_error(name, "not for this entity type") for name in sorted(changes.keys() & {
                                   "first_name", "last_name", "organization_name"})])
    return ProviderOut.model_validate(store.update(item, changes, version, "provider", audit))


def list_providers(scope: PracticeScope, limit: int, cursor: str | None) -> Page:
    return _page(scope, Provider, "provider", ProviderOut, limit, cursor)


def create_payer(scope: PracticeScope, data: PayerCreate, audit: Audit | None = None) -> PayerOut:
    payer_id = new_id()
    fields = _changes(data, partial=False)
    item = Payer(keys.practice_pk(scope.practice_id), keys.payer_sk(payer_id), id=payer_id,
                 practice_id=scope.practice_id, active=True, **fields)
    return PayerOut.model_validate(store.create(item, "payer", audit))


def _payer(scope: PracticeScope, payer_id: str) -> Payer:
    return store.load(payer_key(scope, payer_id))


def get_payer(scope: PracticeScope, payer_id: str) -> PayerOut:
    return PayerOut.model_validate(_payer(scope, payer_id))


def update_payer(scope: PracticeScope, payer_id: str, data: PayerUpdate, version: int,
                 audit: Audit | None = None) -> PayerOut:
    return PayerOut.model_validate(store.update(_payer(scope, payer_id), _changes(data), version, "payer", audit))


def list_payers(scope: PracticeScope, limit: int, cursor: str | None) -> Page:
    return _page(scope, Payer, "payer", PayerOut, limit, cursor)


def _overlaps(a_from: str, a_to: str | None, b_from: str, b_to: str | None) -> bool:
    return a_from <= (b_to or "9999-12-31") and b_from <= (a_to or "9999-12-31")


def _entries_of_code(scope: PracticeScope, code: str) -> list[FeeScheduleEntry]:
    return list(FeeScheduleEntry.gsi1.query(keys.fee_code_pk(scope.practice_id, code)))


def _refuse_overlap(scope: PracticeScope, code: str, start: str, end: str | None, skip_id: str | None) -> None:
    # Checked before the write; two overlapping creates racing each other are not caught here.
    for other in _entries_of_code(scope, code):
        if other.id != skip_id and _overlaps(start, end, other.effective_from, other.effective_to):
            raise Conflict(f"Code {code} already has a fee in effect in these dates (entry {other.id}).")


def create_fee(scope: PracticeScope, data: FeeCreate, audit: Audit | None = None) -> FeeOut:
    start, end = data.effective_from.isoformat(), data.effective_to.isoformat() if data.effective_to else None
    _refuse_overlap(scope, data.code, start, end, None)
    entry_id = new_id()
    item = FeeScheduleEntry(keys.practice_pk(scope.practice_id), keys.fee_sk(entry_id), id=entry_id,
                            practice_id=scope.practice_id, code=data.code, charge_cents=data.charge_cents,
                            effective_from=start, effective_to=end,
                            gsi1pk=keys.fee_code_pk(scope.practice_id, data.code), gsi1sk=start)
    return FeeOut.model_validate(store.create(item, "fee schedule entry", audit))


def _fee(scope: PracticeScope, entry_id: str) -> FeeScheduleEntry:
    return store.get(FeeScheduleEntry, keys.practice_pk(scope.practice_id), keys.fee_sk(entry_id),
                     "fee schedule entry")


def get_fee(scope: PracticeScope, entry_id: str) -> FeeOut:
    return FeeOut.model_validate(_fee(scope, entry_id))


def update_fee(scope: PracticeScope, entry_id: str, data: FeeUpdate, version: int,
               audit: Audit | None = None) -> FeeOut:
    item = _fee(scope, entry_id)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "effective_to" in changes:
        end = changes["effective_to"].isoformat() if changes["effective_to"] else None
        if end is not None and end < item.effective_from:
            raise ValidationFailed("The entry would end before it starts.",
                                   [field_error("effective_to", "before effective_from")])
        _refuse_overlap(scope, item.code, item.effective_from, end, item.id)
        changes["effective_to"] = end
    return FeeOut.model_validate(store.update(item, changes, version, "fee schedule entry", audit))


def delete_fee(scope: PracticeScope, entry_id: str, version: int, audit: Audit | None = None) -> None:
    store.delete(_fee(scope, entry_id), version, "fee schedule entry", audit)


def list_fees(scope: PracticeScope, query: FeeQuery) -> Page:
    if query.code is None:
        if query.on is not None:
            raise ValidationFailed("`on` needs `code`.", [field_error("query.on", "give code too")])
        return _page(scope, FeeScheduleEntry, "fee", FeeOut, query.limit, query.cursor)
    entries = _entries_of_code(scope, query.code)
    if query.on is not None:
        entries = [e for e in entries if _in_effect(e, query.on)]
    return [FeeOut.model_validate(e) for e in entries], None


def _in_effect(entry: FeeScheduleEntry, on: date) -> bool:
    return entry.effective_from <= on.isoformat() <= (entry.effective_to or "9999-12-31")


def fees_of(scope: PracticeScope, codes: Iterable[str]) -> dict[str, list[FeeScheduleEntry]]:
    """Each code's fee schedule entries: one Query a code, all made at once."""
    wanted = sorted(set(codes))
    found = together(*(lambda code=code: _entries_of_code(scope, code) for code in wanted))
    return dict(zip(wanted, found, strict=True))


def fee_on(entries: list[FeeScheduleEntry], day: date) -> int | None:
    """The charge in cents for one unit on a date of service, from a code's entries (`fees_of`)."""
    for entry in entries:
        if _in_effect(entry, day):
            return int(entry.charge_cents)
    return None
