"""837I (005010X223A2): the segments written, pyx12's verdict on them, and a round trip through read_837."""
import dataclasses
from decimal import Decimal

import pytest

from chalicelib.edi.claim.document import Line, Provider
from chalicelib.edi.claim.reader import read_837
from chalicelib.edi.x12 import X12Error, read_interchange
from tests.claims_factory import (
    BILLING,
    CHILD,
    DAY,
    REFERRING,
    make_claims,
    make_document,
    make_inpatient,
    make_institutional,
    write,
)
from tests.x12_validate import pyx12_errors


def body(text: str) -> list[str]:
    return text.split("~")[3:-4]


def claim_segments(text: str) -> list[str]:
    lines = body(text)
    return lines[next(n for n, line in enumerate(lines) if line.startswith("CLM*")):]


def institutional(documents, **options) -> str:
    return write(documents, "institutional", **options)


def test_an_outpatient_claim_has_the_guides_loop_2300_in_order_and_pyx12_finds_no_error():
    text = institutional([make_institutional()])
    assert claim_segments(text) == [
        "CLM*C0001*565***13:A:1**A*Y*Y", "DTP*434*RD8*20260310-20260310", "DTP*435*DT*202603100900", "CL1*1*1*01",
        "HI*ABK:E119", "HI*ABF:I10", "NM1*71*1*Lee*Sam****XX*1679576722", "PRV*AT*PXC*207P00000X",
        "LX*1", "SV2*0300*HC:85025*45*UN*1", "DTP*472*D8*20260310", "REF*6R*L1",
        "LX*2", "SV2*0450*HC:99283*520*UN*1", "DTP*472*D8*20260310", "REF*6R*L2"]
    group = read_interchange(text).groups[0]
    assert (group.functional_id, group.version, group.transactions[0].convention) == ("HC", "005010X223A2",
                                                                                      "005010X223A2")
    assert pyx12_errors(text) == []


def test_an_inpatient_claim_carries_admission_discharge_hour_attending_and_admitting_diagnosis():
    text = institutional([make_inpatient()])
    assert claim_segments(text)[:10] == [
        "CLM*C0001*2445***11:A:1**A*Y*Y", "DTP*096*TM*1400", "DTP*434*RD8*20260308-20260310",
        "DTP*435*DT*202603080900", "CL1*1*7*01", "HI*ABK:I214", "HI*ABJ:R079", "HI*ABF:E119",
        "NM1*71*1*Lee*Sam****XX*1679576722", "PRV*AT*PXC*207RC0000X"]
    assert "SV2*0120**2400*UN*2" in claim_segments(text)  # room and board: revenue code alone
    assert pyx12_errors(text) == []


def test_an_admission_without_an_hour_is_a_d8_date():
    facts = dataclasses.replace(make_inpatient().claim.institutional, admission_hour=None)
    assert "DTP*435*D8*20260308" in body(institutional([make_inpatient(institutional=facts)]))


def test_twenty_five_diagnoses_make_a_principal_and_two_hi_segments_of_twelve_others():
    codes = tuple(f"E{n:03d}" for n in range(100, 125))
    text = institutional([make_institutional(diagnoses=codes)])
    hi = [line for line in body(text) if line.startswith("HI*")]
    assert hi == ["HI*ABK:E100", "HI*" + "*".join(f"ABF:E{n}" for n in range(101, 113)),
                  "HI*" + "*".join(f"ABF:E{n}" for n in range(113, 125))]
    assert pyx12_errors(text) == []
    with pytest.raises(X12Error, match="diagnoses"):
        institutional([make_institutional(diagnoses=codes + ("E125",))])


def test_a_replacement_takes_its_frequency_from_the_type_of_bill_and_names_the_payers_claim():
    facts = dataclasses.replace(make_institutional().claim.institutional, type_of_bill="137")
    text = institutional([make_institutional(institutional=facts, frequency_code="7",
                                             payer_claim_control_number="PAYER42", prior_authorization="AU9")])
    assert claim_segments(text)[0] == "CLM*C0001*565***13:A:7**A*Y*Y"
    assert ["REF*G1*AU9", "REF*F8*PAYER42"] == [line for line in body(text) if line.startswith("REF*") and
                                                not line.startswith(("REF*EI", "REF*6R"))]
    assert pyx12_errors(text) == []


