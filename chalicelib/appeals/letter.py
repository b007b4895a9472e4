"""The appeal letter, pure: the facts a payer needs to find the claim and reconsider it, laid out as pages of
text blocks (pdf.py renders them). One template per denial category: its argument, then the biller's reason.

The letter is a PHI document (the patient's name and member id are how a payer finds the claim): it carries
those and nothing more of the patient (no birth date, no address, no diagnosis), is kept encrypted in the
documents bucket and is only reached through a short-lived signed URL. Nothing here is logged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.appeals.pdf import Block
from chalicelib.appeals.rules import LEVEL_WORDS
from chalicelib.core.money import Money

ARGUMENTS = {
    "timely_filing": "The claim was filed within your timely filing limit. Our clearinghouse's 999 and your "
                     "277CA accepted it on the dates shown in the enclosed proof of timely filing, which we ask "
                     "you to accept as proof of timely filing.",
    "medical_necessity": "The services were medically necessary for this patient's condition, as the enclosed "
                         "records show. We ask you to review them and pay the claim as billed.",
    "authorization": "The services were authorized, or met your rules for care without a prior authorization. "
                     "We ask you to review the enclosed authorization details and pay the claim.",
    "coding": "The services were coded correctly for what was documented. We ask you to review the coding "
              "against the enclosed documentation and pay the claim.",
    "eligibility_coverage": "The patient was covered by this plan on the dates of service. We ask you to verify "
                            "the coverage and pay the claim.",
    "duplicate": "This claim is not a duplicate: it bills services not paid on any other claim. We ask you to "
                 "review it and pay it.",
    "bundling": "The service is separately payable: it is distinct from the other services of the day. We ask "
                "you to review it and pay it.",
    "non_covered": "The service is covered under the patient's plan for this condition. We ask you to review "
                   "the plan's terms and pay the claim.",
    "coordination_of_benefits": "Your plan is responsible for this claim in the order of benefits. We ask you to "
                                "review the coordination of benefits and pay the claim.",
    "missing_information": "The information you asked for is enclosed. We ask you to reprocess the claim with it.",
    "other": "We believe the claim was denied in error. We ask you to review it and pay it.",
}


@dataclass(frozen=True)
class Proof:
    """Proof of timely filing, from what the project kept of the claim's submission and acknowledgments."""

    submitted_at: str | None
    batch: str | None  # our batch id and the file's interchange control number
    accepted_999_at: str | None
    accepted_277ca_at: str | None
    payer_claim_number: str
    events: tuple[str, ...] = ()  # "2026-12-01T09:00:00Z acknowledged (999, file 01J...)" ...


@dataclass(frozen=True)
class Facts:
    written_on: date
    practice: tuple[str, ...]  # the billing provider's name and address lines
    payer: tuple[str, ...]  # the payer's name and address lines, when known
    level: str
    category: str
    patient_control_number: str
    payer_claim_number: str
    patient_name: str
    member_id: str
    service_from: str
    service_to: str
    billed_cents: int
    paid_cents: int
    denied_cents: int
    denied_on: str
    line: str | None  # a line's denial: "line 2 (99213-25)"
    reasons: tuple[str, ...]  # "CO-29: filed after the payer's time limit"
    remarks: tuple[str, ...]
    argument: str  # the biller's own reason
    enclosed: tuple[str, ...] = ()
    proof: Proof | None = field(default=None)


def pages(facts: Facts) -> list[list[Block]]:
    """The letter, then the proof of timely filing on a page of its own when there is one."""
    letter = [Block("\n".join(facts.practice), keep=True), Block(facts.written_on.strftime("%B %d, %Y")),
              Block("\n".join((facts.payer[0] + " - Appeals", *facts.payer[1:])), keep=True),
              Block(f"Re: {LEVEL_WORDS[facts.level].capitalize()}", bold=True),
              Block(_claim_table(facts), keep=True),
              Block("Dear Appeals Reviewer,"),
              Block(_denied(facts)),
              Block(ARGUMENTS.get(facts.category, ARGUMENTS["other"])),
              Block(facts.argument)]
    if facts.enclosed:
        letter.append(Block("Enclosed:\n" + "\n".join(f"- {name}" for name in facts.enclosed), keep=True))
    letter += [Block("Sincerely,"), Block(facts.practice[0])]
    return [letter, proof_page(facts.proof, facts)] if facts.proof else [letter]


def _claim_table(facts: Facts) -> str:
    rows = [("Patient", facts.patient_name), ("Member id", facts.member_id),
            ("Our claim number", facts.patient_control_number), ("Payer claim number", facts.payer_claim_number),
            ("Dates of service", facts.service_from if facts.service_from == facts.service_to
             else f"{facts.service_from} to {facts.service_to}"),
            ("Billed", f"${Money(facts.billed_cents)}"), ("Paid", f"${Money(facts.paid_cents)}"),
            ("Denied", f"${Money(facts.denied_cents)}" + (f" ({facts.line})" if facts.line else ""))]
    return "\n".join(f"{name + ':':<20}{value}" for name, value in rows)


def _denied(facts: Facts) -> str:
    text = f"Your remittance of {facts.denied_on} denied this claim"
    text += f"'s {facts.line}" if facts.line else ""
    text += ": " + "; ".join(facts.reasons) + "."
    if facts.remarks:
        text += " Remarks: " + "; ".join(facts.remarks) + "."
    return text + " We appeal that decision within your appeal window."


def proof_page(proof: Proof, facts: Facts) -> list[Block]:
    """The proof of timely filing: when the claim left us and when it was accepted, from its history."""
    rows = [("Our claim number", facts.patient_control_number), ("Payer claim number", proof.payer_claim_number),
            ("Submitted", proof.submitted_at or "not recorded"), ("Batch", proof.batch or "not recorded"),
            ("999 accepted", proof.accepted_999_at or "not recorded"),
            ("277CA accepted", proof.accepted_277ca_at or "not recorded")]
    blocks = [Block("Proof of timely filing", bold=True),
              Block("\n".join(f"{name + ':':<20}{value}" for name, value in rows), keep=True)]
    if proof.events:
        blocks.append(Block("The claim's history:\n" + "\n".join(proof.events), keep=True))
    return blocks
