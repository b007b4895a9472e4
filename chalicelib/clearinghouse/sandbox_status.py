"""The sandbox payer's claim status answers: a real 276 in, a real 277 (005010X212) out, by rules a tester can
rely on (docs/x12.md).

Each claim is answered by the last character of its patient control number (REF*EJ; the trace number TRN02
when the 276 sends no REF*EJ):

- 5: not found, D0:35 (data search unsuccessful: claim not found), paid 0, no payer claim number.
- 6: paid, F1:65 (finalized: payment): paid = the charge the 276 carries (AMT*T3, else the sum of its lines'
  SVC02), adjudicated and the check issued two days before the answer's date, payment method CHK, check number
  `SBX<patient control number>` (cut to STC09's 16 characters).
- 7: denied, F2:116 (finalized: denial: claim submitted to the incorrect payer), paid 0.
- anything else: pending, P1:20 (pending: in process: accepted for processing), paid 0.
Every claim but a 5 carries the payer claim number `SBX<patient control number>` (REF*1K). 8 and 9 reject a
claim in the sandbox's 277CA (sandbox_claims.py); here they get the default.

The 277 mirrors the 276 (edi/status/payer.py, build_277): sender and receiver swapped, same delimiters, usage
indicator and control numbers (the sandbox keeps no counter), BHT03 and each claim's TRN02 echoed. A 276 that
breaks the 005010X212 rules is refused, as a clearinghouse would, with ClearinghouseRejected.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable

from chalicelib.clearinghouse.gateway import ClearinghouseRejected
from chalicelib.core.clock import utcnow
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.status.payer import Answer, AskedClaim, build_277, read_276
from chalicelib.edi.status.rules_276 import check_276

NOT_FOUND = Status("D0", "35")  # data search unsuccessful: claim not found
PAID = Status("F1", "65")  # finalized, payment: claim/line has been paid
DENIED = Status("F2", "116")  # finalized, denial: claim submitted to the incorrect payer
PENDING = Status("P1", "20")  # pending, in process: accepted for processing
DAYS_TO_PAY = 2  # a paid claim was adjudicated (and its check issued) this many days before the answer


class SandboxStatusPayer:
    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock

    def inquire(self, request_276_text: str) -> str:
        violations = check_276(request_276_text)
        if violations:
            # Positions and rule names only: the 276's values are patient data.
            raise ClearinghouseRejected(f"the 276 breaks {len(violations)} 005010X212 rule(s); first: "
                                        f"{violations[0]}", status=400)
        now = self.clock()
        claims = read_276(request_276_text).claims
        answers = {claim.trace_number: answer_for(claim, now.date()) for claim in claims}
        return build_277(request_276_text, answers, created=now)


def answer_for(claim: AskedClaim, today: date) -> Answer:
    """The documented answer for one claim of a 276, on the day the 277 is written."""
    number = claim.patient_control_number or claim.trace_number
    payer_number = f"SBX{number}"[:50]  # REF02 AN 1/50
    last = number[-1:]
    if last == "5":
        return Answer((NOT_FOUND,))
    if last == "6":
        paid_on = today - timedelta(days=DAYS_TO_PAY)
        return Answer((PAID,), claim.charge_cents or 0, paid_on, "CHK", paid_on, f"SBX{number}"[:16], payer_number)
    if last == "7":
        return Answer((DENIED,), payer_claim_number=payer_number)
    return Answer((PENDING,), payer_claim_number=payer_number)
