"""837P (005010X222A1): the segments written, pyx12's verdict on them, and a round trip through read_837."""
import dataclasses
import re
from datetime import date

import pytest

from chalicelib.edi.claim.document import Address, Line, Provider
from chalicelib.edi.claim.reader import read_837
from chalicelib.edi.claim.values import amount
from chalicelib.edi.claim.writer import write_837
from chalicelib.edi.x12 import X12Error, read_interchange
from tests.claims_factory import (
    BILLING,
    CHILD,
    CONTROLS,
    CREATED,
    DAY,
    OTHER_BILLING,
    REFERRING,
    SUBSCRIBER,
    make_batch,
    make_claims,
    make_document,
    make_lines,
    write,
)
from tests.x12_validate import pyx12_errors


def body(text: str) -> list[str]:
    """The segments between ST and SE of a one-transaction interchange."""
    return text.split("~")[3:-4]


def test_a_plain_claim_has_the_guides_loops_in_order_and_pyx12_finds_no_error():
    text = write([make_document()])
    assert body(text) == [
        "BHT*0019*00*B0001*20260311*0930*CH",
        "NM1*41*2*Revcycle Billing*****46*REVCYCLE01", "PER*IC*Billing Office*TE*2175550100",
        "NM1*40*2*Sandbox Clearinghouse*****46*SANDBOXCH",
        "HL*1**20*1", "PRV*BI*PXC*207Q00000X", "NM1*85*2*Springfield Family Medicine*****XX*1245319599",
        "N3*100 Main St", "N4*Springfield*IL*627011234", "REF*EI*123456789",
        "HL*2*1*22*0", "SBR*P*18*GRP001******CI", "NM1*IL*1*Chen*Lu****MI*W123456789", "N3*8 Elm St",
        "N4*Springfield*IL*62704", "DMG*D8*19660606*M", "NM1*PR*2*Aetna*****PI*60054",
        "CLM*C0001*155***11:B:1*Y*A*Y*Y", "HI*ABK:E119*ABF:I10",
        "NM1*82*1*Lee*Sam****XX*1679576722", "PRV*PE*PXC*207Q00000X",
        "LX*1", "SV1*HC:99213:25*125*UN*1***1:2", "DTP*472*D8*20260310", "REF*6R*L1",
        "LX*2", "SV1*HC:82962*30*UN*2***1", "DTP*472*D8*20260310", "REF*6R*L2"]
    assert pyx12_errors(text) == []


def test_the_envelope_is_an_hc_group_for_005010x222a1_between_submitter_and_receiver():
    read = read_interchange(write([make_document()], usage="P"))
    group = read.groups[0]
    assert (read.usage, read.sender, read.receiver) == ("P", ("ZZ", "REVCYCLE01"), ("ZZ", "SANDBOXCH"))
    assert (group.functional_id, group.version, group.transactions[0].convention) == ("HC", "005010X222A1",
                                                                                      "005010X222A1")
    assert (read.control_number, group.control_number, group.transactions[0].control_number) == (
        "000000501", "502", "0503")


def test_a_patient_who_is_not_the_subscriber_gets_a_2000c_level_and_sbr02_stays_empty():
    text = write([make_document(patient=CHILD)])
    lines = body(text)
    start = lines.index("HL*2*1*22*1")
    assert lines[start:start + 10] == [
        "HL*2*1*22*1", "SBR*P**GRP001******CI", "NM1*IL*1*Chen*Lu****MI*W123456789",
        "NM1*PR*2*Aetna*****PI*60054", "HL*3*2*23*0", "PAT*19", "NM1*QC*1*Chen*Mia", "N3*8 Elm St",
        "N4*Springfield*IL*62704", "DMG*D8*20150203*F"]
    assert pyx12_errors(text) == []


