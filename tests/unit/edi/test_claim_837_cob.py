"""Secondary and tertiary claims in the 837P and 837I: the earlier payers' adjudication in loops 2320, 2330A,
2330B and 2430 (edi/claim/coordination.py), the guides' balancing checked, and pyx12's verdict on both."""
import dataclasses
from datetime import date

import pytest

from chalicelib.edi.claim.coordination import adjustment_segments
from chalicelib.edi.claim.reader import read_837
from chalicelib.edi.claim.document import Adjustment, LineAdjudication, OtherPayer, Payer
from chalicelib.edi.claim.writer import render
from chalicelib.edi.x12 import X12Error
from tests.claims_factory import CHILD, make_document, make_institutional, write
from tests.x12_validate import pyx12_errors

PAID_ON = date(2026, 4, 2)
PRIMARY = Payer("Aetna", "60054")
SECONDARY = Payer("Cigna", "62308")


def adjudicated(document, lines, claim_adjustments=(), payer=PRIMARY, responsibility="P", number="AET991"):
    """`document` billed to the next payer, carrying `payer`'s adjudication: `lines` maps our line number to its
    adjustments, and each line is paid its charge less them (the guides' balancing)."""
    charges = {line.number: line for line in document.claim.lines}
    line_adjudications = tuple(
        LineAdjudication(n, charges[n].charge_cents - sum(a.amount_cents for a in adjustments),
                         charges[n].procedure_code, str(charges[n].units), PAID_ON, charges[n].modifiers,
                         charges[n].revenue_code, adjustments,
                         sum(a.amount_cents for a in adjustments if a.group == "PR"))
        for n, adjustments in lines.items())
    paid = sum(line.paid_cents for line in line_adjudications) - sum(a.amount_cents for a in claim_adjustments)
    other = OtherPayer(payer, dataclasses.replace(document.subscriber, payer_responsibility=responsibility),
                       "18" if document.patient is None else document.patient.relationship, paid, PAID_ON,
                       tuple(claim_adjustments), line_adjudications, payer_claim_control_number=number)
    billed = "S" if responsibility == "P" else "T"
    return dataclasses.replace(document, payer=SECONDARY if billed == "S" else Payer("Humana", "61101"),
                               subscriber=dataclasses.replace(document.subscriber, payer_responsibility=billed),
                               other_payers=document.other_payers + (other,))


def professional_secondary(**overrides):
    return adjudicated(make_document(**overrides), {
        1: (Adjustment("CO", "45", 2500), Adjustment("PR", "1", 2000), Adjustment("PR", "2", 1000)),
        2: (Adjustment("CO", "45", 1000), Adjustment("PR", "3", 500, "1"))}, [Adjustment("OA", "23", 300)])


def institutional_secondary():
    return adjudicated(make_institutional(), {
        1: (Adjustment("CO", "45", 500), Adjustment("PR", "2", 800)),
        2: (Adjustment("CO", "45", 12000), Adjustment("PR", "1", 10000), Adjustment("PR", "2", 3000))},
        [Adjustment("PI", "94", 100)])


def claim_part(text):
    segments = text.split("~")
    return segments[next(n for n, s in enumerate(segments) if s.startswith("CLM*")):-4]


def test_a_secondary_professional_claim_carries_the_primarys_adjudication_in_the_guides_order():
    segments = claim_part(write([professional_secondary()]))
    cob = segments[segments.index("SBR*P*18*GRP001******CI"):]
    assert cob[:9] == [
        "SBR*P*18*GRP001******CI", "CAS*OA*23*3", "AMT*D*82", "OI***Y***Y",
        "NM1*IL*1*Chen*Lu****MI*W123456789", "N3*8 Elm St", "N4*Springfield*IL*62704",
        "NM1*PR*2*Aetna*****PI*60054", "REF*F8*AET991"]
    assert cob[9] == "LX*1"


def test_the_subscriber_level_bills_the_secondary_payer_as_s():
    text = write([professional_secondary()])
    assert "SBR*S*18*GRP001******CI" in text.split("~") and "NM1*PR*2*Cigna*****PI*62308" in text.split("~")


def test_each_line_ends_with_its_2430_svd_cas_date_and_remaining_liability():
    segments = claim_part(write([professional_secondary()]))
    second = segments[segments.index("LX*2"):]
    assert second[-5:] == ["SVD*60054*15*HC:82962**2", "CAS*CO*45*10", "CAS*PR*3*5*1", "DTP*573*D8*20260402",
                           "AMT*EAF*5"]
    first = segments[segments.index("LX*1"):segments.index("LX*2")]
    assert first[-5:] == ["SVD*60054*70*HC:99213:25**1", "CAS*CO*45*25", "CAS*PR*1*20**2*10",
                          "DTP*573*D8*20260402", "AMT*EAF*30"]


def test_a_professional_secondary_with_two_lines_and_claim_and_line_adjustments_passes_pyx12():
    assert pyx12_errors(write([professional_secondary()])) == []


def test_a_secondary_for_a_dependent_names_the_relationship_to_the_other_subscriber_and_passes_pyx12():
    text = write([professional_secondary(patient=CHILD)])
    assert "SBR*P*19*GRP001******CI" in text.split("~")
    assert pyx12_errors(text) == []


