"""Secondary and tertiary claims: a claim's payer adjudicated it and left a balance, so the same visit is billed
to the patient's next coverage, carrying that adjudication (and any before it) as an earlier payer's
(remits/coordination.py; loops 2320/2330/2430 of edi/claim/coordination.py).

The new claim is a claim like any other: its own claim number (CLM01, REF*6R), billed to the next coverage
(SBR01 S after a primary, T after a secondary), judged by the scrubber, `ready` or `needs_fix`, submitted in
the next batch to its payer, tracked and remitted; its own 835 can build the tertiary the same way. It points to
its primary (`primary_claim_id`), and the primary to it (`secondary_claim_id`): written in one transaction with
the primary under the version read, so a claim has at most one claim built from it however often it is asked.

`build_on_request` is the route's (POST /practices/{p}/claims/{id}/secondary): the claim's latest recorded claim
payment is the adjudication. `build_secondary(scope, claim, record, now)` builds from a given claim payment;
`build_if_automatic(firm_id, claim, record, now)` is what posting calls for each claim payment it posts: it
builds only when the practice's `secondary_claims` setting is `automatic` and there is something to bill.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.claims import builder, codec, lifecycle
from chalicelib.claims import service as claims
from chalicelib.claims.items import ClaimItem
from chalicelib.claims.models import ClaimOut
from chalicelib.core.audit import Audit
from chalicelib.core.auth import PracticeScope, Principal
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.fanout import together
from chalicelib.core.logs import get_logger
from chalicelib.core.ids import new_id
from chalicelib.db import counters, keys, store
from chalicelib.db.models import Payer
from chalicelib.edi.claim.document import ClaimDocument
from chalicelib.patients import coverages, eligibility
from chalicelib.patients import service as patients
from chalicelib.patients.items import Coverage, EligibilityCheck, Patient
from chalicelib.remits import coordination
from chalicelib.remits.items import RemittanceClaim, RemittanceItem
from chalicelib.tenants.service import practice_key
from chalicelib.tenants.setup import payer_key

ACTOR = "remittance-posting"  # who builds a claim automatically (claim history, audit)
PAYMENTS_READ = 10  # a claim has a handful of claim payments (a reversal and its correction are two)


def posting_scope(firm_id: str, practice_id: str) -> PracticeScope:
    """The tenant scope of a practice's automatic work, as the scheduled jobs make theirs."""
    return PracticeScope(practice_id, Principal(ACTOR, firm_id, "system", frozenset({practice_id})))


def latest_payment(practice_id: str, claim_id: str) -> RemittanceClaim | None:
    """The claim's newest recorded claim payment that balances, else its newest (whose refusal says why): one
    Query of its gsi1 partition, newest first."""
    newest = list(RemittanceClaim.gsi1.query(keys.claim_remittances_pk(practice_id, claim_id),
                                             scan_index_forward=False, limit=PAYMENTS_READ))
    return next((p for p in newest if p.posting != coordination.REFUSED), newest[0] if newest else None)


def build_on_request(scope: PracticeScope, claim_id: str, audit: Audit | None = None, *,
                     clock: Any = utcnow) -> ClaimOut:
    """The route's: the claim, its latest claim payment and the next claim number read together."""
    claim, record, taking = together(lambda: claims.require(scope, claim_id),
                                     lambda: latest_payment(scope.practice_id, claim_id),
                                     lambda: claims.next_number(scope))
    if record is None:
        raise Conflict("No 835 has been recorded for this claim: a secondary claim carries the payer's "
                       "adjudication, so it is built once the payer's remittance arrives.")
    return claims.out(_build(scope, claim_id, record, clock(), audit, first=(claim, taking)))


def build_if_automatic(firm_id: str, claim: ClaimItem, record: RemittanceClaim, now: datetime,
                       setting: str | None = None) -> ClaimItem | None:
    """The claim built for the next coverage when the practice builds them automatically and the claim payment
    leaves something to bill; None otherwise (the reason logged, with ids only). Never raises a refusal.

    `setting` is the practice's `secondary_claims` when the caller has read it (once for many claims); else it
    is read here. What the claim payment alone refuses (a crossover, nothing left, ...) costs no read."""
    document = codec.loads(claim.document)
    reason = coordination.refusal(record, document)
    if reason is None:
        chosen = setting or store.load(practice_key(firm_id, claim.practice_id)).secondary_claims
        if chosen != "automatic":
            return None
        try:
            return build_secondary(posting_scope(firm_id, claim.practice_id), claim, record, now)
        except Conflict as refused:
            reason = refused.detail
    get_logger().info("no secondary claim built",
                      extra={"practice_id": claim.practice_id, "claim_id": claim.id, "reason": reason})
    return None


def build_secondary(scope: PracticeScope, claim: ClaimItem, record: RemittanceClaim, now: datetime,
                    audit: Audit | None = None) -> ClaimItem:
    """The claim for the patient's next coverage from `claim` and its claim payment `record`. 409 (Conflict)
    when there is nothing to build: see `_refuse`. The claim is read again, so a stale item is harmless."""
    return _build(scope, claim.id, record, now, audit)


