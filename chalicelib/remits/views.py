"""Reading remittances and the remittance work list: a practice's own, and the firm's across practices.

A practice's list is its gsi1 partition, the firm's the gsi2 partition every practice's record also carries
(db/keys.py); ids are ULIDs, so newest first is the index read backwards. One remittance and its claims sort
together in the practice's partition (REMITTANCE#id, REMITTANCE#id#CLAIM#n): one Query reads both.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from chalicelib.claims import service as claims
from chalicelib.core.auth import PracticeScope, Principal, require_whole_firm
from chalicelib.core.errors import NotFound
from chalicelib.core.fanout import together
from chalicelib.db import keys, pages
from chalicelib.db.models import Item
from chalicelib.remits.items import ClaimPosting, PracticeEntry, RemittanceClaim, RemittanceItem, RemittanceWork
from chalicelib.remits.models import (
    ClaimPostingOut,
    PracticeEntryOut,
    RemittanceClaimOut,
    RemittanceOut,
    RemittanceWorkOut,
)

Page = tuple[list[Any], "str | None"]
FIRM_ONLY = "The firm's {} are for keys that see all of its practices; use a practice's list."


def remittance_out(item: RemittanceItem, claims: list[RemittanceClaim] | None = None) -> RemittanceOut:
    fields = {name: getattr(item, name) for name in RemittanceOut.model_fields
              if name not in ("duplicates", "provider_adjustments", "imbalances", "claims")}
    return RemittanceOut(**fields, duplicates=json.loads(item.duplicates),
                         provider_adjustments=json.loads(item.provider_adjustments),
                         imbalances=json.loads(item.imbalances),
                         claims=None if claims is None else [claim_out(c) for c in claims])


def claim_out(item: RemittanceClaim) -> RemittanceClaimOut:
    fields = {name: getattr(item, name) for name in RemittanceClaimOut.model_fields
              if name not in ("adjustments", "remarks", "lines", "imbalances")}
    return RemittanceClaimOut(**fields, adjustments=json.loads(item.adjustments), remarks=json.loads(item.remarks),
                              lines=json.loads(item.lines), imbalances=json.loads(item.imbalances))


def work_out(item: RemittanceWork) -> RemittanceWorkOut:
    return RemittanceWorkOut.model_validate(item)


def _list(model: type[Item], index: str, partition: str, out: Callable[[Any], Any], query: Any) -> Page:
    page = pages.query_index_page(model, index, partition, "", limit=query.limit, cursor=query.cursor,
                                  newest_first=True)
    return [out(item) for item in page.items], page.next_cursor


def list_remittances(scope: PracticeScope, query: Any) -> Page:
    partition = keys.remittances_pk(keys.practice_pk(scope.practice_id))
    return _list(RemittanceItem, "gsi1", partition, remittance_out, query)


def list_firm_remittances(principal: Principal, query: Any) -> Page:
    require_whole_firm(principal, FIRM_ONLY.format("remittances"))
    partition = keys.remittances_pk(keys.firm_pk(principal.firm_id))
    return _list(RemittanceItem, "gsi2", partition, remittance_out, query)


def get_remittance(scope: PracticeScope, remittance_id: str) -> RemittanceOut:
    """The remittance and its claims in one Query (they share the key prefix)."""
    items = list(Item.query(keys.practice_pk(scope.practice_id),
                            Item.sk.startswith(keys.remittance_sk(remittance_id))))
    head = next((i for i in items if isinstance(i, RemittanceItem)), None)
    if head is None:
        raise NotFound("No such remittance.")
    return remittance_out(head, [i for i in items if isinstance(i, RemittanceClaim)])


def list_work(scope: PracticeScope, query: Any) -> Page:
    partition = keys.remit_work_pk(keys.practice_pk(scope.practice_id))
    return _list(RemittanceWork, "gsi1", partition, work_out, query)


def list_firm_work(principal: Principal, query: Any) -> Page:
    require_whole_firm(principal, FIRM_ONLY.format("unmatched remittances"))
    partition = keys.remit_work_pk(keys.firm_pk(principal.firm_id))
    return _list(RemittanceWork, "gsi2", partition, work_out, query)


def posting_out(item: ClaimPosting) -> ClaimPostingOut:
    fields = {name: getattr(item, name) for name in ClaimPostingOut.model_fields if name != "entries"}
    return ClaimPostingOut(**fields, entries=json.loads(item.entries))


def claim_postings(scope: PracticeScope, claim_id: str, query: Any) -> Page:
    """A claim's postings, oldest first, each with its entries; the claim read at once (404 when not ours)."""
    _, page = together(lambda: claims.require(scope, claim_id),
                       lambda: pages.query_page(ClaimPosting, keys.practice_pk(scope.practice_id),
                                                keys.claim_entries_prefix(claim_id), limit=query.limit,
                                                cursor=query.cursor))
    return [posting_out(item) for item in page.items], page.next_cursor


def provider_adjustments(scope: PracticeScope, query: Any) -> Page:
    """The PLB adjustments posted to the practice, oldest first."""
    page = pages.query_page(PracticeEntry, keys.practice_pk(scope.practice_id), keys.PRACTICE_ENTRIES_PREFIX,
                            limit=query.limit, cursor=query.cursor)
    return [PracticeEntryOut.model_validate(item) for item in page.items], page.next_cursor
