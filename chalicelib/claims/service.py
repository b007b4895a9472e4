"""Claims: build one from a coded visit, read it and its history, edit it, replace or void it.

Every change runs the scrubber again and saves the claim with its findings and its event in one transaction
(lifecycle.py), with the route's audit record and, for a new claim, its claim number (counters.Take). A claim
with an error finding is `needs_fix` and cannot be submitted; one without is `ready`. Reads that do not depend
on one another go together (store.read, core/fanout.together): docs/benchmarks.md counts each route's round trips.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from chalicelib.claims import builder, codec, followup, lifecycle
from chalicelib.claims.items import ClaimEvent, ClaimItem, ClaimNumber, VisitClaim
from chalicelib.edi.claim.document import ClaimDocument, Line
from chalicelib.scrubbing import reference
from chalicelib.scrubbing import rules_codes
from chalicelib.claims.models import (
    ClaimCreate,
    ClaimEventOut,
    ClaimOut,
    ClaimQuery,
    ClaimUpdate,
    PriorClaimIn,
)
from chalicelib.coding import icd10cm
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import AlreadyExists, Conflict, NotFound, ValidationFailed, field_error
from chalicelib.core.fanout import together
from chalicelib.core.ids import new_id
from chalicelib.core.secrets import get_app_secret
from chalicelib.db import counters, keys, pages, store
from chalicelib.db.models import Payer, Provider
from chalicelib.patients import coverages, eligibility
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, EligibilityCheck
from chalicelib.scrubbing.scrub import CoverageFacts, ScrubContext, fingerprint, scrub, service_dates
from chalicelib.tenants.service import practice_key
from chalicelib.tenants.setup import payer_key, provider_key
from chalicelib.visits import service as visits
from chalicelib.visits.items import VisitCoding

Page = tuple[list[Any], "str | None"]
Clock = Callable[[], Any]
PCN_COUNTER = "claim-pcn"  # the firm's claim numbers (CLM01)


def _key(model: Any, scope: PracticeScope, sk: str, what: str) -> store.Key[Any]:
    return store.Key(model, keys.practice_pk(scope.practice_id), sk, what)


def claim_key(scope: PracticeScope, claim_id: str) -> store.Key[ClaimItem]:
    return _key(ClaimItem, scope, keys.claim_sk(claim_id), "claim")


def require(scope: PracticeScope, claim_id: str) -> ClaimItem:
    return store.load(claim_key(scope, claim_id))


def out(item: ClaimItem) -> ClaimOut:
    document = codec.loads(item.document)
    claim = document.claim
    lines = [{"number": line.number, "code": line.procedure_code, "modifiers": list(line.modifiers),
              "units": line.units, "charge_cents": line.charge_cents, "diagnosis_pointers": list(line.diagnosis_pointers),
              "revenue_code": line.revenue_code or None, "service_date": line.service_date.isoformat()}
             for line in claim.lines]
    return ClaimOut(
        id=item.id, version=item.version, created_at=item.created_at, updated_at=item.updated_at,
        practice_id=item.practice_id, visit_id=item.visit_id, patient_id=item.patient_id,
        coverage_id=item.coverage_id, payer_id=item.payer_ref, claim_type=item.claim_type, status=item.status,
        frequency_code=item.frequency_code, patient_control_number=item.patient_control_number,
        total_charge_cents=int(item.total_charge_cents), service_from=item.service_from, service_to=item.service_to,
        diagnoses=list(claim.diagnoses), lines=lines, prior_authorization=claim.prior_authorization or None,
        referral_number=claim.referral_number or None,
        type_of_bill=claim.institutional.type_of_bill if claim.institutional else None,
        findings=json.loads(item.findings), icd10cm_code_set=item.icd10cm_code_set,
        error_count=int(item.error_count), warning_count=int(item.warning_count),
        replaces_claim_id=item.replaces_claim_id,
        replaced_by_claim_id=item.replaced_by_claim_id, primary_claim_id=item.primary_claim_id,
        secondary_claim_id=item.secondary_claim_id, payer_claim_control_number=item.payer_claim_control_number,
        batch_id=item.batch_id, submitted_at=item.submitted_at, acknowledged_at=item.acknowledged_at,
        accepted_at=item.accepted_at, rejection=json.loads(item.rejection) if item.rejection else None,
        last_status=json.loads(item.last_status) if item.last_status else None, follow_up_on=item.follow_up_on,
        follow_up_reason=item.follow_up_reason, insurance_balance_cents=item.insurance_balance(),
        insurance_paid_cents=int(item.insurance_paid_cents or 0), adjusted_cents=int(item.adjusted_cents or 0),
        patient_responsibility_cents=int(item.patient_cents or 0), forwarded_to=item.forwarded_to,
        edit_tables=json.loads(item.edit_tables) if item.edit_tables else None)


def _fingerprint_key(practice_id: str) -> bytes:
    return get_app_secret().signing_key + b"|claims|" + practice_id.encode()


Fingerprinted = tuple[str, tuple[str, ...]]  # the document's fingerprint, and the live claims that share it


def fingerprinted(scope: PracticeScope, document: ClaimDocument, claim_id: str, replaces: str | None
                  ) -> Fingerprinted:
    """The fingerprint and the duplicates it finds (one Query), but none for a replacement or void, which
    shares the fingerprint of the claim it corrects by design."""
    print_ = fingerprint(document, key=_fingerprint_key(scope.practice_id))
    if document.claim.frequency_code in {"7", "8"}:
        return print_, ()
    found = ClaimItem.gsi2.query(keys.claim_fingerprint_pk(scope.practice_id, print_), limit=20)
    return print_, tuple(sorted(other.id for other in found if other.id not in {claim_id, replaces}
                                and other.status in lifecycle.LIVE))


def coverage_facts(coverage: Coverage, document: ClaimDocument, checks: list[EligibilityCheck]) -> CoverageFacts:
    """The billed coverage's dates and the dates of service its latest eligibility answers call inactive."""
    days = set(service_dates(document))
    return CoverageFacts(date.fromisoformat(coverage.effective_from),
                         date.fromisoformat(coverage.effective_to) if coverage.effective_to else None,
                         frozenset(eligibility.inactive_days(checks, coverage.id, days)))


