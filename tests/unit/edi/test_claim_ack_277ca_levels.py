"""Statuses above the claims in a 277CA (005010X214): the information receiver (2200B, the whole batch) and the
billing provider (2200C), built for the sandbox, read from our fixtures, each valid X214 for pyx12."""
import dataclasses

import pytest

from chalicelib.edi.acks.ack_277ca import Decision, LevelAck, StatusInfo, read_277ca
from chalicelib.edi.acks.build_277ca import RECEIVED
from chalicelib.edi.acks.codes_277ca import Status
from chalicelib.edi.x12.segments import X12Error
from tests.claims_factory import OTHER_BILLING, make_claims, write
from tests.unit.edi.test_claim_ack_277ca import build, segments_of
from tests.x12_fixtures import FIXTURES, placeholders, x12_fixture
from tests.x12_validate import pyx12_errors

NOT_APPROVED_SUBMITTER = Status("A3", "24", "41")
NOT_APPROVED_PROVIDER = Status("A3", "25", "85")
SAMPLE_FILLING = {"BATCH": "01JEXAMPLEBATCH00000000000", "NPI": "1245319599", "PCN1": "000000001",
                  "SERVICE_DATE": "20261201"}


def two_providers() -> str:
    """An 837 of three claims: two of the practice's billing provider, one of another (Lakeside, 1234567893)."""
    first, second, third = make_claims(3)
    return write([first, second, dataclasses.replace(third, billing=OTHER_BILLING)])


def test_a_277ca_refusing_the_whole_batch_is_valid_x214_and_counts_every_claim_rejected():
    text = build(two_providers(), {n: Decision((RECEIVED,)) for n in ("C00001", "C00002", "C00003")},
                 receiver=(NOT_APPROVED_SUBMITTER,))
    assert pyx12_errors(text) == []
    found = segments_of(text)
    assert "STC*A3:24:41*20260311*U*465" in found and "QTY*AA*3" in found and "QTY*90*3" not in found
    ack = read_277ca(text)
    [batch] = [level for level in ack.levels if level.level == "2000B"]
    assert batch.rejected and batch.batch_reference == "B0001"  # the 837's BHT03
    assert [c.accepted for c in ack.claims] == [False, False, False]
    assert all(c.messages[0].startswith("whole batch (information receiver, 2000B): returned as unprocessable")
               for c in ack.claims)


def test_a_277ca_refusing_one_billing_provider_is_valid_x214_and_rejects_only_its_claims():
    text = build(two_providers(), {n: Decision() for n in ("C00001", "C00002", "C00003")},
                 providers={"1234567893": (NOT_APPROVED_PROVIDER,)})
    assert pyx12_errors(text) == []
    assert "STC*A3:25:85**U*155" in segments_of(text)
    ack = read_277ca(text)
    assert {c.patient_control_number: c.accepted for c in ack.claims} == {"C00001": True, "C00002": True,
                                                                         "C00003": False}
    [refused] = [level for level in ack.levels if level.rejected]
    assert (refused.level, refused.batch_reference, refused.provider_qualifier, refused.provider_id) == (
        "2000C", "B0001", "XX", "1234567893")


def test_acceptance_at_the_batch_and_provider_levels_leaves_each_claim_its_own_answer():
    text = build(write(make_claims(2)), {"C00001": Decision(), "C00002": Decision((Status("A7", "562", "85"),))})
    ack = read_277ca(text)
    assert [level.rejected for level in ack.levels] == [False, False]
    assert [c.accepted for c in ack.claims] == [True, False]
    assert all(not m.startswith(("whole batch", "billing provider")) for c in ack.claims for m in c.messages)


def test_the_batch_and_each_provider_take_at_least_one_status():
    with pytest.raises(X12Error, match="at least one status"):
        build(write(make_claims(1)), {"C00001": Decision()}, receiver=())


@pytest.mark.parametrize("qualifier, identifier, covered", [
    ("XX", "1245319599", True), ("FI", "123456789", True), ("XX", "1234567893", False), ("FI", "1245319599", False),
    ("SV", "1245319599", False)])
def test_a_provider_level_covers_the_claims_of_its_npi_or_tax_id(qualifier, identifier, covered):
    level = LevelAck("2000C", "B1", (StatusInfo((NOT_APPROVED_PROVIDER,), None, "U", None),), qualifier, identifier)
    assert level.covers("1245319599", "123456789") is covered
    assert LevelAck("2000B", "B1", ()).covers("1234567893", "987654321")


TEMPLATES = sorted(p.name for p in FIXTURES.glob("277ca-*.x12"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_277ca_fixture_is_valid_x214_for_pyx12(name):
    text = x12_fixture(name, **{k: SAMPLE_FILLING[k] for k in placeholders(name)})
    errors = pyx12_errors(text)
    if name == "277ca-batch-rejected-alone.x12":
        # As real feeds send "unknown submitter": the receiver level alone (HL04 0, which the guide allows for
        # 2000B). pyx12's map makes 2000C mandatory, stricter than the guide, and says only that.
        assert len(errors) == 1 and 'Mandatory loop "Billing Provider of Service Level" (2000C) missing' in errors[0]
    else:
        assert errors == []
    assert read_277ca(text).levels[0].batch_reference == SAMPLE_FILLING["BATCH"]


@pytest.mark.parametrize("name, refused", [
    ("277ca-batch-rejected.x12", "2000B"), ("277ca-batch-rejected-alone.x12", "2000B"),
    ("277ca-provider-rejected.x12", "2000C"), ("277ca-levels-accepted.x12", None)])
def test_each_277ca_fixture_refuses_at_the_level_its_name_says(name, refused):
    ack = read_277ca(x12_fixture(name, **{k: SAMPLE_FILLING[k] for k in placeholders(name)}))
    assert [level.level for level in ack.levels if level.rejected] == ([refused] if refused else [])
    assert all(c.accepted is (refused is None) for c in ack.claims)
