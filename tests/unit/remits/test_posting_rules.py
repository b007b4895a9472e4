"""What a claim payment posts and where it leaves the claim (remits/rules.py): entries per line and claim, the
sums by kind, contra entries of a reversal, and the status rules of X221A1 CLP02. Dates are fixed values passed
in: nothing here depends on today."""
from datetime import date

import pytest

from chalicelib.edi.remittance.result import Adjustment, ClaimPayment, Entity, Procedure, Remark, ServiceLine
from chalicelib.remits import rules
from chalicelib.remits.matching import BY_CONTROL_NUMBER, LineMatch, OurLine

DAY = date(2026, 3, 2)


def svc(number, charge, adjustments, remarks=()):
    paid = charge - sum(a.amount_cents for a in adjustments)
    return ServiceLine(number, Procedure("HC", "99213"), charge, paid, service_from=DAY,
                       adjustments=tuple(adjustments), remarks=tuple(Remark("HE", r) for r in remarks))


def payment(lines, status="1", adjustments=(), paid=None, entities=()):
    charge = sum(line.charge_cents for line in lines)
    paid = sum(line.paid_cents for line in lines) if paid is None else paid
    return ClaimPayment("100", status, charge, paid, None, "12", "SBX100", adjustments=tuple(adjustments),
                        lines=tuple(lines), entities=tuple(entities))


def matches(lines):
    return [LineMatch(line, OurLine(line.number, f"100-{line.number}", "99213", (), "", DAY), BY_CONTROL_NUMBER)
            for line in lines]


def test_each_line_posts_its_payment_then_each_adjustment_by_group_with_carc_and_rarcs():
    line = svc(1, 10000, [Adjustment("CO", "45", 2000), Adjustment("PR", "1", 1500), Adjustment("OA", "23", 500)],
               remarks=("N130",))
    got = rules.entries(payment([line]), matches([line]))
    assert [(e["kind"], e["amount_cents"], e["group"], e["carc"], e["line_number"], e["control_number"])
            for e in got] == [
        ("insurance_payment", 6000, None, None, 1, "100-1"), ("contractual_adjustment", 2000, "CO", "45", 1, "100-1"),
        ("patient_responsibility", 1500, "PR", "1", 1, "100-1"), ("other_adjustment", 500, "OA", "23", 1, "100-1")]
    assert all(e["rarcs"] == ["N130"] for e in got)


def test_claim_level_adjustments_and_what_the_lines_do_not_account_for_post_at_claim_level():
    line = svc(1, 10000, [Adjustment("CO", "45", 2000)])  # the line pays 80.00; the claim 70.00 less a co-pay
    paid = payment([line], adjustments=[Adjustment("PR", "3", 1000)], paid=7000)
    got = rules.entries(paid, matches([line]))
    assert [(e["kind"], e["amount_cents"], e["line_number"]) for e in got][-2:] == [
        ("insurance_payment", -1000, None), ("patient_responsibility", 1000, None)]
    assert rules.totals(got) == rules.Totals(7000, 2000, 1000)


def test_a_reversal_negates_every_entry_and_its_sums_cancel_the_original():
    line = svc(1, 10000, [Adjustment("CO", "45", 2000), Adjustment("PR", "2", 1000)])
    original = rules.entries(payment([line]), matches([line]))
    undo = rules.contra(original)
    assert [(e["kind"], e["of"], e["amount_cents"]) for e in undo] == [
        ("reversal", "insurance_payment", -7000), ("reversal", "contractual_adjustment", -2000),
        ("reversal", "patient_responsibility", -1000)]
    assert rules.totals(original + undo) == rules.Totals(0, 0, 0)


@pytest.mark.parametrize("status, adjustments, balance, expected", [
    ("1", [Adjustment("CO", "45", 2000), Adjustment("PR", "2", 1000)], 0, "paid"),
    ("2", [Adjustment("PR", "1", 10000)], 0, "paid"),  # all to the deductible: paid, the patient owes it
    ("1", [Adjustment("CO", "45", 2000)], 500, "partial"),  # a balance left open
    ("1", [Adjustment("CO", "45", 2000)], -500, "partial"),  # overpaid: open the other way
    ("4", [Adjustment("CO", "50", 10000)], 0, "denied"),
    ("1", [Adjustment("CO", "50", 10000)], 0, "denied"),  # nothing paid, nothing to the patient
    ("19", [Adjustment("CO", "45", 2000), Adjustment("PR", "2", 1000)], 1000, "forwarded"),
    ("20", [Adjustment("CO", "45", 2000)], 0, "forwarded"),
    ("22", [Adjustment("CO", "45", 2000)], 10000, "accepted"),
    ("23", [Adjustment("CO", "45", 2000)], 10000, None),
    ("25", [Adjustment("CO", "45", 2000)], 10000, None),
])
def test_the_claim_status_follows_clp02_the_lines_and_the_balance(status, adjustments, balance, expected):
    assert rules.claim_status(payment([svc(1, 10000, adjustments)], status=status), balance) == expected


def test_a_claim_with_one_line_denied_is_partial_even_at_a_zero_balance():
    lines = [svc(1, 10000, [Adjustment("CO", "45", 2000)]), svc(2, 3000, [Adjustment("CO", "50", 3000)])]
    assert rules.claim_status(payment(lines), 0) == "partial"


def test_a_forwarded_claims_patient_share_stays_on_the_claim():
    assert not rules.moves_to_patient(payment([svc(1, 100, [])], status="19"))
    assert rules.moves_to_patient(payment([svc(1, 100, [])], status="1"))


def test_the_crossover_payer_is_named_only_when_forwarded_and_an_organization():
    carrier = Entity("TT", "2", "MEDIGAP MUTUAL")
    person = Entity("TT", "1", "DOE", "JANE")
    assert rules.crossover_name(payment([svc(1, 100, [])], status="19", entities=[carrier])) == "MEDIGAP MUTUAL"
    assert rules.crossover_name(payment([svc(1, 100, [])], status="1", entities=[carrier])) is None
    assert rules.crossover_name(payment([svc(1, 100, [])], status="19", entities=[person])) is None


def test_the_patient_memo_names_the_cause_and_each_reason_in_words():
    line = svc(1, 10000, [Adjustment("PR", "1", 3000), Adjustment("PR", "2", 1250), Adjustment("PR", "3", 2000)])
    memo = rules.patient_memo("EFT9", payment([line]), rules.entries(payment([line]), matches([line])))
    assert memo == ("835 trace EFT9, claim 100, payer claim SBX100: deductible 30.00, coinsurance 12.50, "
                    "co-payment 20.00")
