from datetime import date

import pytest

from chalicelib.edi.eligibility.inquiry import Provider, read_270
from chalicelib.edi.x12 import X12Error, read_interchange
from tests.unit.edi.factories import NPI, make_270, make_dependent, make_inquiry, make_subscriber
from tests.unit.edi.samples import read_sample, sample_params


def body(text: str) -> list[str]:
    return text.split("~")[3:-4]  # between ST and SE


def test_a_subscriber_inquiry_has_the_guides_levels_in_order():
    assert body(make_270()) == [
        "BHT*0022*13*01JDQ5ZV3W4K8T2M6N9P0R7S1A*20261123*0930",
        "HL*1**20*1", "NM1*PR*2*SANDBOX HEALTH PLAN*****PI*SBX01",
        "HL*2*1*21*1", "NM1*1P*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893",
        "HL*3*2*22*0", "TRN*1*01JDQ5ZV3W4K8T2M6N9P0R7S1A*9REVCYCLE0",
        "NM1*IL*1*LOVELACE*ADA****MI*ACT0001", "DMG*D8*19801210*F", "DTP*291*D8*20261124", "EQ*30"]


def test_a_dependent_inquiry_puts_trace_date_and_questions_at_the_dependent_level():
    lines = body(make_270(make_inquiry(dependent=make_dependent())))
    assert lines[5:] == [
        "HL*3*2*22*1", "NM1*IL*1*LOVELACE*ADA****MI*ACT0001", "DMG*D8*19801210*F",
        "HL*4*3*23*0", "TRN*1*01JDQ5ZV3W4K8T2M6N9P0R7S1A*9REVCYCLE0", "NM1*03*1*LOVELACE*BYRON",
        "DMG*D8*20160501*M", "DTP*291*D8*20261124", "EQ*30"]


def test_each_service_type_asks_in_its_own_eq_loop_and_optional_parts_can_be_left_out():
    inquiry = make_inquiry(service_types=("30", "98", "UC"), service_date=None,
                           subscriber=make_subscriber(birth_date=None),
                           provider=Provider(NPI, last_name="HOPPER", first_name="GRACE"))
    lines = body(make_270(inquiry))
    assert lines[-3:] == ["EQ*30", "EQ*98", "EQ*UC"]
    assert "NM1*1P*1*HOPPER*GRACE****XX*1234567893" in lines
    assert not any(line.startswith(("DMG", "DTP")) for line in lines)


def test_the_envelope_is_an_hs_group_for_005010x279a1_with_the_callers_usage():
    read = read_interchange(make_270(usage="P"))
    assert (read.usage, read.groups[0].functional_id, read.groups[0].version) == ("P", "HS", "005010X279A1")
    assert read.groups[0].transactions[0].convention == "005010X279A1"


@pytest.mark.parametrize("change, field", [
    ({"provider": Provider("1234567890", organization_name="X CLINIC")}, "provider.npi"),
    ({"provider": Provider(NPI)}, "provider name"),
    ({"provider": Provider(NPI, organization_name="A", last_name="B")}, "provider name"),
    ({"originator_id": "9REVCYCLE"}, "originator_id"),
    ({"trace_number": "T" * 51}, "trace_number"),
    ({"service_types": ()}, "service_types"),
    ({"service_types": ("30",) * 100}, "service_types"),
    ({"service_types": ("3O0",)}, "service_types"),
    ({"subscriber": make_subscriber(last_name="X" * 61)}, "subscriber.last_name"),
    ({"subscriber": make_subscriber(first_name="X" * 36)}, "subscriber.first_name"),
    ({"subscriber": make_subscriber(member_id="A")}, "subscriber.member_id"),
    ({"subscriber": make_subscriber(sex="X")}, "subscriber.sex"),
    ({"dependent": make_dependent(last_name="")}, "dependent.last_name"),
])
def test_fields_that_break_the_guide_are_named(change, field):
    with pytest.raises(X12Error, match=field.replace(".", r"\.")):
        make_270(make_inquiry(**change))


def test_a_member_id_holding_a_delimiter_is_refused_without_echoing_it():
    with pytest.raises(X12Error, match="NM109") as raised:
        make_270(make_inquiry(subscriber=make_subscriber(member_id="AB~CD")))
    assert "AB~CD" not in str(raised.value)


def test_read_270_gives_back_what_build_270_wrote():
    inquiry = make_inquiry(service_types=("30", "98"), dependent=make_dependent())
    read = read_270(make_270(inquiry))
    assert (read.member_id, read.service_types, read.service_date) == ("ACT0001", ("30", "98"), date(2026, 11, 24))
    assert read.trace is not None and read.trace.elements == ("1", inquiry.trace_number, inquiry.originator_id)
    assert read.dependent is not None and read.dependent.element(3) == "LOVELACE"
    assert (read.controls.interchange, read.controls.group, read.controls.transaction) == (1201, 1202, 1203)
    assert (read.parties.sender_id, read.parties.receiver_id, read.usage) == ("REVCYCLE", "SANDBOXCH", "T")


def test_read_270_wants_the_names_of_source_receiver_and_subscriber():
    no_payer = make_270().replace("NM1*PR*2*SANDBOX HEALTH PLAN*****PI*SBX01~", "").replace("SE*13*", "SE*12*")
    with pytest.raises(X12Error, match="information source, receiver or subscriber"):
        read_270(no_payer)
    with pytest.raises(X12Error, match="one 270"):
        read_270(make_270().replace("ST*270", "ST*271"))


@pytest.mark.parametrize("path", sample_params("270"))
def test_third_party_270s_that_are_sound_read_back(path):
    text = read_sample(path)
    if "badX12" in str(path) or "x270.txt" in path.name:
        with pytest.raises(X12Error):  # HL outside ST..SE; a miscounted SE01 (see test_270_rules)
            read_270(text)
        return
    read = read_270(text)
    assert read.member_id == "11122333301" and read.service_types == ("30",)
    assert read.controls.interchange in (907, 10216)
