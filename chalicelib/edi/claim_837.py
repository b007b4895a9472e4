"""Health care claims (837P 005010X222A1, 837I 005010X223A2): a `Batch` of claim documents into one interchange.

`write_837` writes what both guides share, the header (BHT, 1000A submitter with PER, 1000B receiver) and the
HL levels of the guides' Table 2 (detail):
- 2000A billing provider (HL03 20), with PRV*BI, 2010AA (NM1*85, N3, N4, REF*EI) and 2010AB pay-to (NM1*87);
- 2000B subscriber (HL03 22) under it, with SBR, 2010BA (NM1*IL) and 2010BB payer (NM1*PR);
- 2000C patient (HL03 23) under the subscriber, only when the patient is not the subscriber (PAT, NM1*QC).
The claim itself (loop 2300 and down) comes from `claim_837p` or `claim_837i`, chosen by `batch.claim_type`.

Claims with the same billing provider (and pay-to address) share one 2000A, in the order the providers first
appear, so the file lists claims grouped by billing provider rather than in the batch's order; each claim gets
its own 2000B (and 2000C), never sharing a subscriber level with another claim.
The guides ask senders to keep a transaction set to at most 5000 CLM (X222A1/X223A2 front matter, on the
2000B loop's ">1" repeat); a bigger batch is split into several ST..SE in the one functional group, each with
the full header again.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Literal

from chalicelib.claims.document import Address, Batch, ClaimDocument, Provider
from chalicelib.edi import claim_837i, claim_837p
from chalicelib.edi.claim_837_values import Checks, address, demographics, person_name, provider_name, ymd
from chalicelib.edi.segments import X12Error
from chalicelib.edi.writer import (
    ControlNumbers,
    Envelope,
    Parties,
    SegmentSpec,
    Transaction,
    format_segment,
    write_interchange,
)

MAX_CLAIMS_PER_TRANSACTION = 5000
_RELATIONSHIPS = {"01", "19", "20", "21", "39", "40", "53", "G8"}  # PAT01 in 2000C


@dataclass(frozen=True, slots=True)
class _Kind:
    version: str  # GS08 and ST03
    check: Callable[[ClaimDocument], None]
    claim_loop: Callable[[ClaimDocument], list[SegmentSpec]]


_KINDS = {"professional": _Kind(claim_837p.VERSION, claim_837p.check, claim_837p.claim_loop),
          "institutional": _Kind(claim_837i.VERSION, claim_837i.check, claim_837i.claim_loop)}
_GroupKey = tuple[Provider, Address | None]


def write_837(batch: Batch, controls: ControlNumbers, *, usage: Literal["T", "P"], created: datetime,
              claims_per_transaction: int = MAX_CLAIMS_PER_TRANSACTION) -> str:
    """One interchange (ISA06 the submitter's id, ISA08 the receiver's) with one HC group for the batch."""
    kind = _KINDS.get(batch.claim_type)
    if kind is None:
        raise X12Error("batch.claim_type must be professional or institutional")
    if not 1 <= claims_per_transaction <= MAX_CLAIMS_PER_TRANSACTION:
        raise X12Error(f"claims_per_transaction must be 1 to {MAX_CLAIMS_PER_TRANSACTION}")
    _check_batch(batch)
    for document in batch.documents:
        _check_document(document, batch, kind)
    ordered = _by_billing_provider(batch.documents)
    header = _header(batch, created)
    transactions = []
    for start in range(0, len(ordered), claims_per_transaction):
        chunk = ordered[start:start + claims_per_transaction]
        transactions.append(Transaction("837", kind.version, header + _detail(chunk, kind)))
    envelope = Envelope(Parties("ZZ", batch.submitter.id, "ZZ", batch.receiver.id), "HC", kind.version, usage,
                        created)
    try:
        return write_interchange(envelope, controls, transactions)
    except X12Error as error:
        _name_the_claim(error, batch, kind)
        raise


def _check_batch(batch: Batch) -> None:
    checks = [
        ("batch.documents", len(batch.documents) > 0),
        ("batch.reference", 1 <= len(batch.reference) <= 50),  # BHT03 AN 1/50
        ("submitter.name", 1 <= len(batch.submitter.name) <= 60),
        ("submitter.id", 2 <= len(batch.submitter.id) <= 15),  # NM109, also ISA06 and GS02
        ("submitter.contact_phone", 1 <= len(batch.submitter.contact_phone) <= 256),  # PER04 is required
        ("receiver.name", 1 <= len(batch.receiver.name) <= 60),
        ("receiver.id", 2 <= len(batch.receiver.id) <= 15),
    ]
    for field, ok in checks:
        if not ok:
            raise X12Error(f"{field} does not meet the 837 rules")


def _check_document(document: ClaimDocument, batch: Batch, kind: _Kind) -> None:
    checks = Checks(document, kind.version)
    checks.require("claim.claim_type", document.claim.claim_type == batch.claim_type)
    billing = document.billing
    checks.provider("billing", billing)
    # 2010AA N403: the billing provider's ZIP code is nine digits; REF*EI carries the nine-digit EIN.
    checks.address("billing.address", billing.address, nine_digit_zip=True)
    checks.require("billing.tax_id", len(billing.tax_id) == 9 and billing.tax_id.isdigit())
    if document.pay_to is not None:
        checks.address("pay_to", document.pay_to)
    checks.require("payer.name", 1 <= len(document.payer.name) <= 60)
    checks.require("payer.payer_id", 2 <= len(document.payer.payer_id) <= 80)
    if document.payer.address is not None:
        checks.address("payer.address", document.payer.address)
    subscriber = document.subscriber
    checks.require("subscriber.member_id", 2 <= len(subscriber.member_id) <= 80)
    checks.require("subscriber.payer_responsibility", subscriber.payer_responsibility in ("P", "S", "T"))
    checks.require("subscriber.claim_filing_indicator", 1 <= len(subscriber.claim_filing_indicator) <= 2)
    checks.person("subscriber", subscriber.person)
    if document.patient is not None:
        checks.person("patient", document.patient.person)
        checks.require("patient.relationship", document.patient.relationship in _RELATIONSHIPS)
    kind.check(document)


def _by_billing_provider(documents: tuple[ClaimDocument, ...]) -> list[ClaimDocument]:
    """Documents grouped by (billing provider, pay-to), groups in order of first appearance: one pass."""
    groups: dict[_GroupKey, list[ClaimDocument]] = {}
    for document in documents:
        groups.setdefault(_group_key(document), []).append(document)
    return [document for group in groups.values() for document in group]


def _group_key(document: ClaimDocument) -> _GroupKey:
    return document.billing, document.pay_to


def _header(batch: Batch, created: datetime) -> list[SegmentSpec]:
    submitter, receiver = batch.submitter, batch.receiver
    # BHT02 00 = original; BHT06 CH = chargeable claims. BHT03 is the batch id, unique across the firm (a ULID):
    # the 277CA echoes it back (2200B TRN02), which is how a rejection of the whole batch or of a billing provider
    # finds its claims; so every transaction set of a split batch carries the same one.
    return [("BHT", "0019", "00", batch.reference, ymd(created.date()), created.strftime("%H%M"), "CH"),
            ("NM1", "41", "2", submitter.name, "", "", "", "", "46", submitter.id),
            ("PER", "IC", submitter.contact_name, "TE", submitter.contact_phone),
            ("NM1", "40", "2", receiver.name, "", "", "", "", "46", receiver.id)]


def _detail(documents: list[ClaimDocument], kind: _Kind) -> list[SegmentSpec]:
    """The HL levels: HL01 counts up from 1 in each transaction set, HL02 names the parent, HL04 says
    whether a child level follows."""
    segments: list[SegmentSpec] = []
    number = 0
    for (billing, pay_to), group in groupby(documents, key=_group_key):
        number += 1
        provider_level = number
        segments += _billing_level(provider_level, billing, pay_to)
        for document in group:
            number += 1
            segments += _subscriber_level(number, provider_level, document)
            if document.patient is not None:
                number += 1
                segments += _patient_level(number, number - 1, document)
            segments += kind.claim_loop(document)
    return segments


def _billing_level(number: int, billing: Provider, pay_to: Address | None) -> list[SegmentSpec]:
    assert billing.address is not None
    segments: list[SegmentSpec] = [("HL", str(number), "", "20", "1")]
    if billing.taxonomy_code:
        segments.append(("PRV", "BI", "PXC", billing.taxonomy_code))
    segments += [provider_name("85", billing), *address(billing.address), ("REF", "EI", billing.tax_id)]
    if pay_to is not None:
        segments += [("NM1", "87", "2" if billing.entity_type == "organization" else "1"), *address(pay_to)]
    return segments


def _subscriber_level(number: int, parent: int, document: ClaimDocument) -> list[SegmentSpec]:
    subscriber, payer, is_patient = document.subscriber, document.payer, document.patient is None
    segments: list[SegmentSpec] = [
        ("HL", str(number), str(parent), "22", "0" if is_patient else "1"),
        # SBR02 18 = self, only when the patient is the subscriber; SBR04 only when there is no group number.
        ("SBR", subscriber.payer_responsibility, "18" if is_patient else "", subscriber.group_number,
         "" if subscriber.group_number else subscriber.group_name, "", "", "", "", subscriber.claim_filing_indicator),
        person_name("IL", subscriber.person, subscriber.member_id),
    ]
    if is_patient:
        # 2010BA N3/N4/DMG are required when the subscriber is the patient, and not sent otherwise.
        segments += [*address(subscriber.person.address), demographics(subscriber.person)]
    segments.append(("NM1", "PR", "2", payer.name, "", "", "", "", "PI", payer.payer_id))
    if payer.address is not None:
        segments += address(payer.address)
    return segments


def _patient_level(number: int, parent: int, document: ClaimDocument) -> list[SegmentSpec]:
    patient = document.patient
    assert patient is not None
    return [("HL", str(number), str(parent), "23", "0"), ("PAT", patient.relationship),
            person_name("QC", patient.person), *address(patient.person.address), demographics(patient.person)]


def _name_the_claim(error: X12Error, batch: Batch, kind: _Kind) -> None:
    """A value holding a delimiter is found only when segments are formatted, all at once; on that (rare)
    path, format claim by claim to say which claim holds it. The value itself is never quoted."""
    for document in batch.documents:
        try:
            for spec in _billing_level(1, document.billing, document.pay_to) + _subscriber_level(1, 1, document) + (
                    _patient_level(2, 1, document) if document.patient else []) + kind.claim_loop(document):
                format_segment(spec)
        except X12Error as found:
            where = f"claim {document.claim_id}" if document.claim_id else "a claim without a claim_id"
            raise X12Error(f"{where}: {found}") from error
