"""The sandbox payer's 835 rules (sandbox_remits.py): each answer balances, reads back with read_835, and passes
pyx12's X221A1 map; the rule is picked by the cents of the claim's total charge."""
import dataclasses
from datetime import datetime, timezone

import pytest

from chalicelib.clearinghouse import sandbox_claims, sandbox_remits
from chalicelib.clearinghouse.sandbox_remits import Due, build_file
from chalicelib.edi.claim.document import Line
from chalicelib.edi.claim.reader import read_837
from chalicelib.edi.remittance.reader import read_835
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.claims_factory import CHILD, DAY, OTHER_BILLING, make_claims, make_institutional, write
from tests.x12_validate import pyx12_errors

CREATED = datetime(2026, 4, 20, 15, 0, tzinfo=timezone.utc)  # passed in: the rules never read the clock
PARTIES = Parties("ZZ", "SANDBOXCH", "ZZ", "REVCYCLE01")


def priced(document, *charges):
    """The document with one line per charge (99213, 82962, 36415 ...), its total their sum."""
    codes = ("99213", "82962", "36415")
    lines = tuple(Line(n + 1, codes[n % 3], cents, 1, DAY, (1,), control_number=f"L{n + 1}")
                  for n, cents in enumerate(charges))
    claim = dataclasses.replace(document.claim, lines=lines, total_charge_cents=sum(charges))
    return dataclasses.replace(document, claim=claim)


def claims_of(*documents, claim_type="professional"):
    return read_837(write(list(documents), claim_type))


def file_of(due, trace="SBXTEST"):
    text = build_file(due, trace_prefix=trace, created=CREATED, controls=ControlNumbers(41, 41, 1),
                      parties=PARTIES, usage="T")
    assert pyx12_errors(text) == []
    return text, read_835(text)


def one_payment(document, step=1):
    [claim] = claims_of(document)
    _, [remittance] = file_of([Due(claim, step)])
    assert remittance.balanced
    return remittance


def test_a_claim_is_paid_at_80_percent_allowed_less_a_20_dollar_deductible_and_20_percent_coinsurance():
    [document] = make_claims(1)
    remittance = one_payment(priced(document, 12500, 3000))
    [paid] = remittance.claims
    first, second = paid.lines
    assert (paid.status, paid.charge_cents, paid.payer_claim_number) == ("1", 15500, "SBXC00001")
    # 125.00: allowed 100.00, CO-45 25.00, PR-1 20.00, PR-2 16.00 (20% of 80.00), paid 64.00
    assert [(a.group, a.reason, a.amount_cents) for a in first.adjustments] == [
        ("CO", "45", 2500), ("PR", "1", 2000), ("PR", "2", 1600)]
    assert (first.allowed_cents, first.paid_cents, first.control_number) == (10000, 6400, "L1")
    # 30.00: allowed 24.00, no deductible left, PR-2 4.80, paid 19.20
    assert [(a.group, a.reason, a.amount_cents) for a in second.adjustments] == [("CO", "45", 600), ("PR", "2", 480)]
    assert paid.paid_cents == 6400 + 1920 and paid.patient_responsibility_cents == 2000 + 1600 + 480
    assert remittance.payment.total_cents == paid.paid_cents and remittance.payment.method == "CHK"


@pytest.mark.parametrize("cents, reason, remark", [(1, "50", "N130"), (2, "16", "MA130")])
def test_a_claim_whose_total_ends_in_01_or_02_is_denied_with_its_carc_and_rarc(cents, reason, remark):
    [document] = make_claims(1)
    remittance = one_payment(priced(document, 12500, 3000 + cents))
    [denied] = remittance.claims
    assert denied.denied and denied.paid_cents == 0
    assert [[(a.group, a.reason, a.amount_cents) for a in line.adjustments] for line in denied.lines] == [
        [("CO", reason, 12500)], [("CO", reason, 3000 + cents)]]
    assert {r.code for line in denied.lines for r in line.remarks} == {remark}
    assert remittance.payment.handling == "H" and remittance.payment.method == "NON"  # nothing paid: a notice


def test_a_claim_whose_total_ends_in_03_is_partly_paid_its_last_line_denied_as_bundled():
    [document] = make_claims(1)
    [partial] = one_payment(priced(document, 12500, 3003)).claims
    paid, bundled = partial.lines
    assert partial.status == "1" and paid.paid_cents == 6400 and bundled.paid_cents == 0
    assert [(a.group, a.reason) for a in bundled.adjustments] == [("CO", "97")]
    assert [r.code for r in bundled.remarks] == ["M15"] and partial.paid_cents == 6400


def test_a_partly_paid_claim_of_one_line_is_denied():
    [document] = make_claims(1)
    [denied] = one_payment(priced(document, 12503)).claims
    assert denied.denied and [(a.group, a.reason) for a in denied.lines[0].adjustments] == [("CO", "97")]