def test_a_pay_to_address_adds_loop_2010ab_after_the_billing_provider():
    text = write([make_document(pay_to=Address("PO Box 77", "Springfield", "IL", "62705"))])
    lines = body(text)
    at = lines.index("REF*EI*123456789")
    assert lines[at + 1:at + 4] == ["NM1*87*2", "N3*PO Box 77", "N4*Springfield*IL*62705"]
    assert pyx12_errors(text) == []


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_replacements_and_voids_name_the_payers_claim_control_number(frequency):
    text = write([make_document(frequency_code=frequency, payer_claim_control_number="PCN998877")])
    lines = body(text)
    assert f"CLM*C0001*155***11:B:{frequency}*Y*A*Y*Y" in lines and "REF*F8*PCN998877" in lines
    assert pyx12_errors(text) == []


def test_a_replacement_without_the_payers_claim_control_number_is_refused():
    with pytest.raises(X12Error, match="claim 01JCLAIM: payer_claim_control_number"):
        write([make_document(frequency_code="7")])


def test_prior_authorization_referral_and_referring_provider_are_written_in_the_guides_order():
    text = write([make_document(prior_authorization="AUTH123", referral_number="REF456", referring=REFERRING)])
    lines = body(text)
    clm = lines.index("CLM*C0001*155***11:B:1*Y*A*Y*Y")
    assert lines[clm + 1:clm + 6] == ["REF*9F*REF456", "REF*G1*AUTH123", "HI*ABK:E119*ABF:I10",
                                      "NM1*DN*1*Ng*Ada****XX*1987654328", "NM1*82*1*Lee*Sam****XX*1679576722"]
    assert pyx12_errors(text) == []


def test_the_rendering_loop_is_left_out_when_the_billing_provider_rendered_the_service():
    solo = Provider("individual", "1679576722", "Lee", "Sam", taxonomy_code="207Q00000X", tax_id="123456789",
                    address=BILLING.address)
    lines = body(write([make_document(billing=solo)]))
    assert "NM1*85*1*Lee*Sam****XX*1679576722" in lines
    assert not any(line.startswith(("NM1*82", "PRV*PE")) for line in lines)


def test_twelve_diagnoses_fill_one_hi_segment_and_a_thirteenth_is_refused():
    codes = ("E119", "I10", "E785", "J449", "K219", "M545", "N390", "R51", "Z0000", "F329", "G4733", "E6601")
    text = write([make_document(diagnoses=codes)])
    assert "HI*ABK:E119*" + "*".join(f"ABF:{c}" for c in codes[1:]) in body(text)
    assert pyx12_errors(text) == []
    with pytest.raises(X12Error, match="diagnoses"):
        write([make_document(diagnoses=codes + ("E039",))])


def test_fifty_lines_validate_and_a_fifty_first_is_refused():
    text = write([make_document(lines=make_lines(50))])
    assert sum(line.startswith("SV1*") for line in body(text)) == 50
    assert pyx12_errors(text) == []
    with pytest.raises(X12Error, match="lines"):
        write([make_document(lines=make_lines(51))])


def test_three_hundred_claims_of_two_billing_providers_share_two_2000a_levels_in_one_interchange():
    documents = make_claims(150) + make_claims(150, billing=OTHER_BILLING)
    documents = [d for pair in zip(documents[:150], documents[150:]) for d in pair]  # interleaved providers
    text = write(documents)
    read = read_interchange(text)
    hl = [s for s in read.groups[0].transactions[0].body if s.id == "HL"]
    providers = [s for s in hl if s.element(3) == "20"]
    assert [s.elements for s in providers] == [("1", "", "20", "1"), ("152", "", "20", "1")]
    assert [s.element(1) for s in hl] == [str(n) for n in range(1, 303)]  # HL01 counts up without a gap
    assert all(s.element(2) == ("1" if int(s.element(1)) < 152 else "152") for s in hl if s.element(3) == "22")
    assert [c.billing_npi for c in read_837(text)] == [BILLING.npi] * 150 + [OTHER_BILLING.npi] * 150
    assert pyx12_errors(text) == []


def test_a_batch_over_the_transaction_limit_is_split_into_several_st_in_one_group():
    text = write(make_claims(5), claims_per_transaction=2)
    group = read_interchange(text).groups[0]
    assert [t.control_number for t in group.transactions] == ["0503", "0504", "0505"]
    assert [sum(s.id == "CLM" for s in t.body) for t in group.transactions] == [2, 2, 1]
    assert all(t.body[0].element(3) == "B0001" and t.body[4].elements == ("1", "", "20", "1")
               for t in group.transactions)  # each set has the whole header and numbers its HLs from 1
    assert pyx12_errors(text) == []


