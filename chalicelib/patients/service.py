"""Patients: register, read, update, search. Every function takes the tenant scope."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import now_iso
from chalicelib.core.errors import AlreadyExists, BadRequest, Conflict, ValidationFailed, field_error
from chalicelib.core.ids import new_id
from chalicelib.db import keys, store
from chalicelib.db.models import Address
from chalicelib.db.pages import query_index_page
from chalicelib.patients import names
from chalicelib.patients.items import Guarantor, MrnClaim, NameOnCard, Patient
from chalicelib.patients.models import (
    PatientCreate,
    PatientListQuery,
    PatientOut,
    PatientSearch,
    PatientUpdate,
    normalize_name,
)

Page = tuple[list[Any], str | None]


class LikelyDuplicate(Conflict):
    slug, title = "likely-duplicate", "Likely duplicate patient"

    def __init__(self, patient_ids: list[str]) -> None:
        super().__init__("A patient with this name and birth date exists; send allow_duplicate=true to add "
                         "another.")
        self.patient_ids = patient_ids

    def problem(self) -> dict[str, Any]:
        return {**super().problem(), "duplicate_of": self.patient_ids}


def _index_keys(practice_id: str, patient_id: str, first: str, last: str, birth_date: str) -> dict[str, str]:
    last_n, first_n = normalize_name(last), normalize_name(first)
    return {"gsi1pk": keys.patients_by_name_pk(practice_id),
            "gsi1sk": keys.patient_name_sk(last_n, first_n, birth_date, patient_id),
            "gsi2pk": keys.patients_born_pk(practice_id, birth_date),
            "gsi2sk": keys.patient_born_sk(last_n, first_n, patient_id)}


def _nested(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("address") is not None:
        data["address"] = Address(**data["address"])
    if data.get("guarantor") is not None:
        guarantor = dict(data["guarantor"])
        guarantor["address"] = Address(**guarantor["address"]) if guarantor.get("address") else None
        data["guarantor"] = Guarantor(**guarantor)
    if data.get("birth_date") is not None:
        data["birth_date"] = data["birth_date"].isoformat()
    if data.get("name_on_card") is not None:
        data["name_on_card"] = NameOnCard(**data["name_on_card"])
    return data


def _mrn_claim(scope: PracticeScope, mrn: str, patient_id: str) -> MrnClaim:
    now = now_iso()
    return MrnClaim(keys.practice_pk(scope.practice_id), keys.mrn_sk(mrn), id=mrn, patient_id=patient_id,
                    created_at=now, updated_at=now)


def likely_duplicates(scope: PracticeScope, first: str, last: str, birth_date: str) -> list[str]:
    prefix = f"NAME#{normalize_name(last)}#{normalize_name(first)}#{birth_date}#"
    return [p.id for p in Patient.gsi1.query(keys.patients_by_name_pk(scope.practice_id),
                                             Patient.gsi1sk.startswith(prefix), limit=10)]


def register(scope: PracticeScope, data: PatientCreate, allow_duplicate: bool, audit: Audit | None = None
             ) -> PatientOut:
    names.require_writable(data, whose="The patient's name")
    birth = data.birth_date.isoformat()
    duplicates = likely_duplicates(scope, data.first_name, data.last_name, birth)
    if duplicates and not allow_duplicate:
        raise LikelyDuplicate(duplicates)
    patient_id, now = new_id(), now_iso()
    fields = _nested(data.model_dump())
    item = Patient(keys.practice_pk(scope.practice_id), keys.patient_sk(patient_id), id=patient_id,
                   practice_id=scope.practice_id, created_at=now, updated_at=now, **fields,
                   **_index_keys(scope.practice_id, patient_id, data.first_name, data.last_name, birth))
    _write(item, [_mrn_claim(scope, data.mrn, patient_id)] if data.mrn else [], [], audit)
    return PatientOut.model_validate(item)


def _write(patient: Patient, claims: list[MrnClaim], releases: list[str], audit: Audit | None) -> None:
    """The patient and its MRN claims change together (with the route's audit record): an MRN taken by another
    patient refuses it all. `releases` are the MRNs the patient gives up, deleted unread: the condition that the
    claim is this patient's stands in for reading it first."""
    try:
        with store.transaction(audit, made_id=patient.id) as tx:
            tx.save(patient)
            for claim in claims:
                tx.save(claim)
            for mrn in releases:
                tx.delete(MrnClaim(patient.pk, keys.mrn_sk(mrn)), condition=MrnClaim.patient_id == patient.id,
                          add_version_condition=False)
    except TransactWriteError as error:
        reasons = [r.code if r else None for r in (error.cancellation_reasons or [])]
        if claims and len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise AlreadyExists("Another patient of this practice has this MRN.",
                                [field_error("mrn", "already in use")]) from None
        raise store.translate_transaction(error, "patient") from None


def key(scope: PracticeScope, patient_id: str) -> store.Key[Patient]:
    """The patient's key, for reading it together with other items (store.read)."""
    return store.Key(Patient, keys.practice_pk(scope.practice_id), keys.patient_sk(patient_id), "patient")


def _get(scope: PracticeScope, patient_id: str) -> Patient:
    return store.get(Patient, keys.practice_pk(scope.practice_id), keys.patient_sk(patient_id), "patient")


def get(scope: PracticeScope, patient_id: str) -> PatientOut:
    return PatientOut.model_validate(_get(scope, patient_id))


def require(scope: PracticeScope, patient_id: str) -> Patient:
    """The patient, for other services (coverages, visits): 404 when it is not this practice's."""
    return _get(scope, patient_id)


def update(scope: PracticeScope, patient_id: str, data: PatientUpdate, version: int, audit: Audit | None = None
           ) -> PatientOut:
    item = _get(scope, patient_id)
    store.check_version(item, version, "patient")
    changes = _nested(data.model_dump(exclude_unset=True, exclude={"version"}))
    old_mrn = item.mrn
    for name, value in changes.items():
        setattr(item, name, value)
    names.require_writable(item, whose="The patient's name")  # the name as changed, with its card name if any
    for name, value in _index_keys(scope.practice_id, item.id, item.first_name, item.last_name,
                                   item.birth_date).items():
        setattr(item, name, value)
    item.updated_at = now_iso()
    mrn_changed = "mrn" in changes and changes["mrn"] != old_mrn
    claims = [_mrn_claim(scope, item.mrn, item.id)] if mrn_changed and item.mrn else []
    _write(item, claims, [old_mrn] if mrn_changed and old_mrn else [], audit)
    return PatientOut.model_validate(item)


def list_all(scope: PracticeScope, query: PatientListQuery) -> Page:
    """Every patient by name, a page at a time; searching is `search`, with its terms in a body."""
    if query.search_terms():
        raise BadRequest("Search patients with POST /practices/{practice_id}/patients/search and the terms in a "
                         "JSON body: names, birth dates and MRNs are patient data and stay out of URLs.",
                         [field_error(f"query.{name}", "send it in the body of POST .../patients/search")
                          for name in query.search_terms()])
    return search(scope, PatientSearch(limit=query.limit, cursor=query.cursor))


def search(scope: PracticeScope, query: PatientSearch) -> Page:
    if query.mrn is not None:
        return _by_mrn(scope, query.mrn), None
    last, _, first = (query.name or "").partition(",")
    prefix = "NAME#" + normalize_name(last)
    if first.strip():
        prefix += "#" + normalize_name(first)
    if query.name is not None and prefix == "NAME#":
        raise ValidationFailed("The name has no letters to search by.", [field_error("name", "no letters")])
    if query.birth_date is not None:
        page = query_index_page(Patient, "gsi2", keys.patients_born_pk(scope.practice_id,
                                                                       query.birth_date.isoformat()),
                                prefix, limit=query.limit, cursor=query.cursor)
    else:
        page = query_index_page(Patient, "gsi1", keys.patients_by_name_pk(scope.practice_id), prefix,
                                limit=query.limit, cursor=query.cursor)
    return [PatientOut.model_validate(p) for p in page.items], page.next_cursor


def _by_mrn(scope: PracticeScope, mrn: str) -> list[PatientOut]:
    try:
        claim = MrnClaim.get(keys.practice_pk(scope.practice_id), keys.mrn_sk(mrn))
    except MrnClaim.DoesNotExist:
        return []
    return [get(scope, claim.patient_id)]