@dataclass(frozen=True)
class Evidence:
    """What a claim is judged by besides its document: its payer, the coverage it bills, the patient's recent
    eligibility checks (eligibility.recent_checks), and the duplicates when read with them (`fingerprinted`)."""

    payer: Payer
    coverage: Coverage
    checks: list[EligibilityCheck]
    duplicates: Fingerprinted | None = None


def judge(scope: PracticeScope, document: ClaimDocument, claim_id: str, replaces: str | None, today: date,
          evidence: Evidence) -> dict[str, Any]:
    """The scrubber's verdict as the claim item's fields: findings, counts, status, fingerprint and the CMS
    edit tables that judged it."""
    print_, duplicates = evidence.duplicates or fingerprinted(scope, document, claim_id, replaces)
    payer = evidence.payer
    tables = reference.tables(document.claim.claim_type)
    context = ScrubContext(today=today, timely_filing_days=int(payer.timely_filing_days), duplicate_of=duplicates,
                           ptp=tables.ptp, mue=tables.mue, missing_edit_tables=tables.missing,
                           coverage=coverage_facts(evidence.coverage, document, evidence.checks))
    findings = [finding.to_dict() for finding in scrub(document, context)]
    errors = sum(1 for finding in findings if finding["severity"] == "error")
    return {"findings": json.dumps(findings), "error_count": errors, "warning_count": len(findings) - errors,
            "icd10cm_code_set": rules_codes.icd10cm_code_set(document),
            "status": "needs_fix" if errors else "ready", "fingerprint": print_,
            "edit_tables": json.dumps(tables.used()), "total_charge_cents": document.claim.total_charge_cents,
            "service_from": document.claim.service_from.isoformat(),
            "service_to": document.claim.service_to.isoformat(), **codec.stored(document),
            "follow_up_rules": followup.rules_for(payer, document.claim.service_to).dumps()}


