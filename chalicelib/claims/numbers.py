"""Finding our claims from the patient control number (CLM01) an answer echoes: a 277CA's TRN02, a 277's
REF*EJ, an 835's CLP01. The number is firm-wide (the firm's counter), so one pointer per number (pk=FIRM#f,
sk=PCN#n) names the practice and the claim; both are read with BatchGetItem, 100 keys a call."""
from __future__ import annotations

from typing import Iterable

from chalicelib.claims.items import ClaimItem, ClaimNumber
from chalicelib.db import keys


def usable(reference: str) -> bool:
    """A reference that could be one of our numbers: anything else cannot be a key part and is simply not ours."""
    return bool(reference) and "#" not in reference and len(reference) <= 50


def claims_by_number(firm_id: str, numbers: Iterable[str]) -> dict[str, ClaimItem]:
    """Our claims by patient control number (CLM01); numbers that are not ours are simply absent."""
    pk = keys.firm_pk(firm_id)
    wanted = sorted({n for n in numbers if usable(n)})
    pointers = [p for p in ClaimNumber.batch_get([(pk, keys.pcn_sk(n)) for n in wanted]) if isinstance(p, ClaimNumber)]
    claim_keys = sorted({(keys.practice_pk(p.practice_id), keys.claim_sk(p.claim_id)) for p in pointers})
    return {c.patient_control_number: c for c in ClaimItem.batch_get(claim_keys) if isinstance(c, ClaimItem)}
