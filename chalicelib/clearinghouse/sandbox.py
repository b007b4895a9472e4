"""The sandbox payer: answers a real 270 with a real 271, by rules a tester can rely on (docs/x12.md).

The answer depends on the first three letters of the subscriber's member id (2100C NM109), any case:

- ACT: active (EB*1), plan "SANDBOX GOLD PPO". In network: $25.00 co-pay per visit for service types 30
  and 98, 20% co-insurance, $1,500.00 calendar-year deductible with $400.00 remaining, $5,000.00
  out-of-pocket maximum with $3,200.00 remaining. Out of network: 40% co-insurance.
- INA: inactive (EB*6), the plan ended December 31 of the year before.
- UNK: AAA*Y**72*C at the subscriber (2100C): invalid/missing subscriber id, correct and resubmit.
- DWN: AAA*N**42*R at the information source (2100A): unable to respond now, resubmission allowed.
- anything else: active, plan "SANDBOX BASIC", no co-pay.

Plan dates (DTP*346/347) cover the calendar year of the 270's date of service (DTP*291), or of today.
The 271 mirrors the 270: sender and receiver swapped, same delimiters, same usage indicator (ISA15),
same control numbers (the sandbox keeps no counter), BHT03 and the trace (TRN*2, TRN02-04 as received,
X12 RFI 1272) echoed; the payer, provider and patient names are echoed from the 270.
A 270 that breaks the 005010X279A1 rules is refused, as a clearinghouse would, with ClearinghouseRejected.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from chalicelib.clearinghouse.gateway import ClearinghouseRejected
from chalicelib.core.clock import utcnow
from chalicelib.edi.eligibility.inquiry import VERSION, Inquiry270, read_270
from chalicelib.edi.eligibility.rules_270 import check_270
from chalicelib.edi.x12.segments import Segment
from chalicelib.edi.x12.writer import Envelope, SegmentSpec, Transaction, rep, write_interchange

ACTIVE_PLAN, BASIC_PLAN = "SANDBOX GOLD PPO", "SANDBOX BASIC"


class SandboxPayer:
    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock

    def check(self, request_270_text: str) -> str:
        violations = check_270(request_270_text)
        if violations:
            # Positions and rule names only: the 270's values are patient data.
            raise ClearinghouseRejected(f"the 270 breaks {len(violations)} 005010X279A1 rule(s); first: "
                                        f"{violations[0]}", status=400)
        inquiry = read_270(request_270_text)
        now = self.clock()
        body = [("BHT", "0022", "11", inquiry.reference, now.strftime("%Y%m%d"), now.strftime("%H%M")),
                *_answer(inquiry, (inquiry.service_date or now.date()).year)]
        envelope = Envelope(inquiry.parties.swapped(), "HB", VERSION, "P" if inquiry.usage == "P" else "T", now)
        return write_interchange(envelope, inquiry.controls, [Transaction("271", VERSION, body)],
                                 delimiters=inquiry.delimiters)


def scenario(member_id: str) -> str:
    prefix = member_id[:3].upper()
    return prefix if prefix in ("ACT", "INA", "UNK", "DWN") else "OTHER"


def _answer(inquiry: Inquiry270, year: int) -> list[SegmentSpec]:
    """The 271's levels after BHT: source, receiver, subscriber and (for a dependent) the patient."""
    case = scenario(inquiry.member_id)
    if case == "DWN":
        # Nothing below the information source is answered when it cannot respond (HL04 0).
        return [("HL", "1", "", "20", "0"), _echo(inquiry.source), ("AAA", "N", "", "42", "R")]
    dependent = inquiry.dependent is not None and case != "UNK"
    head: list[SegmentSpec] = [("HL", "1", "", "20", "1"), _echo(inquiry.source),
                               ("HL", "2", "1", "21", "1"), _echo(inquiry.receiver),
                               ("HL", "3", "2", "22", "1" if dependent else "0")]
    trace = [("TRN", "2", *inquiry.trace.elements[1:])] if inquiry.trace else []
    if case == "UNK":
        return head + trace + [_echo(inquiry.subscriber), ("AAA", "Y", "", "72", "C")]
    patient = _dates(case, year) + _benefits(case)
    if dependent and inquiry.dependent is not None:
        return head + [_echo(inquiry.subscriber), ("HL", "4", "3", "23", "0"), *trace,
                       _echo(inquiry.dependent), *patient]
    return head + trace + [_echo(inquiry.subscriber), *patient]


def _echo(segment: Segment) -> SegmentSpec:
    return (segment.id, *segment.elements)


def _dates(case: str, year: int) -> list[SegmentSpec]:
    if case == "INA":
        return [("DTP", "346", "D8", date(year - 1, 1, 1).strftime("%Y%m%d")),
                ("DTP", "347", "D8", date(year - 1, 12, 31).strftime("%Y%m%d"))]
    return [("DTP", "346", "D8", f"{year}0101"), ("DTP", "347", "D8", f"{year}1231")]


def _benefits(case: str) -> list[SegmentSpec]:
    """EB segments (loop 2110C/2110D): EB01 code, EB02 coverage level, EB03 service types, EB04 insurance
    type (PR = PPO), EB05 plan, EB06 time period (23 calendar year, 27 visit, 29 remaining), EB07 amount,
    EB08 percent, EB12 in network (Y/N)."""
    if case == "INA":
        return [("EB", "6", "IND", "30", "PR", ACTIVE_PLAN)]
    if case != "ACT":
        return [("EB", "1", "IND", "30", "PR", BASIC_PLAN)]
    visits = rep("30", "98")

    def cost(code: str, period: str, amount: str = "", percent: str = "", network: str = "Y") -> SegmentSpec:
        return ("EB", code, "IND", "30", "PR", "", period, amount, percent, "", "", "", network)

    return [("EB", "1", "IND", visits, "PR", ACTIVE_PLAN),
            ("EB", "B", "IND", visits, "PR", "", "27", "25.00", "", "", "", "", "Y"),
            cost("A", "", percent="0.2"), cost("A", "", percent="0.4", network="N"),
            cost("C", "23", "1500.00"), cost("C", "29", "400.00"),
            cost("G", "23", "5000.00"), cost("G", "29", "3200.00")]
