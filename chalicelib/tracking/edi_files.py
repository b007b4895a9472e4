"""Reading the inbound-file records: a practice's own (what each file did to its claims) and the firm's."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.claims.items import EdiFile, PracticeEdiFile
from chalicelib.core import auth
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.db import keys, pages, store
from chalicelib.tracking.models import EdiFileOut, FirmEdiFileOut

Page = tuple[list[Any], "str | None"]


def out(item: PracticeEdiFile) -> EdiFileOut:
    return EdiFileOut(id=item.id, created_at=item.created_at, updated_at=item.updated_at,
                      practice_id=item.practice_id, name=item.name, received_at=item.received_at, kind=item.file_kind,
                      status=item.status, set_count=int(item.set_count or 0), claims=json.loads(item.claims),
                      reason=item.reason)


def firm_out(item: EdiFile) -> FirmEdiFileOut:
    return FirmEdiFileOut(id=item.id, created_at=item.created_at, updated_at=item.updated_at,
                          name=item.key.rsplit("/", 1)[-1], size=int(item.size), received_at=item.received_at,
                          kind=item.file_kind, status=item.status, practice_ids=list(item.practice_ids),
                          set_count=int(item.set_count or 0), claim_count=int(item.claim_count),
                          unmatched=json.loads(item.unmatched or "[]"), reason=item.reason,
                          recovered_at=item.recovered_at, recovery_error=item.recovery_error)


def list_files(scope: PracticeScope, query: Any) -> Page:
    owner = keys.practice_pk(scope.practice_id)
    page = pages.query_index_page(PracticeEdiFile, "gsi1", keys.edi_files_pk(owner, query.status), "",
                                  limit=query.limit, cursor=query.cursor)
    return [out(item) for item in page.items], page.next_cursor


def get_file(scope: PracticeScope, file_id: str) -> EdiFileOut:
    return out(store.get(PracticeEdiFile, keys.practice_pk(scope.practice_id), keys.edi_file_sk(file_id), "file"))


def require_whole_firm(principal: Principal) -> None:
    """The firm's mailbox holds files no practice could be told from (an unreadable file naming no claim of
    ours), so its list and its re-runs are for keys that see every practice of the firm."""
    auth.require_whole_firm(principal, "The firm's inbound files are for keys that see all of its practices; use "
                                       "a practice's list.")


def list_firm_files(principal: Principal, query: Any) -> Page:
    require_whole_firm(principal)
    owner = keys.firm_pk(principal.firm_id)
    page = pages.query_index_page(EdiFile, "gsi1", keys.edi_files_pk(owner, query.status), "",
                                  limit=query.limit, cursor=query.cursor)
    return [firm_out(item) for item in page.items], page.next_cursor