def test_no_transaction_set_may_hold_more_than_5000_claims():
    with pytest.raises(X12Error, match="claims_per_transaction"):
        write([make_document()], claims_per_transaction=5001)


@pytest.mark.parametrize("cents, written", [(0, "0"), (1, ".01"), (10, ".1"), (105, "1.05"), (12500, "125"),
                                            (12550, "125.5"), (99999999, "999999.99"), (-1, "-.01"), (-12550, "-125.5"),
                                            (9999999999, "99999999.99")])
def test_amounts_are_written_from_cents_exactly_without_needless_zeros(cents, written):
    assert amount(cents) == written


def test_one_cent_and_99999999_cents_are_written_and_read_back_exactly():
    lines = (Line(1, "99213", 1, 1, DAY, (1,), control_number="L1"),
             Line(2, "99214", 99999998, 1, DAY, (1,), control_number="L2"))
    text = write([make_document(lines=lines, total_charge_cents=99999999)])
    assert "CLM*C0001*999999.99***11:B:1*Y*A*Y*Y" in body(text)
    (claim,) = read_837(text)
    assert (claim.total_charge_cents, [line.charge_cents for line in claim.lines]) == (99999999, [1, 99999998])
    assert pyx12_errors(text) == []


def test_an_amount_past_the_guides_ten_digits_is_refused():
    lines = (Line(1, "99213", 10**10, 1, DAY, (1,)),)
    with pytest.raises(X12Error, match="charge_cents"):
        write([make_document(lines=lines, total_charge_cents=10**10)])


def test_a_name_holding_a_delimiter_is_refused_naming_the_claim_but_never_the_name():
    person = dataclasses.replace(CHILD.person, last_name="O*Brien")
    with pytest.raises(X12Error, match=r"claim 01JCLAIM: NM103 contains a delimiter") as raised:
        write([make_document(patient=dataclasses.replace(CHILD, person=person))])
    assert "Brien" not in str(raised.value)


@pytest.mark.parametrize("change, field", [
    ({"billing": dataclasses.replace(BILLING, npi="1245319590")}, "billing.npi"),
    ({"billing": dataclasses.replace(BILLING, address=Address("1 A St", "Springfield", "IL", "62701"))},
     "billing.address.zip"),
    ({"billing": dataclasses.replace(BILLING, tax_id="12-3456789")}, "billing.tax_id"),
    ({"patient_control_number": "C" * 21}, "patient_control_number"),
    ({"total_charge_cents": 15600}, "total_charge_cents"),
    ({"diagnoses": ("E11.9",)}, "diagnoses"),
    ({"lines": (Line(1, "99213", 100, 1, DAY, (3,)),), "total_charge_cents": 100}, r"line 1\.diagnosis_pointers"),
    ({"lines": (Line(2, "99213", 100, 1, DAY, (1,)),), "total_charge_cents": 100}, r"lines\.number"),
    ({"lines": (Line(1, "99213", 100, 0, DAY, (1,)),), "total_charge_cents": 100}, r"line 1\.units"),
    ({"lines": (Line(1, "9921", 100, 1, DAY, (1,)),), "total_charge_cents": 100}, r"line 1\.procedure_code"),
    ({"place_of_service": "1"}, "place_of_service"),
    ({"referring": dataclasses.replace(REFERRING, entity_type="organization")}, r"referring\.entity_type"),
    ({"patient": dataclasses.replace(CHILD, relationship="18")}, r"patient\.relationship"),
    ({"subscriber": dataclasses.replace(SUBSCRIBER, member_id="W")}, r"subscriber\.member_id"),
    ({"claim_type": "institutional"}, r"claim\.claim_type"),
])
def test_fields_that_break_the_guide_are_named(change, field):
    with pytest.raises(X12Error, match=f"claim 01JCLAIM: {field}"):
        write([make_document(**change)])