def test_an_institutional_secondary_passes_pyx12_with_revenue_codes_in_svd04():
    text = write([institutional_secondary()], "institutional")
    assert "SVD*60054*32*HC:85025*0300*1" in text.split("~")
    assert "CAS*PI*94*1" in text.split("~")
    assert pyx12_errors(text) == []


def test_a_tertiary_claim_carries_the_primary_and_the_secondary_and_passes_pyx12():
    secondary = professional_secondary()
    tertiary = adjudicated(secondary, {1: (Adjustment("PR", "1", 2000), Adjustment("CO", "45", 5500)),
                                       2: (Adjustment("CO", "45", 2500), Adjustment("PR", "3", 500))},
                           payer=SECONDARY, responsibility="S", number="CIG55")
    segments = write([tertiary]).split("~")
    assert "SBR*T*18*GRP001******CI" in segments
    assert [s for s in segments if s.startswith("SBR*")] == [
        "SBR*T*18*GRP001******CI", "SBR*P*18*GRP001******CI", "SBR*S*18*GRP001******CI"]
    assert [s[:9] for s in segments if s.startswith("SVD*")] == ["SVD*60054", "SVD*62308", "SVD*60054", "SVD*62308"]
    assert pyx12_errors("~".join(segments)) == []


def test_without_lines_the_claim_level_carries_the_date_and_the_remaining_liability():
    document = professional_secondary()
    other = dataclasses.replace(document.other_payers[0], lines=(), adjustments=(Adjustment("CO", "45", 3500),
                                Adjustment("PR", "1", 4000)), paid_cents=8000, remaining_liability_cents=4000)
    text = write([dataclasses.replace(document, other_payers=(other,))])
    segments = text.split("~")
    assert "AMT*EAF*40" in segments and "DTP*573*D8*20260402" in segments and not any(
        s.startswith("SVD") for s in segments)
    assert pyx12_errors(text) == []


def test_adjustments_are_grouped_one_cas_per_group_with_a_repeated_reason_added():
    assert [*map(list, adjustment_segments((Adjustment("PR", "2", 100), Adjustment("CO", "45", 50),
                                            Adjustment("PR", "1", 70), Adjustment("PR", "2", 30))))] == [
        ["CAS", "CO", "45", ".5", ""], ["CAS", "PR", "2", "1.3", "", "1", ".7", ""]]


def test_zero_adjustments_are_left_out_as_the_cas_notes_ask():
    assert [*map(list, adjustment_segments((Adjustment("OA", "94", 0), Adjustment("PR", "2", 100),
                                            Adjustment("PR", "3", 0))))] == [["CAS", "PR", "2", "1", ""]]


def test_a_line_that_does_not_balance_is_refused_naming_the_field():
    document = professional_secondary()
    other = document.other_payers[0]
    short = dataclasses.replace(other.lines[0], paid_cents=other.lines[0].paid_cents - 1)
    broken = dataclasses.replace(document, other_payers=(dataclasses.replace(other, lines=(short, other.lines[1])),))
    with pytest.raises(X12Error, match=r"other_payers\.1\.line 1\.paid_cents"):
        render(broken)


def test_a_claim_whose_paid_amount_does_not_balance_is_refused():
    document = professional_secondary()
    other = dataclasses.replace(document.other_payers[0], paid_cents=document.other_payers[0].paid_cents + 1)
    with pytest.raises(X12Error, match=r"other_payers\.1\.paid_cents"):
        render(dataclasses.replace(document, other_payers=(other,)))


def test_an_adjudication_of_only_some_lines_is_refused():
    document = professional_secondary()
    other = document.other_payers[0]
    with pytest.raises(X12Error, match=r"other_payers\.1\.lines"):
        render(dataclasses.replace(document, other_payers=(dataclasses.replace(other, lines=other.lines[:1]),)))


def test_an_earlier_payer_with_the_billed_responsibility_is_refused():
    document = professional_secondary()
    other = document.other_payers[0]
    same = dataclasses.replace(other, subscriber=dataclasses.replace(other.subscriber, payer_responsibility="S"))
    with pytest.raises(X12Error, match=r"payer_responsibility"):
        render(dataclasses.replace(document, other_payers=(same,)))


def test_more_than_six_reasons_in_one_group_are_refused():
    document = professional_secondary()
    other = document.other_payers[0]
    many = tuple(Adjustment("OA", str(n), 1) for n in range(1, 8))
    with pytest.raises(X12Error, match=r"adjustments\.OA"):
        render(dataclasses.replace(document, other_payers=(dataclasses.replace(other, adjustments=many),)))


def test_a_primary_claim_renders_exactly_as_before_without_other_payers():
    primary = make_document()
    assert render(primary) == render(dataclasses.replace(primary, other_payers=()))
    assert not any(s.startswith(("SVD", "OI", "AMT*D")) for s in render(primary).claim)


def test_a_secondary_837_reads_back_as_the_claim_billed_to_the_secondary_payer():
    document = professional_secondary()
    billed = dataclasses.replace(document, subscriber=dataclasses.replace(document.subscriber, member_id="CIG123"))
    [claim] = read_837(write([billed]))
    assert (claim.payer_id, claim.member_id, claim.total_charge_cents) == ("62308", "CIG123", 15500)
    assert [(line.procedure_code, line.charge_cents) for line in claim.lines] == [("99213", 12500), ("82962", 3000)]