NUMBER_TRIES = 3  # a claim number is taken in the claim's own transaction; a race lost reads the counter again


class _NumberTaken(Exception):
    """Another request took the claim number meanwhile: read the counter again and rebuild."""


def next_number(scope: PracticeScope) -> counters.Take:
    """CLM01: unique across the firm (one submitter id), so a 999, 277CA or 835 finds its claim. Read here,
    taken by the transaction that writes the claim (counters.Take)."""
    return counters.Take(keys.firm_pk(scope.principal.firm_id), PCN_COUNTER,
                         counters.peek(keys.firm_pk(scope.principal.firm_id), PCN_COUNTER))


def _optional_provider(found: store.Found, key: store.Key[Provider] | None, field: str) -> Provider | None:
    if key is None:
        return None
    provider = found.find(key)
    if provider is None:
        raise ValidationFailed("No such provider.", [field_error(field, "no such provider")])
    return provider


def _payer_of(scope: PracticeScope, found: store.Found, coverage: Coverage) -> Payer:
    """The coverage's payer from what was read with it, else read now (visits booked before they kept it)."""
    return found.find(payer_key(scope, coverage.payer_id)) or store.load(payer_key(scope, coverage.payer_id))


def _inputs(scope: PracticeScope, visit_id: str, data: ClaimCreate
            ) -> tuple[builder.BuildInput, list[EligibilityCheck], counters.Take]:
    """Two round trips of BatchGetItem: what the visit's id and the request name (the visit, its coding, the
    practice, the providers named, and the claim-number counter), then what the visit and its coding name (the
    patient, the coverage and its payer, the rendering provider, and the patient's recent eligibility checks)."""
    visit_key = visits.key(scope, visit_id)
    coding_key = _key(VisitCoding, scope, keys.visit_coding_sk(visit_id), "coding")
    practice = practice_key(scope.principal.firm_id, scope.practice_id)
    attending_id = data.institutional.attending_provider_id if data.institutional else None
    referring = provider_key(scope, data.referring_provider_id) if data.referring_provider_id else None
    attending = provider_key(scope, attending_id) if attending_id else None
    first, number = together(lambda: store.read(visit_key, coding_key, practice, referring, attending),
                             lambda: next_number(scope))
    visit = first.get(visit_key)
    if visit.status != "checked_out":
        raise Conflict(f"A claim is built for a checked-out visit; this one is {visit.status}.")
    coding = first.find(coding_key)
    if coding is None:
        raise Conflict("Code the visit before building its claim.")
    named = coverages.key(scope, visit.patient_id, visit.coverage_id) if visit.coverage_id else None
    rendering = provider_key(scope, coding.rendering_provider_id)
    second, checks, held = together(
        lambda: store.read(patients.key(scope, visit.patient_id), named, rendering,
                           payer_key(scope, visit.payer_id) if visit.payer_id else None),
        lambda: eligibility.recent_checks(scope, visit.patient_id),
        lambda: None if named else coverages.of_patient(scope, visit.patient_id))
    coverage = second.get(named) if named else coverages.active_primary(held)
    if coverage is None:
        raise ValidationFailed("The visit has no coverage to bill.", [field_error("coverage_id", "none")])
    payer = _payer_of(scope, second, coverage)
    claim_type = data.claim_type or payer.claim_type
    if claim_type == "institutional" and data.institutional is None:
        raise ValidationFailed("An institutional claim needs its UB-04 facts.",
                               [field_error("institutional", "required for an institutional claim")])
    given = builder.BuildInput(
        new_id(), f"{number.number:09d}", claim_type, first.get(practice), payer,
        second.get(patients.key(scope, visit.patient_id)), coverage, visit, coding, second.get(rendering),
        _optional_provider(first, referring, "referring_provider_id"),
        _optional_provider(first, attending, "institutional.attending_provider_id"),
        data.institutional if claim_type == "institutional" else None, data.prior_authorization,
        data.referral_number)
    return given, checks, number