def test_a_referring_provider_follows_the_attending_in_loop_2310f_and_a_patient_gets_2000c():
    text = institutional([make_institutional(referring=REFERRING, patient=CHILD)])
    lines = body(text)
    at = lines.index("PRV*AT*PXC*207P00000X")
    assert lines[at + 1] == "NM1*DN*1*Ng*Ada****XX*1987654328"
    assert "HL*3*2*23*0" in lines and "PAT*19" in lines
    assert pyx12_errors(text) == []


@pytest.mark.parametrize("change, field", [
    ({"frequency_code": "7", "payer_claim_control_number": "P1"}, "frequency_code"),
    ({"institutional": None}, "institutional"),
    ({"billing": dataclasses.replace(BILLING, entity_type="individual", first_name="Sam")}, r"billing\.entity_type"),
    ({"institutional": "no admission date"}, r"institutional\.admission_date"),
    ({"institutional": "admission hour 24"}, r"institutional\.admission_hour"),
    ({"institutional": "no patient status"}, r"institutional\.patient_status"),
    ({"institutional": "organization attending"}, r"attending\.entity_type"),
    ({"lines": (Line(1, "", 100, 1, DAY, revenue_code="300"),), "total_charge_cents": 100}, r"line 1\.revenue_code"),
    ({"lines": (Line(1, "", 100, 1, DAY, modifiers=("25",), revenue_code="0300"),), "total_charge_cents": 100},
     r"line 1\.procedure_code"),
])
def test_fields_that_break_the_guide_are_named(change, field):
    facts = make_inpatient().claim.institutional
    broken = {"no admission date": dataclasses.replace(facts, admission_date=None, admission_hour=None),
              "admission hour 24": dataclasses.replace(facts, admission_hour=24),
              "no patient status": dataclasses.replace(facts, patient_status=""),
              "organization attending": dataclasses.replace(facts, attending=Provider(
                  "organization", "1679576722", "Lee Group"))}
    if isinstance(change.get("institutional"), str):
        change = {"institutional": broken[change["institutional"]]}
    with pytest.raises(X12Error, match=f"claim 01JCLAIM: {field}"):
        institutional([make_inpatient(**change)])


def test_a_professional_claim_cannot_go_in_an_institutional_batch():
    with pytest.raises(X12Error, match=r"claim\.claim_type"):
        institutional([make_document()])


def test_read_837_gives_back_the_facts_write_837_wrote():
    documents = [make_institutional(claim_id="A", patient_control_number="IA"),
                 make_inpatient(claim_id="B", patient_control_number="IB", patient=CHILD, referral_number="R7")]
    claims = read_837(institutional(documents))
    assert [(c.billing_npi, c.payer_id, c.member_id, c.patient_is_subscriber, c.patient_control_number,
             c.total_charge_cents, c.facility_code, c.facility_qualifier, c.frequency_code, c.diagnoses,
             c.admitting_diagnosis, c.referral_number, c.statement_from, c.statement_to) for c in claims] == [
        ("1245319599", "60054", "W123456789", True, "IA", 56500, "13", "A", "1", ("E119", "I10"), "", "", DAY, DAY),
        ("1245319599", "60054", "W123456789", False, "IB", 244500, "11", "A", "1", ("I214", "E119"), "R079", "R7",
         documents[1].claim.institutional.statement_from, DAY)]
    assert [[(line.revenue_code, line.procedure_code, line.units, line.charge_cents, line.service_date,
              line.control_number) for line in c.lines] for c in claims] == [
        [(line.revenue_code, line.procedure_code, Decimal(line.units), line.charge_cents, line.service_date,
          line.control_number) for line in d.claim.lines] for d in documents]


def test_two_hundred_outpatient_claims_validate_in_one_transaction_set():
    text = institutional(make_claims(200, maker=make_institutional))
    assert len(read_837(text)) == 200
    assert pyx12_errors(text) == []
