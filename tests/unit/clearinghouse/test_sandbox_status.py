"""The sandbox payer's claim status answers (sandbox_status.py): each documented rule, the 277 read back with
parse_277 and checked with check_277 (the gateway getter is tested with the eligibility one, in test_sandbox.py)."""
from datetime import date, datetime, timezone

import pytest

from chalicelib.clearinghouse import ClearinghouseRejected
from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
from chalicelib.edi.status.inquiry import ClaimStatus, build_276, parse_277
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.status.rules_277 import check_277
from chalicelib.edi.x12.writer import ControlNumbers, Parties
from tests.claims_factory import CHILD, make_document
from tests.unit.edi.samples import sample
from tests.unit.edi.test_276_rules import recount

NOW = datetime(2026, 3, 21, 14, 30, tzinfo=timezone.utc)
TRACE = "01JTRACE0001"
payer = SandboxStatusPayer(clock=lambda: NOW)


def make_276(pcn: str = "C0001", **overrides) -> str:
    return build_276(make_document(patient_control_number=pcn, **overrides), TRACE,
                     Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH"), ControlNumbers(41, 42, 43), usage="T",
                     created=datetime(2026, 3, 20, 9, 0))


def ask(text_276: str) -> ClaimStatus:
    text_277 = payer.inquire(text_276)
    assert check_277(text_277) == []
    [status] = parse_277(text_277)
    assert status.trace_number == TRACE
    return status


def test_a_patient_control_number_ending_in_5_is_not_found():
    status = ask(make_276("C0005"))
    assert status.messages == ("data search unsuccessful: claim not found",)
    assert status.statuses[0].paid_cents == 0 and status.payer_claim_number == ""


def test_one_ending_in_6_is_paid_in_full_by_check_two_days_ago():
    info = ask(make_276("C0006")).statuses[0]
    assert [(s.category, s.code) for s in info.statuses] == [("F1", "65")]
    assert (info.charge_cents, info.paid_cents, info.adjudicated, info.payment_method, info.check_issued,
            info.check_number) == (15500, 15500, date(2026, 3, 19), "CHK", date(2026, 3, 19), "SBXC0006")


def test_one_ending_in_7_is_denied_with_a_status_code_the_tables_name():
    status = ask(make_276("C0007"))
    assert status.messages == ("finalized: denial: claim submitted to the incorrect payer",)
    assert status.statuses[0].paid_cents == 0 and status.payer_claim_number == "SBXC0007"


@pytest.mark.parametrize("pcn", ["C0001", "C0008", "C0009", "C000X"])
def test_any_other_claim_is_pending_in_process_with_a_sandbox_payer_claim_number(pcn):
    status = ask(make_276(pcn))
    assert status.messages == ("pending: in process: accepted for processing",)
    assert (status.patient_control_number, status.payer_claim_number) == (pcn, f"SBX{pcn}")
    assert status.statuses[0].paid_cents == 0 and status.statuses[0].effective == date(2026, 3, 21)


def test_without_a_patient_control_number_the_trace_number_decides():
    text = recount(build_276(make_document(), "T0006", Parties("ZZ", "REVCYCLE", "ZZ", "SANDBOXCH"),
                             ControlNumbers(1, 2, 3), usage="T", created=datetime(2026, 3, 20))
                   .replace("REF*EJ*C0001~", ""))
    [status] = parse_277(payer.inquire(text))
    assert status.patient_control_number == "" and status.statuses[0].check_number == "SBXT0006"


def test_a_dependents_claim_is_answered_at_the_dependent_level():
    text_277 = payer.inquire(make_276("C0006", patient=CHILD))
    body = read_interchange(text_277).groups[0].transactions[0].body
    dependent = next(i for i, s in enumerate(body) if s.id == "HL" and s.element(3) == "23")
    assert [s.id + s.element(1) for s in body[dependent + 1:dependent + 3]] == ["NM1QC", "TRN2"]
    assert parse_277(text_277)[0].statuses[0].paid_cents == 15500


def test_the_277_mirrors_the_276s_envelope():
    read = read_interchange(payer.inquire(make_276().replace("*T*:~", "*P*:~")))
    assert (read.sender, read.receiver, read.usage, read.control_number) == (
        ("ZZ", "SANDBOXCH"), ("ZZ", "REVCYCLE"), "P", "000000041")


def test_a_276_that_breaks_the_rules_is_refused_without_echoing_it():
    broken = make_276().replace("DMG*D8*19660606*M", "DMG*D8*19660606*Q")
    with pytest.raises(ClearinghouseRejected, match="DMG03") as raised:
        payer.inquire(broken)
    assert raised.value.status == 400 and "19660606" not in str(raised.value) and "Chen" not in str(raised.value)


def test_a_third_party_276_gets_each_claim_answered_by_the_rules():
    claims = parse_277(payer.inquire(sample("LinuxForHealth-x12/claim-level-status.276")))
    by_number = {c.patient_control_number: c.statuses[0] for c in claims}
    assert by_number["SM123456"].paid_cents == 851388  # ends in 6: paid its AMT*T3
    assert by_number["J0234567"].statuses[0].category == "F2"  # ends in 7
    assert by_number["MA345678"].statuses[0].category == "P1"  # ends in 8: the default here
