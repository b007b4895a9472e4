"""Health care claims (837P 005010X222A1, 837I 005010X223A2): a `Batch` of claims into one interchange.

`write_837` writes what both guides share, the header (BHT, 1000A submitter with PER, 1000B receiver) and the
HL levels of the guides' Table 2 (detail):
- 2000A billing provider (HL03 20), with PRV*BI, 2010AA (NM1*85, N3, N4, REF*EI) and 2010AB pay-to (NM1*87);
- 2000B subscriber (HL03 22) under it, with SBR, 2010BA (NM1*IL) and 2010BB payer (NM1*PR);
- 2000C patient (HL03 23) under the subscriber, only when the patient is not the subscriber (PAT, NM1*QC).
The claim itself (loop 2300 and down) comes from `professional.py` or `institutional.py`, chosen by the claim's type.

Each claim is checked and formatted on its own by `render`, into a `ClaimSegments`: every segment of its levels
but their HL, whose numbers depend on where the claim lands in the file. The claim service renders a claim when
it judges it and stores the result beside the document (claims/codec.py), so a submission only numbers the
levels and joins text; a claim stored without them is rendered here, the same way, with the same bytes.

Claims whose billing provider levels read the same (billing provider and pay-to address) share one 2000A, in the
order the providers first appear, so the file lists claims grouped by billing provider rather than in the batch's
order; each claim gets its own 2000B (and 2000C), never sharing a subscriber level with another claim.
The guides ask senders to keep a transaction set to at most 5000 CLM (X222A1/X223A2 front matter, on the
2000B loop's ">1" repeat); a bigger batch is split into several ST..SE in the one functional group, each with
the full header again.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Literal

from chalicelib.edi.claim import institutional, professional
from chalicelib.edi.claim.document import Address, Batch, ClaimDocument, Provider
from chalicelib.edi.claim.values import (
    Checks,
    address,
    claim_label,
    demographics,
    person_name,
    provider_name,
    ymd,
)
from chalicelib.edi.x12.segments import X12Error
from chalicelib.edi.x12.writer import (
    ControlNumbers,
    Envelope,
    Parties,
    SegmentSpec,
    Transaction,
    format_segment,
    write_interchange,
)

MAX_CLAIMS_PER_TRANSACTION = 5000
# What `render` writes and checks, by number: a stored rendering of another number is rendered again from its
# document (claims/codec.py). Count it up with any change to the segments a claim renders to or to its checks.
RENDERING = 2
_RELATIONSHIPS = {"01", "19", "20", "21", "39", "40", "53", "G8"}  # PAT01 in 2000C


@dataclass(frozen=True, slots=True)
class _Kind:
    version: str  # GS08 and ST03
    check: Callable[[ClaimDocument], None]
    claim_loop: Callable[[ClaimDocument], list[SegmentSpec]]


_KINDS = {"professional": _Kind(professional.VERSION, professional.check, professional.claim_loop),
          "institutional": _Kind(institutional.VERSION, institutional.check, institutional.claim_loop)}


@dataclass(frozen=True, slots=True)
class ClaimSegments:
    """One claim's part of an 837, checked and formatted (default delimiters): each level's segments after its
    HL. `billing` (2000A: PRV, 2010AA, 2010AB) is shared with the claims that have the same one."""

    claim_id: str  # ours, for error reports
    claim_type: str
    billing: tuple[str, ...]
    subscriber: tuple[str, ...]  # 2000B: SBR, 2010BA, 2010BB
    patient: tuple[str, ...]  # 2000C: PAT, 2010CA; () when the patient is the subscriber
    claim: tuple[str, ...]  # 2300 and the loops under it


def write_837(batch: Batch, controls: ControlNumbers, *, usage: Literal["T", "P"], created: datetime,
              claims_per_transaction: int = MAX_CLAIMS_PER_TRANSACTION) -> str:
    """One interchange (ISA06 the submitter's id, ISA08 the receiver's) with one HC group for the batch, whose
    claims are documents or their stored renderings."""
    kind = _KINDS.get(batch.claim_type)
    if kind is None:
        raise X12Error("batch.claim_type must be professional or institutional")
    if not 1 <= claims_per_transaction <= MAX_CLAIMS_PER_TRANSACTION:
        raise X12Error(f"claims_per_transaction must be 1 to {MAX_CLAIMS_PER_TRANSACTION}")
    _check_batch(batch)
    ordered = _by_billing_provider([_rendered(claim, batch, kind) for claim in batch.documents])
    header = _header(batch, created)
    transactions = []
    for start in range(0, len(ordered), claims_per_transaction):
        chunk = ordered[start:start + claims_per_transaction]
        transactions.append(Transaction("837", kind.version, [*header, *_detail(chunk)]))
    envelope = Envelope(Parties("ZZ", batch.submitter.id, "ZZ", batch.receiver.id), "HC", kind.version, usage,
                        created)
    return write_interchange(envelope, controls, transactions)


def render(document: ClaimDocument) -> ClaimSegments:
    """The claim checked against its guide and formatted: the first rule it breaks, or a value holding a
    delimiter, raises an X12Error naming the claim and the field or element, never the value."""
    kind = _KINDS.get(document.claim.claim_type)
    Checks(document, "837").require("claim.claim_type", kind is not None)
    assert kind is not None
    _check_document(document, kind)
    try:
        return ClaimSegments(
            document.claim_id, document.claim.claim_type, _formatted(_billing_level(document.billing, document.pay_to)),
            _formatted(_subscriber_level(document)),
            _formatted(_patient_level(document)) if document.patient is not None else (),
            _formatted(kind.claim_loop(document)))
    except X12Error as found:
        raise X12Error(f"{claim_label(document.claim_id)}: {found}") from None


def _formatted(specs: list[SegmentSpec]) -> tuple[str, ...]:
    return tuple(format_segment(spec) for spec in specs)


def _rendered(claim: ClaimDocument | ClaimSegments, batch: Batch, kind: _Kind) -> ClaimSegments:
    """A claim of the batch's type, rendered unless it comes rendered."""
    stored = isinstance(claim, ClaimSegments)
    claim_type = claim.claim_type if stored else claim.claim.claim_type  # type: ignore[union-attr]
    if claim_type != batch.claim_type:
        raise X12Error(f"{claim_label(claim.claim_id)}: claim.claim_type does not meet the 837 rules ({kind.version})")
    return claim if stored else render(claim)  # type: ignore[return-value, arg-type]


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