def test_a_claim_whose_total_ends_in_04_is_paid_then_reversed_and_paid_again_without_the_deductible():
    [document] = make_claims(1)
    document = priced(document, 12504)
    [claim] = claims_of(document)
    assert sandbox_remits.steps(claim) == 2
    [first] = one_payment(document).claims
    later = one_payment(document, step=2)
    reversal, correction = later.claims
    # 125.04: allowed 100.03, PR-1 20.00, PR-2 16.00 (20% of 80.03, to the cent below), paid 64.03
    assert first.status == "1" and first.paid_cents == 6403
    assert reversal.reversal and (reversal.charge_cents, reversal.paid_cents) == (-12504, -6403)
    assert reversal.patient_responsibility_cents == -first.patient_responsibility_cents
    taken_back = [-a.amount_cents for a in first.lines[0].adjustments]
    assert [a.amount_cents for a in reversal.lines[0].adjustments] == taken_back
    # Without the deductible: allowed 100.03, PR-2 20.00, paid 80.03.
    assert (correction.status, correction.paid_cents) == ("1", 8003)
    assert ("PR", "1") not in {(a.group, a.reason) for a in correction.lines[0].adjustments}
    assert later.payment.total_cents == 8003 - 6403
    assert {c.payer_claim_number for c in (first, reversal, correction)} == {"SBXC00001"}


def test_a_claim_whose_total_ends_in_05_is_paid_and_forwarded_to_the_supplemental_payer():
    [document] = make_claims(1)
    [forwarded] = one_payment(priced(document, 12505)).claims
    assert forwarded.status == "19" and forwarded.paid_cents > 0
    assert forwarded.crossover_payer.last_name == "SANDBOX SUPPLEMENTAL PLAN"
    assert forwarded.crossover_payer.id == "SBXSUP1" and forwarded.remark_codes == ("MA18",)


def test_a_claim_whose_total_ends_in_06_is_paid_with_interest_in_a_plb():
    [document] = make_claims(1)
    remittance = one_payment(priced(document, 12506))
    [paid] = remittance.claims
    [interest] = remittance.provider_adjustments
    assert (interest.reason, interest.reference, interest.provider_id) == ("L6", "SBXC00001", "1245319599")
    assert interest.amount_cents == -(paid.paid_cents // 100)
    assert remittance.payment.total_cents == paid.paid_cents - interest.amount_cents


def test_only_a_reversed_claim_has_a_second_835():
    [document] = make_claims(1)
    [claim] = claims_of(priced(document, 12500))
    assert sandbox_remits.steps(claim) == 1
    with pytest.raises(ValueError):
        sandbox_remits.claim_answers(claim, 2)


def test_the_answers_echo_the_claim_its_lines_patient_and_parties():
    [document] = make_claims(1)
    remittance = one_payment(priced(document, 12500, 3000))
    [paid] = remittance.claims
    patient = paid.entity("QC")
    assert (patient.last_name, patient.first_name, patient.id) == ("CHEN", "LU", "W123456789")
    assert (paid.statement_from, paid.statement_to, paid.facility_code) == (DAY, DAY, "11")
    assert (remittance.payer.name, remittance.payer.reference("2U")) == ("AETNA", "60054")
    assert (remittance.payee.name, remittance.payee.id, remittance.payee.reference("TJ")) == (
        "SPRINGFIELD FAMILY MEDICINE", "1245319599", "123456789")
    assert [line.service_from for line in paid.lines] == [DAY, DAY]


def test_an_institutional_claim_is_answered_with_its_revenue_codes():
    [document] = make_claims(1, maker=make_institutional)
    [claim] = claims_of(document, claim_type="institutional")
    text, [remittance] = file_of([Due(claim)])
    [paid] = remittance.claims
    assert [line.revenue_code for line in paid.lines] == ["0300", "0450"]
    assert paid.facility_code == "13" and remittance.balanced


def test_one_file_holds_one_check_per_payee_with_every_claim_due():
    documents = make_claims(3)
    documents[2] = dataclasses.replace(documents[2], billing=OTHER_BILLING)
    claims = claims_of(*documents)
    text, remittances = file_of([Due(c) for c in claims], trace="SBXAB")
    assert text.count("ISA*") == 1
    assert [(r.payee.id, r.payment.trace_number, len(r.claims)) for r in remittances] == [
        ("1234567893", "SBXAB1", 1), ("1245319599", "SBXAB2", 2)]


def test_claims_of_two_payers_never_share_a_file():
    first, second = make_claims(2)
    second = dataclasses.replace(second, payer=dataclasses.replace(second.payer, payer_id="87726"))
    claims = claims_of(first) + claims_of(second)
    with pytest.raises(ValueError):
        build_file([Due(c) for c in claims], trace_prefix="X", created=CREATED, controls=ControlNumbers(1, 1, 1),
                   parties=PARTIES, usage="T")


def test_only_the_claims_the_277ca_accepts_are_paid():
    documents = [dataclasses.replace(d, claim=dataclasses.replace(d.claim, patient_control_number=number))
                 for d, number in zip(make_claims(3), ["100001", "100009", "100008"])]
    assert [c.patient_control_number for c in sandbox_claims.accepted(write(documents))] == ["100001"]


def test_a_batch_the_999_rejects_has_nothing_to_pay():
    [document] = make_claims(1)
    assert sandbox_claims.accepted(write([priced(document, 99_999)])) == []


def test_a_dependents_claim_names_the_patient_not_the_subscriber():
    [document] = make_claims(1)
    remittance = one_payment(dataclasses.replace(priced(document, 12500), patient=CHILD))
    patient = remittance.claims[0].entity("QC")
    assert (patient.last_name, patient.first_name) == ("CHEN", "MIA")
