"""Stored remittances (what each 835 said, per practice), their claims, what each posted, and the remittance
work list.

They hold ids, codes and amounts only, never a patient's name or member id (the 835's NM1 loops are left out).
Postings are append-only: written once with the claim payment's record and never changed; a reversal is a new
posting of contra entries. Keys are in db/keys.py.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.db.models import Item


class RemittanceItem(Item, discriminator="remittance"):
    """One 835 transaction set as one practice sees it (pk=PRACTICE#p, sk=REMITTANCE#id): the payment, its
    trace, payer, PLB and balance check, and how many of the practice's claims it recorded. The same id in each
    practice it touches; gsi1 lists a practice's, gsi2 the firm's."""

    practice_id = UnicodeAttribute()
    firm_id = UnicodeAttribute()
    file_id = UnicodeAttribute()  # the inbound file (EDIFILE#id) it came in
    set_control_number = UnicodeAttribute()  # ST02
    recorded_at = UnicodeAttribute()  # when the inbox recorded it
    payer_name = UnicodeAttribute()  # N1*PR N102
    payer_id = UnicodeAttribute()  # REF*2U, else N104, else TRN03
    trace_type = UnicodeAttribute()  # TRN01: 1 current transaction trace numbers
    trace_number = UnicodeAttribute()  # TRN02: the check or EFT number
    amount_cents = NumberAttribute()  # BPR02, as stated
    credit = BooleanAttribute()  # BPR03 C; D is a debit
    method = UnicodeAttribute()  # BPR04: ACH, BOP, CHK, FWT, NON
    paid_on = UnicodeAttribute(null=True)  # BPR16, YYYY-MM-DD
    production_date = UnicodeAttribute(null=True)  # DTM*405
    payee_npi = UnicodeAttribute(null=True)  # N1*PE N104 when N103 is XX
    set_claim_count = NumberAttribute()  # CLPs in the whole set, every practice's and others'
    claim_count = NumberAttribute()  # CLPs of this practice
    paid_cents = NumberAttribute()  # sum of CLP04 of this practice's claims
    recorded_count = NumberAttribute()  # claim payments recorded for posting
    duplicate_count = NumberAttribute()  # claim payments an earlier 835 recorded already
    duplicates = UnicodeAttribute(default="[]")  # JSON list of {claim_id, remittance_id}: where each was recorded
    refused_count = NumberAttribute()  # claims that do not balance: recorded, never to be posted as sent
    posted_count = NumberAttribute(default=0)  # claim payments posted (entries, claim, patient share)
    held_count = NumberAttribute(default=0)  # claim payments on the work list instead (reason there)
    posted_paid_cents = NumberAttribute(default=0)  # insurance payments posted (a reversal's are negative)
    posted_adjusted_cents = NumberAttribute(default=0)  # contractual and other adjustments posted
    posted_patient_cents = NumberAttribute(default=0)  # patient responsibility moved to patients' accounts
    provider_adjustment_cents = NumberAttribute(default=0)  # PLB posted to this practice: + interest, - recouped
    provider_adjustments = UnicodeAttribute()  # JSON list of {provider_id, fiscal_period_end, reason, ...}
    balanced = BooleanAttribute()  # BPR02 = claim payments minus PLB (the transaction rule)
    imbalances = UnicodeAttribute()  # JSON list of the transaction rule's message, when broken


class RemittanceClaim(Item, discriminator="remittance_claim"):
    """One CLP of a remittance, matched to our claim (pk=PRACTICE#p, sk=REMITTANCE#id#CLAIM#nnnnn): its fields,
    the claim-level adjustments and remarks, and each SVC with the line of ours it answers (JSON)."""

    practice_id = UnicodeAttribute()
    remittance_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()
    position = NumberAttribute()  # the CLP's place in the 835 set, from 1
    patient_control_number = UnicodeAttribute()  # CLP01
    status = UnicodeAttribute()  # CLP02
    charge_cents = NumberAttribute()  # CLP03
    paid_cents = NumberAttribute()  # CLP04
    patient_responsibility_cents = NumberAttribute(null=True)  # CLP05
    filing_indicator = UnicodeAttribute()  # CLP06
    payer_claim_number = UnicodeAttribute()  # CLP07
    adjustments = UnicodeAttribute()  # JSON list of claim-level CAS {group, reason, amount_cents, quantity}
    remarks = UnicodeAttribute()  # JSON list of RARCs from MIA/MOA
    lines = UnicodeAttribute()  # JSON list: each SVC, its adjustments and remarks, and our line (or why none)
    posting = UnicodeAttribute()  # posted | recorded (23, 25: no money) | held (work list) | refused (unbalanced)
    imbalances = UnicodeAttribute()  # JSON list of the balancing rules it breaks, in words
    payment_digest = UnicodeAttribute(null=True)  # the REMITPAID# pointer it holds (none when refused)


class ClaimPaymentSeen(Item, discriminator="claim_payment_seen"):
    """pk=PRACTICE#p, sk=REMITPAID#<digest of TRN02, CLP01, CLP07, CLP02>: the one record of a claim payment.
    Written with that record, on the condition it does not exist, so a re-sent 835 records it nothing twice."""

    remittance_id = UnicodeAttribute()
    claim_sk = UnicodeAttribute()


class RemittanceWork(Item, discriminator="remittance_work"):
    """A claim payment of an 835 that cannot be posted as sent, with the reason in words: under the firm
    (pk=FIRM#f) when no practice is known (its CLP01 is not ours), under the practice when it is (the claim
    does not balance, or a line answers none of ours). gsi1 lists a practice's, gsi2 the firm's (all)."""

    firm_id = UnicodeAttribute()
    practice_id = UnicodeAttribute(null=True)
    claim_id = UnicodeAttribute(null=True)
    remittance_id = UnicodeAttribute()  # the remittance id its 835 set has (recorded per practice, if any)
    file_id = UnicodeAttribute()
    reason = UnicodeAttribute()  # unknown_claim | unbalanced | unmatched_lines | reversal_unmatched | posting_conflict
    #                              | provider_adjustment (a PLB whose provider is none of the practices touched)
    detail = UnicodeAttribute()  # the reason in words: codes, positions and amounts, never patient data
    patient_control_number = UnicodeAttribute(null=True)  # CLP01 as sent (none for a PLB)
    payer_claim_number = UnicodeAttribute(null=True)  # CLP07
    claim_status = UnicodeAttribute(null=True)  # CLP02
    charge_cents = NumberAttribute(null=True)
    paid_cents = NumberAttribute()  # CLP04, or the PLB amount
    payer_name = UnicodeAttribute()
    trace_number = UnicodeAttribute()


class ClaimPosting(Item, discriminator="claim_posting"):
    """What one claim payment posted to its claim (pk=PRACTICE#p, sk=CLAIMENTRY#<claim>#<posting id>): its
    entries (JSON, remits/rules.py) with their cause, the claim's totals moved, and the patient ledger entry of
    its share. One item a claim payment, however many lines and adjustments: writes grow with claims."""

    practice_id = UnicodeAttribute()
    claim_id = UnicodeAttribute()
    remittance_id = UnicodeAttribute()
    position = NumberAttribute()  # the CLP's place in its 835 set
    trace_number = UnicodeAttribute()  # TRN02
    patient_control_number = UnicodeAttribute()  # CLP01
    payer_claim_number = UnicodeAttribute()  # CLP07: the key a later reversal (CLP02 22) finds this by
    payment_status = UnicodeAttribute()  # CLP02
    claim_status = UnicodeAttribute()  # the claim's status after it
    entries = UnicodeAttribute()  # JSON list of {kind, amount_cents, group, carc, rarcs, line_number, ...}
    paid_cents = NumberAttribute()  # signed sums of the entries by kind (negative in a reversal)
    adjusted_cents = NumberAttribute()  # contractual and other adjustments
    patient_cents = NumberAttribute()  # moved to the patient's account (none when forwarded)
    insurance_balance_cents = NumberAttribute()  # the claim's insurance balance after it
    ledger_entry_id = UnicodeAttribute(null=True)  # the patient ledger entry it made
    reverses = UnicodeAttribute(null=True)  # the posting a reversal undoes
    forwarded_to = UnicodeAttribute(null=True)  # NM1*TT: the payer it was passed to (19, 20, 21)


class PracticeEntry(Item, discriminator="practice_entry"):
    """A provider-level adjustment (PLB) posted to the practice whose NPI or tax id PLB01 names
    (pk=PRACTICE#p, sk=PRACTICEENTRY#id), with its reason, reference and the remittance it came in."""

    practice_id = UnicodeAttribute()
    remittance_id = UnicodeAttribute()
    trace_number = UnicodeAttribute()
    payer_name = UnicodeAttribute()
    provider_id = UnicodeAttribute()  # PLB01
    fiscal_period_end = UnicodeAttribute(null=True)  # PLB02
    reason = UnicodeAttribute()  # PLB03-1: L6 interest, WO overpayment recovery, FB forward balance ...
    reference = UnicodeAttribute()  # PLB03-2
    amount_cents = NumberAttribute()  # to the practice: interest positive, a recoupment negative (PLB's negated)


class ProviderAdjustmentSeen(Item, discriminator="provider_adjustment_seen"):
    """pk=PRACTICE#p (or FIRM#f when it went to the firm's work list), sk=PLBSEEN#<digest>: a PLB adjustment
    posted once, however often its 835 is sent."""

    remittance_id = UnicodeAttribute()