def _build(scope: PracticeScope, claim_id: str, record: RemittanceClaim, now: datetime, audit: Audit | None,
           first: tuple[ClaimItem, counters.Take] | None = None) -> ClaimItem:
    """Read, build and write; read again after a lost race (the claim number taken, or the claim changed by
    another request: the next look says so when that request built the secondary claim itself)."""
    for _ in range(claims.NUMBER_TRIES):
        primary, taking = first or together(lambda: claims.require(scope, claim_id),
                                            lambda: claims.next_number(scope))
        first = None
        made = _attempt(scope, primary, taking, record, now, audit)
        if made is not None:
            return made
    raise Conflict("Other requests changed the claim or took the firm's next claim numbers meanwhile; send the "
                   "request again.")


def _attempt(scope: PracticeScope, primary: ClaimItem, taking: counters.Take, record: RemittanceClaim,
             now: datetime, audit: Audit | None) -> ClaimItem | None:
    """Three round trips of reads (the next coverage, its payer, the duplicate check) and one transaction; None
    when another request changed the claim or took the claim number meanwhile."""
    document = codec.loads(primary.document)
    _refuse(primary, record, document)
    billed = _next_coverage(scope, primary, document, record)
    item = _new_claim(scope, primary, billed, f"{taking.number:09d}")
    made = _document(document, billed, record, item.patient_control_number, item.id)
    verdict = claims.judge(scope, made, item.id, None, now.date(),
                           claims.Evidence(billed.payer, billed.coverage, billed.checks))
    actor, stamp = scope.principal.key_id, iso(now)
    built = lifecycle.stage(item, verdict, "built", actor, {"primary_claim_id": primary.id,
                                                            "remittance_id": record.remittance_id}, now=stamp)
    noted = lifecycle.stage(primary, {"secondary_claim_id": item.id}, "secondary_built", actor,
                            {"secondary_claim_id": item.id}, now=stamp)
    try:
        lifecycle.write([item, built, primary, noted, claims.number_pointer(scope, item)], audit=audit,
                        takes=[taking])
    except Conflict:
        return None
    return item


def _new_claim(scope: PracticeScope, primary: ClaimItem, billed: _Next, pcn: str) -> ClaimItem:
    claim_id = new_id()
    return ClaimItem(primary.pk, keys.claim_sk(claim_id), id=claim_id, created_at="", practice_id=scope.practice_id,
                     visit_id=primary.visit_id, patient_id=primary.patient_id, coverage_id=billed.coverage.id,
                     payer_ref=billed.payer.id, claim_type=primary.claim_type, frequency_code="1",
                     patient_control_number=pcn, primary_claim_id=primary.id, event_count=0, status="draft",
                     fingerprint="")


def _refuse(primary: ClaimItem, record: RemittanceClaim, document: ClaimDocument) -> None:
    """409 with the reason when this claim payment gives the next coverage nothing to bill."""
    if primary.secondary_claim_id:
        raise Conflict(f"A claim was built from this one already: {primary.secondary_claim_id}.")
    if primary.replaced_by_claim_id:
        raise Conflict(f"This claim was replaced or voided by {primary.replaced_by_claim_id}; build from that one.")
    if record.claim_id != primary.id:
        raise Conflict("That claim payment answers another claim.")
    reason = coordination.refusal(record, document)
    if reason:
        raise Conflict(reason)


@dataclass(frozen=True)
class _Next:
    """What the next claim is built and judged with."""

    coverage: Coverage
    payer: Payer
    patient: Patient
    paid_on: date  # the earlier payer's payment date (BPR16), else the day its 835 was recorded
    checks: list[EligibilityCheck]


def _next_coverage(scope: PracticeScope, primary: ClaimItem, document: ClaimDocument,
                   record: RemittanceClaim) -> _Next:
    """The patient's active coverage of the next order and its payer, the patient, the remittance's payment
    date and the patient's recent eligibility checks: two round trips."""
    order = coordination.next_order(document)
    remittance = store.Key(RemittanceItem, primary.pk, keys.remittance_sk(record.remittance_id), "remittance")
    patient = patients.key(scope, primary.patient_id)
    held, found, checks = together(lambda: coverages.of_patient(scope, primary.patient_id),
                                   lambda: store.read(remittance, patient),
                                   lambda: eligibility.recent_checks(scope, primary.patient_id))
    coverage = next((c for c in held if c.active and c.order == order), None)
    if coverage is None:
        raise Conflict(f"The patient has no active {order} coverage to bill; add it, then ask again.")
    paid = found.find(remittance)
    paid_on = (paid.paid_on or paid.recorded_at[:10]) if paid else record.created_at[:10]
    return _Next(coverage, store.load(payer_key(scope, coverage.payer_id)), found.get(patient),
                 date.fromisoformat(paid_on), checks)


def _document(document: ClaimDocument, billed: _Next, record: RemittanceClaim, pcn: str,
              claim_id: str) -> ClaimDocument:
    """The claim as billed to the next coverage: its subscriber and payer, the earlier payers' adjudication
    with this payer's added, a new claim number, frequency 1 (an original claim to this payer)."""
    payer = billed.payer
    subscriber, dependent = builder.parties(billed.patient, billed.coverage, payer.claim_filing_indicator or "CI")
    earlier = coordination.other_payer(document, record, billed.paid_on)
    changed = dataclasses.replace(document, payer=builder.payer_of(payer), subscriber=subscriber, patient=dependent,
                                  other_payers=(*document.other_payers, earlier))
    return builder.renumbered(changed, "1", "", pcn, claim_id)
