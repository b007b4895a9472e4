"""What a claim payment posts, and where it leaves the claim (pure).

Entries, per SVC and for the claim-level CAS, each with the adjustment group, CARC and RARCs it came with:
- `insurance_payment`: SVC03 (and whatever of CLP04 the lines do not account for, at claim level);
- `contractual_adjustment`: CAS group CO;
- `patient_responsibility`: CAS group PR (1 deductible, 2 coinsurance, 3 co-payment ...);
- `other_adjustment`: CAS groups OA, PI, CR.
Amounts are as the 835 states them: each reduces the claim's insurance balance (a negative one adds back). A
reversal (CLP02 22) posts `reversal` entries, each the negation of an entry of the posting it undoes (`of`
names the kind it undoes), so sums by kind stay true.

The claim's status after a payment (X221A1 CLP02):
- 22 reversal: back to `accepted` (the correction, another CLP, posts next);
- 23 not our claim, 25 predetermination: no money and no change (None);
- 19, 20, 21 processed and forwarded to another payer: `forwarded`; the patient's share waits for that payer;
- 4 denied, or nothing paid and nothing left to the patient (every adjustment CO, OA, PI or CR): `denied`;
- 1, 2, 3 (and any other) with a line denied (a charged line paid nothing with an adjustment other than PR)
  or an insurance balance left open (not zero): `partial`; otherwise `paid`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from chalicelib.core.money import Money
from chalicelib.edi.remittance import codes
from chalicelib.edi.remittance.result import Adjustment, ClaimPayment, ServiceLine
from chalicelib.remits.matching import LineMatch

PAYMENT, CONTRACTUAL, PATIENT, OTHER, REVERSAL = (
    "insurance_payment", "contractual_adjustment", "patient_responsibility", "other_adjustment", "reversal")
KINDS = (PAYMENT, CONTRACTUAL, PATIENT, OTHER, REVERSAL)
GROUP_KINDS = {"CO": CONTRACTUAL, "PR": PATIENT}  # OA, PI, CR and anything else: other adjustments
REVERSAL_STATUS, DENIED_STATUS = codes.REVERSAL_STATUS, codes.DENIED_STATUS
NO_MONEY, FORWARDED = codes.NO_PAYMENT_STATUSES, codes.CROSSOVER_STATUSES

Entry = dict[str, Any]


def _entry(kind: str, amount: int, line: ServiceLine | None = None, match: LineMatch | None = None,
           adjustment: Adjustment | None = None, rarcs: Sequence[str] = ()) -> Entry:
    ours = match.ours if match else None
    return {"kind": kind, "amount_cents": amount, "group": adjustment.group if adjustment else None,
            "carc": adjustment.reason if adjustment else None, "rarcs": list(rarcs),
            "svc_number": line.number if line else None, "line_number": ours.number if ours else None,
            "control_number": ours.control_number if ours else None, "of": None}


def entries(payment: ClaimPayment, matches: Sequence[LineMatch]) -> list[Entry]:
    """A claim payment's entries: per line its payment and adjustments, then the claim-level ones."""
    out: list[Entry] = []
    for match in matches:
        line = match.line
        rarcs = [r.code for r in line.remarks if r.qualifier == "HE"]
        if line.paid_cents:
            out.append(_entry(PAYMENT, line.paid_cents, line, match, rarcs=rarcs))
        for adjustment in line.adjustments:
            if adjustment.amount_cents:
                out.append(_entry(GROUP_KINDS.get(adjustment.group, OTHER), adjustment.amount_cents, line, match,
                                  adjustment, rarcs))
    rarcs = list(payment.remark_codes)
    unlined = payment.paid_cents - sum(m.line.paid_cents for m in matches)
    if unlined:  # a claim paid without lines, or paid more than its lines (X221A1 1.10.2.1)
        out.append(_entry(PAYMENT, unlined, rarcs=rarcs))
    for adjustment in payment.adjustments:
        if adjustment.amount_cents:
            out.append(_entry(GROUP_KINDS.get(adjustment.group, OTHER), adjustment.amount_cents,
                              adjustment=adjustment, rarcs=rarcs))
    return out


def contra(earlier: Sequence[Entry]) -> list[Entry]:
    """The entries that undo an earlier posting's: each negated, kind `reversal`, `of` the kind it undoes."""
    return [{**e, "kind": REVERSAL, "of": e["of"] if e["kind"] == REVERSAL else e["kind"],
             "amount_cents": -int(e["amount_cents"])} for e in earlier]


@dataclass(frozen=True)
class Totals:
    paid_cents: int
    adjusted_cents: int  # contractual and other
    patient_cents: int  # patient responsibility, moved or not

    @property
    def applied_cents(self) -> int:
        return self.paid_cents + self.adjusted_cents + self.patient_cents


def totals(posted: Sequence[Entry]) -> Totals:
    sums = {kind: 0 for kind in KINDS}
    for e in posted:
        sums[e["of"] if e["kind"] == REVERSAL else e["kind"]] += int(e["amount_cents"])
    return Totals(sums[PAYMENT], sums[CONTRACTUAL] + sums[OTHER], sums[PATIENT])


def moves_to_patient(payment: ClaimPayment) -> bool:
    """A forwarded claim's patient share waits for the payer it went to: it stays on the claim."""
    return payment.status not in FORWARDED


def line_denied(line: ServiceLine) -> bool:
    return (line.charge_cents > 0 and line.paid_cents == 0
            and any(a.group != "PR" and a.amount_cents > 0 for a in line.adjustments))


def _patient_share(payment: ClaimPayment) -> int:
    return sum(a.amount_cents for a in payment.adjustments if a.group == "PR") + sum(
        a.amount_cents for line in payment.lines for a in line.adjustments if a.group == "PR")


def claim_status(payment: ClaimPayment, balance_after_cents: int) -> str | None:
    """The claim's status after the payment is posted; None: the payment changes nothing (23, 25)."""
    status = payment.status
    if status in NO_MONEY:
        return None
    if status == REVERSAL_STATUS:
        return "accepted"
    if status in FORWARDED:
        return "forwarded"
    if status == DENIED_STATUS or (payment.paid_cents == 0 and _patient_share(payment) == 0):
        return "denied"
    if balance_after_cents != 0 or any(line_denied(line) for line in payment.lines):
        return "partial"
    return "paid"


def crossover_name(payment: ClaimPayment) -> str | None:
    """NM1*TT's name when the payer forwarded the claim (an organization: never a person's name)."""
    carrier = payment.crossover_payer
    if payment.status not in FORWARDED or carrier is None or carrier.kind != "2":
        return None
    return carrier.last_name[:60] or None


PATIENT_WORDS = {"1": "deductible", "2": "coinsurance", "3": "co-payment"}


def patient_memo(trace: str, payment: ClaimPayment, posted: Sequence[Entry]) -> str:
    """The patient ledger entry's words: its cause (trace, our claim number, the payer's) and the PR reasons."""
    by_reason: dict[str, int] = {}
    for e in posted:
        if e["kind"] == PATIENT:
            by_reason[e["carc"]] = by_reason.get(e["carc"], 0) + int(e["amount_cents"])
    parts = [f"{PATIENT_WORDS.get(carc, 'PR-' + carc)} {Money(cents)}" for carc, cents in by_reason.items()]
    return (f"835 trace {trace}, claim {payment.patient_control_number}, payer claim "
            f"{payment.payer_claim_number}: " + ", ".join(parts))[:500]