def build(scope: PracticeScope, visit_id: str, data: ClaimCreate, audit: Audit | None = None, *,
          clock: Clock = utcnow) -> ClaimOut:
    for _ in range(NUMBER_TRIES):
        given, checks, number = _inputs(scope, visit_id, data)
        document = builder.build(given)
        verdict = judge(scope, document, given.claim_id, None, clock().date(),
                        Evidence(given.payer, given.coverage, checks))
        claim = ClaimItem(keys.practice_pk(scope.practice_id), keys.claim_sk(given.claim_id), id=given.claim_id,
                          created_at="", practice_id=scope.practice_id, visit_id=visit_id,
                          patient_id=given.visit.patient_id, coverage_id=given.coverage.id,
                          payer_ref=given.payer.id, claim_type=given.claim_type,
                          frequency_code=document.claim.frequency_code,
                          patient_control_number=given.patient_control_number, event_count=0, status="draft",
                          fingerprint="")
        event = lifecycle.stage(claim, verdict, "built", scope.principal.key_id, {"visit_id": visit_id})
        try:
            _create(scope, claim, event, visit_id, audit, number)
        except _NumberTaken:
            continue
        return out(claim)
    raise Conflict("Other requests took the firm's next claim numbers meanwhile; send the request again.")


def _pointers(scope: PracticeScope, claim: ClaimItem, visit_id: str) -> list[Any]:
    now = claim.updated_at
    return [VisitClaim(keys.practice_pk(scope.practice_id), keys.visit_claim_sk(visit_id), id=visit_id,
                       created_at=now, updated_at=now, claim_id=claim.id), number_pointer(scope, claim)]


def number_pointer(scope: PracticeScope, claim: ClaimItem) -> ClaimNumber:
    """What finds the claim from the number a 999, 277CA or 835 echoes (claims/numbers.py)."""
    now = claim.updated_at
    return ClaimNumber(keys.firm_pk(scope.principal.firm_id), keys.pcn_sk(claim.patient_control_number),
                       id=claim.patient_control_number, created_at=now, updated_at=now,
                       practice_id=scope.practice_id, claim_id=claim.id)


def _create(scope: PracticeScope, claim: ClaimItem, event: ClaimEvent, visit_id: str, audit: Audit | None,
            number: counters.Take) -> None:
    try:
        lifecycle.write([claim, event, *_pointers(scope, claim, visit_id)], audit=audit, takes=[number])
    except Conflict:
        try:
            existing = VisitClaim.get(keys.practice_pk(scope.practice_id), keys.visit_claim_sk(visit_id),
                                      consistent_read=True)
        except VisitClaim.DoesNotExist:
            raise _NumberTaken from None
        raise AlreadyExists(f"The visit has a claim already: {existing.claim_id}.") from None


def get(scope: PracticeScope, claim_id: str) -> ClaimOut:
    return out(require(scope, claim_id))


def list_by_status(scope: PracticeScope, query: ClaimQuery) -> Page:
    page = pages.query_index_page(ClaimItem, "gsi1", keys.claims_of_status_pk(scope.practice_id, query.status), "",
                                  limit=query.limit, cursor=query.cursor)
    return [out(item) for item in page.items], page.next_cursor


def history(scope: PracticeScope, claim_id: str, query: Any) -> Page:
    _, page = together(lambda: require(scope, claim_id),
                       lambda: pages.query_page(ClaimEvent, keys.practice_pk(scope.practice_id),
                                                keys.claim_events_prefix(claim_id), limit=query.limit,
                                                cursor=query.cursor))
    return [ClaimEventOut(sequence=int(e.sequence), event=e.event, from_status=e.from_status, to_status=e.to_status,
                          actor=e.actor, at=e.created_at, detail=json.loads(e.detail) if e.detail else None)
            for e in page.items], page.next_cursor


def _edited_lines(data: ClaimUpdate, first_day: date, pcn: str) -> tuple[Line, ...]:
    assert data.lines is not None
    return tuple(Line(n, line.code, line.charge_cents, line.units, line.service_date or first_day,
                      tuple(line.diagnosis_pointers), tuple(line.modifiers), line.revenue_code or "",
                      control_number=f"{pcn}-{n}") for n, line in enumerate(data.lines, start=1))