def test_a_batch_without_a_submitter_phone_is_refused():
    batch = make_batch([make_document()])
    batch = dataclasses.replace(batch, submitter=dataclasses.replace(batch.submitter, contact_phone=""))
    with pytest.raises(X12Error, match="submitter.contact_phone"):
        write_837(batch, CONTROLS, usage="T", created=CREATED)


def expected_facts(document) -> tuple:
    claim = document.claim
    lines = [(line.number, line.procedure_code, line.modifiers, line.units, line.charge_cents, line.service_date,
              line.diagnosis_pointers, line.control_number) for line in claim.lines]
    return (document.billing.npi, document.payer.payer_id, document.subscriber.member_id, document.patient is None,
            claim.patient_control_number, claim.total_charge_cents, claim.place_of_service, claim.frequency_code,
            claim.diagnoses, claim.payer_claim_control_number, claim.prior_authorization, claim.referral_number,
            lines)


def read_facts(claim) -> tuple:
    lines = [(line.number, line.procedure_code, line.modifiers, line.units, line.charge_cents, line.service_date,
              line.diagnosis_pointers, line.control_number) for line in claim.lines]
    return (claim.billing_npi, claim.payer_id, claim.member_id, claim.patient_is_subscriber,
            claim.patient_control_number, claim.total_charge_cents, claim.facility_code, claim.frequency_code,
            claim.diagnoses, claim.payer_claim_control_number, claim.prior_authorization, claim.referral_number,
            lines)


def test_read_837_gives_back_the_facts_write_837_wrote():
    documents = [make_document(claim_id="A", patient_control_number="CA"),
                 make_document(claim_id="B", patient_control_number="CB", patient=CHILD, prior_authorization="AU1",
                               referral_number="RF2", lines=make_lines(3, date(2026, 2, 27))),
                 make_document(claim_id="C", patient_control_number="CC", frequency_code="7",
                               payer_claim_control_number="PAYER77", diagnoses=("S0990XA", "W01XXXA", "Y92009")),
                 make_document(claim_id="D", patient_control_number="CD", billing=OTHER_BILLING)]
    claims = read_837(write(documents))
    assert [read_facts(c) for c in claims] == [expected_facts(d) for d in documents]
    assert [c.patient_relationship for c in claims] == ["18", "19", "18", "18"]
    assert {(c.convention, c.facility_qualifier, c.set_control_number) for c in claims} == {
        ("005010X222A1", "B", "0503")}


def test_read_837_names_the_payer_the_billing_provider_and_the_patient_and_keeps_names_out_of_repr():
    documents = [make_document(claim_id="A", patient_control_number="CA"),
                 make_document(claim_id="B", patient_control_number="CB", patient=CHILD, billing=OTHER_BILLING)]
    subscriber, dependent = read_837(write(documents))
    assert (subscriber.payer_name, subscriber.billing_name, subscriber.billing_tax_id) == (
        "Aetna", "Springfield Family Medicine", "123456789")
    assert (subscriber.patient_last_name, subscriber.patient_first_name) == ("Chen", "Lu")
    assert (dependent.patient_first_name, dependent.billing_name, dependent.billing_tax_id) == (
        "Mia", "Lakeside Clinic", "987654321")
    assert "Mia" not in repr(dependent) and "Chen" not in repr(dependent)


def test_pyx12_reports_a_missing_billing_provider_name_a_bad_se_count_and_a_claim_without_diagnoses():
    text = write([make_document()])

    def recount(broken: str) -> str:
        count = len(body(broken)) + 2
        return re.sub(r"SE\*\d+\*", f"SE*{count}*", broken)

    no_billing_name = recount(re.sub(r"NM1\*85\*[^~]*~", "", text))
    assert any("2010AA" in error for error in pyx12_errors(no_billing_name))
    assert any("SE count" in error for error in pyx12_errors(text.replace("SE*31*", "SE*30*")))
    assert any("(HI) missing" in error for error in pyx12_errors(recount(re.sub(r"HI\*[^~]*~", "", text))))
