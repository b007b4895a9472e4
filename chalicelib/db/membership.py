"""Which practices are a firm's, remembered by each container.

Every practice route checks that the practice is the caller's firm's (core/api.py). A practice is made under its
firm (pk=FIRM#f, sk=PRACTICE#p), never moves to another firm and is never deleted, so once a container has found
it there, the answer holds for the container's life and costs no round trip again. Only practices found are
kept: a practice made after a miss is found when asked again. This is not a cache of what a key may do: the
key itself is read on every request (core/authn.py), so a revoked key stops at once.
"""
from __future__ import annotations

from typing import Iterable

from chalicelib.db import keys, store
from chalicelib.db.models import Practice

KEPT = 10_000  # (firm, practice) pairs a container remembers, about 1 MB at most; the oldest goes first
_known: dict[tuple[str, str], None] = {}  # insertion-ordered


def firm_practices(firm_id: str, practice_ids: Iterable[str]) -> set[str]:
    """Those of `practice_ids` that are the firm's practices; the ones not known yet are read in one
    BatchGetItem."""
    wanted = set(practice_ids)
    unknown = sorted(p for p in wanted if (firm_id, p) not in _known)
    if unknown:
        found = store.read(*(_key(firm_id, p) for p in unknown))
        for practice_id in unknown:
            practice = found.find(_key(firm_id, practice_id))
            if practice is not None and practice.firm_id == firm_id:
                _remember(firm_id, practice_id)
    return {p for p in wanted if (firm_id, p) in _known}


def _key(firm_id: str, practice_id: str) -> store.Key[Practice]:
    return store.Key(Practice, keys.firm_pk(firm_id), keys.practice_sk(practice_id), "practice")


def _remember(firm_id: str, practice_id: str) -> None:
    if len(_known) >= KEPT:
        del _known[next(iter(_known))]
    _known[(firm_id, practice_id)] = None