def _check_document(document: ClaimDocument, kind: _Kind) -> None:
    checks = Checks(document, kind.version)
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


def _by_billing_provider(claims: list[ClaimSegments]) -> list[ClaimSegments]:
    """Claims grouped by their billing provider levels, groups in order of first appearance: one pass."""
    groups: dict[tuple[str, ...], list[ClaimSegments]] = {}
    for claim in claims:
        groups.setdefault(claim.billing, []).append(claim)
    return [claim for group in groups.values() for claim in group]


def _header(batch: Batch, created: datetime) -> list[SegmentSpec]:
    submitter, receiver = batch.submitter, batch.receiver
    # BHT02 00 = original; BHT06 CH = chargeable claims. BHT03 is the batch id, unique across the firm (a ULID):
    # the 277CA echoes it back (2200B TRN02), which is how a rejection of the whole batch or of a billing provider
    # finds its claims; so every transaction set of a split batch carries the same one.
    return [("BHT", "0019", "00", batch.reference, ymd(created.date()), created.strftime("%H%M"), "CH"),
            ("NM1", "41", "2", submitter.name, "", "", "", "", "46", submitter.id),
            ("PER", "IC", submitter.contact_name, "TE", submitter.contact_phone),
            ("NM1", "40", "2", receiver.name, "", "", "", "", "46", receiver.id)]


def _detail(claims: list[ClaimSegments]) -> list[str]:
    """The HL levels: HL01 counts up from 1 in each transaction set, HL02 names the parent, HL04 says
    whether a child level follows."""
    segments: list[str] = []
    number = 0
    for billing, group in groupby(claims, key=attrgetter("billing")):
        number += 1
        provider_level = number
        segments += [format_segment(("HL", str(number), "", "20", "1")), *billing]
        for claim in group:
            number += 1
            segments.append(format_segment(("HL", str(number), str(provider_level), "22",
                                            "1" if claim.patient else "0")))
            segments += claim.subscriber
            if claim.patient:
                number += 1
                segments += [format_segment(("HL", str(number), str(number - 1), "23", "0")), *claim.patient]
            segments += claim.claim
    return segments


def _billing_level(billing: Provider, pay_to: Address | None) -> list[SegmentSpec]:
    assert billing.address is not None
    segments: list[SegmentSpec] = []
    if billing.taxonomy_code:
        segments.append(("PRV", "BI", "PXC", billing.taxonomy_code))
    segments += [provider_name("85", billing), *address(billing.address), ("REF", "EI", billing.tax_id)]
    if pay_to is not None:
        segments += [("NM1", "87", "2" if billing.entity_type == "organization" else "1"), *address(pay_to)]
    return segments


def _subscriber_level(document: ClaimDocument) -> list[SegmentSpec]:
    subscriber, payer, is_patient = document.subscriber, document.payer, document.patient is None
    segments: list[SegmentSpec] = [
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


def _patient_level(document: ClaimDocument) -> list[SegmentSpec]:
    patient = document.patient
    assert patient is not None
    return [("PAT", patient.relationship), person_name("QC", patient.person), *address(patient.person.address),
            demographics(patient.person)]