def _edited(document: ClaimDocument, data: ClaimUpdate, pcn: str) -> ClaimDocument:
    claim, changes = document.claim, {}
    if data.diagnoses is not None:
        normalized = [icd10cm.normalize(code) or code.replace(".", "").upper() for code in data.diagnoses]
        changes["diagnoses"] = tuple(normalized)
    if data.lines is not None:
        lines = _edited_lines(data, claim.service_from, pcn)
        days = [line.service_date for line in lines]
        changes.update(lines=lines, total_charge_cents=sum(line.charge_cents for line in lines),
                       service_from=min(days), service_to=max(days))
    for name in ("prior_authorization", "referral_number"):
        if name in data.model_fields_set:
            changes[name] = getattr(data, name) or ""
    return dataclasses.replace(document, claim=dataclasses.replace(claim, **changes))


def _evidence(scope: PracticeScope, claim: ClaimItem, coverage_id: str,
              document: ClaimDocument | None = None) -> Evidence:
    """One round trip: the coverage billed and its payer (the claim's own, when the coverage is the claim's:
    a coverage never changes payer), the patient's recent eligibility checks, and, when the document to judge
    is known already, its duplicates."""
    coverage_key = coverages.key(scope, claim.patient_id, coverage_id)
    payer = payer_key(scope, claim.payer_ref) if coverage_id == claim.coverage_id else None
    found, checks, duplicates = together(
        lambda: store.read(coverage_key, payer),
        lambda: eligibility.recent_checks(scope, claim.patient_id),
        lambda: document and fingerprinted(scope, document, claim.id, claim.replaces_claim_id))
    coverage = found.get(coverage_key)
    return Evidence(_payer_of(scope, found, coverage), coverage, checks, duplicates or None)


def edit(scope: PracticeScope, claim_id: str, data: ClaimUpdate, version: int, audit: Audit | None = None, *,
         clock: Clock = utcnow) -> ClaimOut:
    claim = require(scope, claim_id)
    lifecycle.require_editable(claim)
    store.check_version(claim, version, "claim")
    document = _edited(codec.loads(claim.document), data, claim.patient_control_number)
    verdict = judge(scope, document, claim.id, claim.replaces_claim_id, clock().date(),
                    _evidence(scope, claim, claim.coverage_id, document))
    edited = sorted(data.model_fields_set - {"version"})
    return out(lifecycle.move(claim, version, verdict, "edited", scope.principal.key_id, {"fields": edited},
                              audit=audit))


def refresh(scope: PracticeScope, claim_id: str, version: int, coverage_id: str | None = None,
            audit: Audit | None = None, *, clock: Clock = utcnow) -> ClaimOut:
    """Read the practice, payer, patient and coverage into the claim again: after a biller fixes a member id,
    an address or the practice's ZIP+4, the claim says what the records now say, and is scrubbed again.
    `coverage_id` bills another of the patient's coverages (the one in effect on the date of service)."""
    practice = practice_key(scope.principal.firm_id, scope.practice_id)
    found = store.read(claim_key(scope, claim_id), practice)
    claim = found.get(claim_key(scope, claim_id))
    lifecycle.require_editable(claim)
    store.check_version(claim, version, "claim")
    evidence, patient = together(lambda: _billed(scope, claim, coverage_id),
                                 lambda: store.load(patients.key(scope, claim.patient_id)))
    coverage, payer = evidence.coverage, evidence.payer
    subscriber, person = builder.parties(patient, coverage, payer.claim_filing_indicator or "CI")
    document = dataclasses.replace(codec.loads(claim.document), billing=builder.billing_provider(found.get(practice)),
                                   payer=builder.payer_of(payer), subscriber=subscriber, patient=person)
    verdict = judge(scope, document, claim.id, claim.replaces_claim_id, clock().date(), evidence)
    changes = {**verdict, "payer_ref": payer.id, "coverage_id": coverage.id}
    detail = {"coverage_id": coverage.id} if coverage.id != claim.coverage_id else None
    return out(lifecycle.move(claim, version, changes, "refreshed", scope.principal.key_id, detail, audit=audit))


