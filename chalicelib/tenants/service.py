"""Firms, practices and API keys."""
from __future__ import annotations

from chalicelib.core import auth
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PERMISSIONS, Principal
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Forbidden, ValidationFailed, field_error
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Address, ApiKey, AuditRecord, Firm, Practice
from chalicelib.db.pages import query_page
from chalicelib.tenants.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    AuditOut,
    FirmCreate,
    FirmCreated,
    FirmOut,
    Me,
    PracticeCreate,
    PracticeOut,
    PracticeUpdate,
)


def _new_key(firm_id: str, role: str, practice_ids: list[str] | str, label: str | None,
             created_by: str) -> tuple[ApiKey, str]:
    key_id, now = new_id(), now_iso()
    token, secret_hash = auth.mint_token(firm_id, key_id)
    every = practice_ids == "all"
    item = ApiKey(keys.firm_pk(firm_id), keys.api_key_sk(key_id), id=key_id, created_at=now, updated_at=now,
                  firm_id=firm_id, role=role, all_practices=every, practice_ids=[] if every else list(practice_ids),
                  label=label, secret_hash=secret_hash, created_by=created_by)
    return item, token


def key_out(item: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(id=item.id, created_at=item.created_at, updated_at=item.updated_at, version=item.version,
                     firm_id=item.firm_id, role=item.role,
                     practice_ids="all" if item.all_practices else list(item.practice_ids),
                     label=item.label, created_by=item.created_by, revoked_at=item.revoked_at)


def create_firm(data: FirmCreate) -> FirmCreated:
    """A firm and its first firm-admin key, written together or not at all."""
    firm_id, now = new_id(), now_iso()
    firm = Firm(keys.firm_pk(firm_id), keys.FIRM_SK, id=firm_id, created_at=now, updated_at=now, name=data.name)
    key, token = _new_key(firm_id, "firm_admin", "all", "first firm admin", "root")
    with store.transaction() as tx:  # the version attribute makes each save conditional on a free key
        tx.save(firm)
        tx.save(key)
    return FirmCreated(firm=FirmOut.model_validate(firm), api_key=token)


def create_practice(principal: Principal, data: PracticeCreate, audit: Audit | None = None) -> PracticeOut:
    practice_id = new_id()
    item = Practice(keys.firm_pk(principal.firm_id), keys.practice_sk(practice_id), id=practice_id,
                    firm_id=principal.firm_id, name=data.name, npi=data.npi, tax_id=data.tax_id,
                    address=Address(**data.address.model_dump()),
                    eligibility_max_age_days=data.eligibility_max_age_days, secondary_claims=data.secondary_claims,
                    gsi1pk=keys.ALL_PRACTICES, gsi1sk=practice_id)
    return PracticeOut.model_validate(store.create(item, "practice", audit))


def practice_key(firm_id: str, practice_id: str) -> store.Key[Practice]:
    """A practice's key (under its firm), for reading it together with other items (store.read)."""
    return store.Key(Practice, keys.firm_pk(firm_id), keys.practice_sk(practice_id), "practice")


def get_practice(principal: Principal, practice_id: str) -> PracticeOut:
    return PracticeOut.model_validate(
        store.get(Practice, keys.firm_pk(principal.firm_id), keys.practice_sk(practice_id), "practice"))


def update_practice(principal: Principal, practice_id: str, data: PracticeUpdate, version: int,
                    audit: Audit | None = None) -> PracticeOut:
    item = store.get(Practice, keys.firm_pk(principal.firm_id), keys.practice_sk(practice_id), "practice")
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "address" in changes:
        changes["address"] = Address(**changes["address"])
    return PracticeOut.model_validate(store.update(item, changes, version, "practice", audit))


def list_practices(principal: Principal, limit: int, cursor: str | None) -> tuple[list[PracticeOut], str | None]:
    if principal.practice_ids is not None:
        # A key limited to some practices reads exactly those (BatchGet), never the firm's whole list.
        batch = Practice.batch_get([(keys.firm_pk(principal.firm_id), keys.practice_sk(p))
                                    for p in sorted(principal.practice_ids)])
        return sorted((PracticeOut.model_validate(p) for p in batch), key=lambda p: p.id), None
    page = query_page(Practice, keys.firm_pk(principal.firm_id), keys.PREFIXES["practice"],
                      limit=limit, cursor=cursor)
    return [PracticeOut.model_validate(p) for p in page.items], page.next_cursor


def _check_practices_exist(principal: Principal, practice_ids: list[str]) -> None:
    found = {p.id for p in Practice.batch_get([(keys.firm_pk(principal.firm_id), keys.practice_sk(p))
                                               for p in practice_ids])}
    missing = [i for i, p in enumerate(practice_ids) if p not in found]
    if missing:
        raise ValidationFailed("Some practices are not this firm's.",
                               [field_error(f"practice_ids.{i}", "no such practice") for i in missing])


def create_api_key(principal: Principal, data: ApiKeyCreate) -> ApiKeyCreated:
    if principal.practice_ids is not None:
        raise Forbidden("Only a key for every practice of the firm may create keys.")
    if isinstance(data.practice_ids, list):
        _check_practices_exist(principal, data.practice_ids)
    item, token = _new_key(principal.firm_id, data.role, data.practice_ids, data.label, principal.key_id)
    store.create(item, "API key")
    return ApiKeyCreated(**key_out(item).model_dump(), api_key=token)


def list_api_keys(principal: Principal, limit: int, cursor: str | None) -> tuple[list[ApiKeyOut], str | None]:
    page = query_page(ApiKey, keys.firm_pk(principal.firm_id), keys.PREFIXES["api_key"], limit=limit, cursor=cursor)
    return [key_out(k) for k in page.items], page.next_cursor


def revoke_api_key(principal: Principal, key_id: str) -> None:
    item = store.get(ApiKey, keys.firm_pk(principal.firm_id), keys.api_key_sk(key_id), "API key")
    if item.revoked_at is None:
        store.update(item, {"revoked_at": now_iso()}, item.version, "API key")


def me(principal: Principal) -> Me:
    practices = "all" if principal.practice_ids is None else sorted(principal.practice_ids)
    return Me(key_id=principal.key_id, firm_id=principal.firm_id, role=principal.role, practice_ids=practices,
              permissions=sorted(PERMISSIONS.get(principal.role, frozenset())))




def list_audit(practice_id: str, limit: int, cursor: str | None) -> tuple[list[AuditOut], str | None]:
    page = query_page(AuditRecord, keys.practice_pk(practice_id), keys.PREFIXES["audit"], limit=limit,
                      cursor=cursor, newest_first=True)
    return [AuditOut.model_validate(r) for r in page.items], page.next_cursor
