"""Coverages: a patient's insurance policies, at most one active of each order (primary, secondary, tertiary).

An active coverage holds its order's claim item (pk=PRACTICE#p, sk=PATIENT#id#ORDER#<order>), written in the
same transaction, so two requests racing to add a primary cannot both win.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import Conflict, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Payer
from chalicelib.db.pages import query_page
from chalicelib.patients import names
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, CoverageOrderClaim, NameOnCard, Person
from chalicelib.patients.models import CoverageCreate, CoverageOut, CoverageUpdate, SubscriberIn
from chalicelib.tenants.setup import payer_key

Page = tuple[list[Any], str | None]


def _order_claim(scope: PracticeScope, patient_id: str, order: str, coverage_id: str) -> CoverageOrderClaim:
    now = now_iso()
    return CoverageOrderClaim(keys.practice_pk(scope.practice_id), keys.coverage_order_sk(patient_id, order),
                              id=f"{patient_id}-{order}", coverage_id=coverage_id, created_at=now, updated_at=now)


def _require_active(payer: Payer | None) -> None:
    if payer is None or not payer.active:
        raise ValidationFailed("The payer is not an active payer of this practice.",
                               [field_error("payer_id", "no such active payer")])


def _subscriber(given: SubscriberIn) -> Person:
    fields = given.model_dump(exclude={"name_on_card"})
    card = NameOnCard(**given.name_on_card.model_dump()) if given.name_on_card else None
    return Person(**{**fields, "birth_date": given.birth_date.isoformat()}, name_on_card=card)


def add(scope: PracticeScope, patient_id: str, data: CoverageCreate, audit: Audit | None = None) -> CoverageOut:
    found = store.read(patients.key(scope, patient_id), payer_key(scope, data.payer_id))
    patient = found.get(patients.key(scope, patient_id))
    # Every 270 and 837 of a coverage names the patient, and the policy holder when it is someone else.
    names.require_writable(patient, "patient.", "The patient's name",
                           "in the patient's name_on_card (PATCH the patient)")
    if data.subscriber:
        names.require_writable(data.subscriber, "subscriber.", whose="The subscriber's name")
    _require_active(found.find(payer_key(scope, data.payer_id)))
    coverage_id, now = new_id(), now_iso()
    fields = data.model_dump(exclude={"subscriber", "effective_from", "effective_to"})
    subscriber = _subscriber(data.subscriber) if data.subscriber else None
    item = Coverage(keys.practice_pk(scope.practice_id), keys.coverage_sk(patient_id, coverage_id), id=coverage_id,
                    practice_id=scope.practice_id, patient_id=patient_id, subscriber=subscriber, active=True,
                    effective_from=data.effective_from.isoformat(),
                    effective_to=data.effective_to.isoformat() if data.effective_to else None,
                    created_at=now, updated_at=now, **fields)
    try:
        with store.transaction(audit, made_id=coverage_id) as tx:
            tx.save(item)
            tx.save(_order_claim(scope, patient_id, data.order, coverage_id))
    except TransactWriteError as error:
        raise _order_taken(error, data.order) from None
    return CoverageOut.model_validate(item)


def _order_taken(error: TransactWriteError, order: str) -> Exception:
    reasons = [r.code if r else None for r in (error.cancellation_reasons or [])]
    if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
        return Conflict(f"The patient already has an active {order} coverage; end it first.",
                        [field_error("order", f"an active {order} coverage exists")])
    return store.translate_transaction(error, "coverage")


def key(scope: PracticeScope, patient_id: str, coverage_id: str) -> store.Key[Coverage]:
    """A coverage's key, for reading it together with other items (store.read)."""
    return store.Key(Coverage, keys.practice_pk(scope.practice_id), keys.coverage_sk(patient_id, coverage_id),
                     "coverage")


def _get(scope: PracticeScope, patient_id: str, coverage_id: str) -> Coverage:
    return store.load(key(scope, patient_id, coverage_id))


def get(scope: PracticeScope, patient_id: str, coverage_id: str) -> CoverageOut:
    return CoverageOut.model_validate(_get(scope, patient_id, coverage_id))


def list_for(scope: PracticeScope, patient_id: str, limit: int, cursor: str | None) -> Page:
    _, page = together(lambda: patients.require(scope, patient_id),
                       lambda: query_page(Coverage, keys.practice_pk(scope.practice_id),
                                          keys.coverages_prefix(patient_id), limit=limit, cursor=cursor))
    return [CoverageOut.model_validate(c) for c in page.items], page.next_cursor


def of_patient(scope: PracticeScope, patient_id: str) -> list[Coverage]:
    """Every coverage of a patient, active and ended: one Query (a patient has a handful)."""
    return list(Coverage.query(keys.practice_pk(scope.practice_id),
                               Coverage.sk.startswith(keys.coverages_prefix(patient_id))))


def active_primary(coverages: list[Coverage]) -> Coverage | None:
    """The active primary among a patient's coverages: at most one, by its order claim."""
    return next((c for c in coverages if c.active and c.order == "primary"), None)


def update(scope: PracticeScope, patient_id: str, coverage_id: str, data: CoverageUpdate,
           version: int, audit: Audit | None = None) -> CoverageOut:
    item = _get(scope, patient_id, coverage_id)
    store.check_version(item, version, "coverage")
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if "effective_to" in changes:
        changes["effective_to"] = changes["effective_to"].isoformat() if changes["effective_to"] else None
        if changes["effective_to"] and changes["effective_to"] < item.effective_from:
            raise ValidationFailed("The coverage would end before it starts.",
                                   [field_error("effective_to", "before effective_from")])
    ending = changes.get("active") is False and item.active
    if changes.get("active") is True and not item.active:
        raise ValidationFailed("An ended coverage is not reopened; add a new one.",
                               [field_error("active", "cannot reactivate")])
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = now_iso()
    try:
        with store.transaction(audit) as tx:
            tx.save(item)  # conditional on the version read
            if ending:  # deleted unread: the condition that it is this coverage's stands in for reading it
                tx.delete(CoverageOrderClaim(item.pk, keys.coverage_order_sk(patient_id, item.order)),
                          condition=CoverageOrderClaim.coverage_id == item.id, add_version_condition=False)
    except TransactWriteError as error:
        raise store.translate_transaction(error, "coverage") from None
    return CoverageOut.model_validate(item)