def _billed(scope: PracticeScope, claim: ClaimItem, coverage_id: str | None) -> Evidence:
    if coverage_id is None:
        return _evidence(scope, claim, claim.coverage_id)
    try:
        return _evidence(scope, claim, coverage_id)
    except NotFound:
        raise ValidationFailed("The patient has no such coverage.",
                               [field_error("coverage_id", "not a coverage of this claim's patient")]) from None


def _prior(claim: ClaimItem, data: PriorClaimIn) -> str:
    if claim.status not in lifecycle.AT_PAYER:
        raise Conflict(f"A {claim.status} claim is not at the payer: fix and submit it instead.")
    number = claim.payer_claim_control_number or data.payer_claim_control_number
    if not number:
        raise ValidationFailed("The payer's claim number is needed to refer to this claim.",
                               [field_error("payer_claim_control_number", "required until the payer reports it")])
    return number


def follow_up_claim(scope: PracticeScope, claim_id: str, data: PriorClaimIn, frequency: str,
                    audit: Audit | None = None, *, clock: Clock = utcnow) -> ClaimOut:
    """A replacement (7) or void (8) of a claim at the payer: a new claim that refers to the payer's number
    (REF*F8); the original moves to `corrected` (replaced) or `closed` (voided)."""
    for _ in range(NUMBER_TRIES):
        made = _follow_up_claim(scope, claim_id, data, frequency, audit, clock)
        if made is not None:
            return out(made)
    raise Conflict("Other requests took the firm's next claim numbers meanwhile; send the request again.")


def _follow_up_claim(scope: PracticeScope, claim_id: str, data: PriorClaimIn, frequency: str, audit: Audit | None,
                     clock: Clock) -> ClaimItem | None:
    """Two round trips of reads (the original with the claim-number counter, then what it names) and one
    transaction; None when another request took the claim number meanwhile."""
    original, taking = together(lambda: require(scope, claim_id), lambda: next_number(scope))
    number = _prior(original, data)
    pointer_key = _key(VisitClaim, scope, keys.visit_claim_sk(original.visit_id), "visit's claim")
    evidence, pointer = together(lambda: _evidence(scope, original, original.coverage_id),
                                 lambda: store.load(pointer_key))
    new_claim_id, pcn = new_id(), f"{taking.number:09d}"
    claim = builder.renumbered(codec.loads(original.document), frequency, number, pcn, new_claim_id)
    verdict = judge(scope, claim, new_claim_id, original.id, clock().date(), evidence)
    item = ClaimItem(original.pk, keys.claim_sk(new_claim_id), id=new_claim_id, created_at="",
                     practice_id=scope.practice_id, visit_id=original.visit_id, patient_id=original.patient_id,
                     coverage_id=original.coverage_id, payer_ref=original.payer_ref,
                     claim_type=original.claim_type, frequency_code=frequency, patient_control_number=pcn,
                     replaces_claim_id=original.id, payer_claim_control_number=number, event_count=0,
                     status="draft", fingerprint="")
    event = "replaced" if frequency == "7" else "voided"
    new_event = lifecycle.stage(item, verdict, "built", scope.principal.key_id, {event: original.id})
    old_event = lifecycle.stage(original, {"status": "corrected" if frequency == "7" else "closed",
                                           "replaced_by_claim_id": new_claim_id,
                                           "payer_claim_control_number": number},
                                event, scope.principal.key_id, {"by": new_claim_id})
    pointers = _pointers(scope, item, original.visit_id)
    pointers[0].version = pointer.version
    try:
        lifecycle.write([item, new_event, original, old_event, *pointers], audit=audit, takes=[taking])
    except Conflict:
        if counters.peek(taking.pk, taking.name) != taking.seen:
            return None  # the number went to another request: read everything again
        raise
    return item
