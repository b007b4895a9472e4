"""What a recorded claim payment denies: the whole claim (CLP02 4, or every line), or some of its lines; a line
put on the patient (PR only), a prior payer's payment (OA-23), a reversal, deny nothing."""
import json
from types import SimpleNamespace

from chalicelib.denials.denied import denials_of
from chalicelib.denials.rules import Code


def line(number, charge, paid, *adjustments, remarks=(), ours=None, code="99213", modifiers=()):
    return {"number": number, "procedure": {"qualifier": "HC", "code": code, "modifiers": list(modifiers)},
            "revenue_code": "", "charge_cents": charge, "paid_cents": paid,
            "adjustments": [{"group": g, "reason": r, "amount_cents": a, "quantity": None} for g, r, a in adjustments],
            "remarks": [{"qualifier": "HE", "code": c} for c in remarks], "line_number": ours or number}


def record(status, lines, charge=None, paid=None, adjustments=(), remarks=()):
    return SimpleNamespace(
        status=status, charge_cents=charge if charge is not None else sum(x["charge_cents"] for x in lines),
        paid_cents=paid if paid is not None else sum(x["paid_cents"] for x in lines),
        adjustments=json.dumps([{"group": g, "reason": r, "amount_cents": a, "quantity": None}
                                for g, r, a in adjustments]), remarks=json.dumps(list(remarks)),
        lines=json.dumps(lines))


def test_a_claim_the_payer_denies_is_one_denial_with_every_lines_codes():
    [denied] = denials_of(record("4", [line(1, 10000, 0, ("CO", "29", 10000), remarks=["N211"]),
                                       line(2, 5000, 0, ("CO", "29", 5000))], remarks=["MA01"]))
    assert (denied.svc, denied.charge_cents, denied.denied_cents) == (None, 15000, 15000)
    assert denied.adjustments == (Code("CO", "29", 10000), Code("CO", "29", 5000))
    assert denied.remarks == ("MA01", "N211")


def test_a_claim_whose_every_line_is_denied_is_one_denial_of_the_claim():
    denials = denials_of(record("1", [line(1, 10000, 0, ("CO", "97", 10000)), line(2, 5000, 0, ("OA", "18", 5000))]))
    assert [d.svc for d in denials] == [None]


def test_a_denied_line_of_a_paid_claim_is_a_denial_of_that_line():
    denials = denials_of(record("1", [line(1, 10000, 8000, ("CO", "45", 2000)),
                                      line(2, 5000, 0, ("CO", "97", 5000), remarks=["M15"], ours=7,
                                           code="82962", modifiers=["59"])], remarks=["MA01"]))
    [denied] = denials
    assert (denied.svc, denied.line_number, denied.procedure, denied.denied_cents) == (2, 7, "82962-59", 5000)
    assert denied.remarks == ("M15", "MA01")


def test_a_line_the_payer_put_on_the_patient_is_no_denial():
    assert denials_of(record("1", [line(1, 10000, 8000, ("CO", "45", 2000)),
                                   line(2, 5000, 0, ("PR", "1", 5000))])) == []


def test_a_line_paid_nothing_for_the_patients_deductible_after_a_contractual_cut_is_no_denial():
    assert denials_of(record("1", [line(1, 10000, 0, ("CO", "45", 2000), ("PR", "1", 8000))])) == []


def test_a_secondary_paying_nothing_after_the_primary_paid_it_all_is_no_denial():
    assert denials_of(record("2", [line(1, 10000, 0, ("OA", "23", 10000))])) == []


def test_a_reversal_a_claim_not_the_payers_and_a_predetermination_deny_nothing():
    for status in ("22", "23", "25"):
        assert denials_of(record(status, [line(1, 10000, 0, ("CO", "29", 10000))])) == []


def test_a_claim_payment_without_lines_that_paid_nothing_for_a_payer_reason_is_a_claim_denial():
    [denied] = denials_of(record("1", [], charge=12000, paid=0, adjustments=[("CO", "16", 12000)],
                                 remarks=["MA130"]))
    assert (denied.svc, denied.denied_cents, denied.remarks) == (None, 12000, ("MA130",))


def test_a_denied_claim_without_adjustments_puts_its_unpaid_charge_at_stake():
    [denied] = denials_of(record("4", [], charge=12000, paid=0))
    assert denied.denied_cents == 12000 and denied.adjustments == ()
