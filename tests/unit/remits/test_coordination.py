"""What a recorded claim payment leaves for the next coverage, why it leaves nothing, and the earlier payer's
adjudication it becomes on the next claim (remits/coordination.py)."""
import json
from dataclasses import dataclass, replace
from datetime import date

import pytest

from chalicelib.edi.claim.document import Adjustment
from chalicelib.remits import coordination
from tests.claims_factory import CHILD, make_document

PAID_ON = date(2026, 4, 2)


@dataclass
class Payment:
    """The fields of a RemittanceClaim that coordination reads."""

    status: str = "1"
    posting: str = "ready"
    charge_cents: int = 15500
    paid_cents: int = 0
    payer_claim_number: str = "AET991"
    adjustments: str = "[]"
    lines: str = "[]"


def svc(number, charge, *adjustments, code="99213", qualifier="HC", modifiers=(), units=None):
    paid = charge - sum(a[2] for a in adjustments)
    return {"line_number": number, "charge_cents": charge, "paid_cents": paid, "units": units,
            "procedure": {"qualifier": qualifier, "code": code, "modifiers": list(modifiers)},
            "adjustments": [{"group": g, "reason": r, "amount_cents": c, "quantity": None} for g, r, c in adjustments]}


def payment(*lines, claim_adjustments=(), **fields):
    """A balanced claim payment of make_document()'s two lines (12500 and 3000)."""
    lines = lines or (svc(1, 12500, ("CO", "45", 2500), ("PR", "2", 1000), modifiers=("25",)),
                      svc(2, 3000, ("CO", "45", 600), ("PR", "3", 500), code="82962", units="2"))
    paid = sum(line["paid_cents"] for line in lines) - sum(c for _, _, c in claim_adjustments)
    adjustments = [{"group": g, "reason": r, "amount_cents": c, "quantity": None} for g, r, c in claim_adjustments]
    return Payment(paid_cents=paid, adjustments=json.dumps(adjustments), lines=json.dumps(list(lines)), **fields)


def test_what_is_left_is_the_charge_less_the_payment_and_the_providers_write_offs():
    paid = payment(claim_adjustments=(("OA", "23", 100), ("PI", "94", 50)))
    # 15500 charged, CO 3100 and PI 50 written off, 10250 paid: PR 1500 and OA 100 left
    assert coordination.left_for_next(paid) == 1600


@pytest.mark.parametrize("status", ["19", "20", "21"])
def test_a_forwarded_claim_is_a_crossover_and_builds_nothing(status):
    assert "crossover" in coordination.refusal(payment(status=status), make_document())


@pytest.mark.parametrize("status", ["22", "23", "25"])
def test_a_reversal_or_a_predetermination_is_no_adjudication_to_carry(status):
    assert f"CLP02 {status}" in coordination.refusal(payment(status=status), make_document())


def test_a_claim_paid_or_written_off_in_full_leaves_nothing():
    written_off = payment(svc(1, 12500, ("CO", "45", 2500)), svc(2, 3000, code="82962"))
    assert "left nothing" in coordination.refusal(written_off, make_document())


def test_a_denial_with_patient_responsibility_is_carried():
    denied = payment(svc(1, 12500, ("PR", "204", 12500)), svc(2, 3000, ("PR", "204", 3000), code="82962"),
                     status="4")
    assert coordination.refusal(denied, make_document()) is None


def test_an_unbalanced_payment_is_not_carried():
    assert "does not balance" in coordination.refusal(payment(posting="refused"), make_document())


def test_a_payment_of_another_charge_or_of_unmatched_lines_is_not_carried():
    assert "charge of 15000 cents" in coordination.refusal(payment(charge_cents=15000), make_document())
    unmatched = payment(svc(1, 12500, ("CO", "45", 2500)), {**svc(2, 3000, code="99999"), "line_number": None})
    assert "each of the claim's lines" in coordination.refusal(unmatched, make_document())


def test_the_earlier_payer_is_the_claims_payer_and_subscriber_with_its_adjudication():
    document = make_document()
    other = coordination.other_payer(document, payment(claim_adjustments=(("OA", "23", 100),)), PAID_ON)
    assert (other.payer, other.subscriber, other.relationship) == (document.payer, document.subscriber, "18")
    assert (other.paid_cents, other.payer_claim_control_number, other.adjudicated_on) == (10800, "AET991", PAID_ON)
    assert other.adjustments == (Adjustment("OA", "23", 100),)
    first, second = other.lines
    assert (first.line_number, first.procedure_code, first.modifiers, first.units, first.paid_cents) == (
        1, "99213", ("25",), "1", 9000)
    assert (second.units, second.remaining_liability_cents, second.adjustments) == (
        "2", 500, (Adjustment("CO", "45", 600), Adjustment("PR", "3", 500)))
    assert other.remaining_liability_cents is None  # at the lines, in 2430


def test_a_dependents_relationship_is_the_patients_to_the_subscriber():
    other = coordination.other_payer(make_document(patient=CHILD), payment(), PAID_ON)
    assert other.relationship == "19"


def test_the_procedure_billed_stands_when_the_payer_answers_with_another_kind_of_code():
    paid = payment(svc(1, 12500, ("CO", "45", 2500), qualifier="AD", code="A0425"), svc(2, 3000, code="82962"))
    first, _ = coordination.other_payer(make_document(), paid, PAID_ON).lines
    assert (first.procedure_code, first.modifiers) == ("99213", ("25",))


def test_without_lines_the_patients_share_is_at_the_claim():
    paid = Payment(paid_cents=12000, adjustments=json.dumps([
        {"group": "CO", "reason": "45", "amount_cents": 2500, "quantity": None},
        {"group": "PR", "reason": "1", "amount_cents": 1000, "quantity": None}]))
    other = coordination.other_payer(make_document(), paid, PAID_ON)
    assert (other.lines, other.remaining_liability_cents) == ((), 1000)


def test_the_next_order_follows_the_billed_payers_responsibility():
    document = make_document()
    assert coordination.next_order(document) == "secondary"
    secondary = replace(document, subscriber=replace(document.subscriber, payer_responsibility="S"))
    tertiary = replace(document, subscriber=replace(document.subscriber, payer_responsibility="T"))
    assert (coordination.next_order(secondary), coordination.next_order(tertiary)) == ("tertiary", None)


def test_a_tertiary_claims_payment_leaves_nothing_to_bill():
    document = make_document()
    tertiary = replace(document, subscriber=replace(document.subscriber, payer_responsibility="T"))
    assert "no later coverage" in coordination.refusal(payment(), tertiary)
