import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from chalicelib.clearinghouse import ClearinghouseRejected, get_eligibility_gateway, get_status_gateway
from chalicelib.clearinghouse.sandbox import SandboxPayer
from chalicelib.clearinghouse.sandbox_status import SandboxStatusPayer
from chalicelib.core.money import Money
from chalicelib.core.settings import get_settings
from chalicelib.edi.eligibility.inquiry import Limit, parse_271
from chalicelib.edi.x12 import Delimiters, read_interchange
from tests.unit.edi.factories import make_270, make_dependent, make_inquiry, make_subscriber
from tests.unit.edi.samples import sample

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc)
payer = SandboxPayer(clock=lambda: NOW)


def ask(member_id: str, **overrides) -> str:
    return payer.check(make_270(make_inquiry(subscriber=make_subscriber(member_id=member_id), **overrides)))


def test_act_members_are_active_with_the_documented_figures():
    result = parse_271(ask("ACT123"))
    assert (result.active, result.plan_name, result.rejections) == (True, "SANDBOX GOLD PPO", ())
    assert (result.coverage_start, result.coverage_end) == (date(2026, 1, 1), date(2026, 12, 31))
    for service_type in ("30", "98"):
        in_network = result.for_service(service_type).in_network
        assert in_network.co_payment == Money(2500) and in_network.co_insurance == Decimal("0.2")
        assert in_network.deductible == Limit(total=Money(150000), remaining=Money(40000))
        assert in_network.out_of_pocket == Limit(total=Money(500000), remaining=Money(320000))
    out = result.for_service("98").out_of_network
    assert (out.co_payment, out.co_insurance, out.deductible) == (None, Decimal("0.4"), Limit())


def test_ina_members_are_inactive_with_last_years_plan_dates():
    result = parse_271(ask("ina-77"))  # the prefix is read in any case
    assert result.active is False and result.coverage_end == date(2025, 12, 31)


def test_unk_members_are_rejected_at_the_subscriber_with_aaa_72():
    result = parse_271(ask("UNK1"))
    [rejection] = result.rejections
    assert (rejection.loop, rejection.code, rejection.follow_up_code, rejection.valid_request) == (
        "2100C", "72", "C", True)
    assert result.active is None and result.trace_number == make_inquiry().trace_number


def test_dwn_members_find_the_payer_unable_to_respond():
    text = ask("DWN1")
    [rejection] = parse_271(text).rejections
    assert (rejection.loop, rejection.level, rejection.code, rejection.follow_up_code, rejection.valid_request) == (
        "2100A", "information source", "42", "R", False)
    assert "HL*1**20*0~" in text and "HL*2" not in text  # nothing answered below the source


def test_any_other_member_is_active_without_a_co_pay():
    result = parse_271(ask("W123456789"))
    assert (result.active, result.plan_name) == (True, "SANDBOX BASIC")
    assert result.for_service("98").in_network.co_payment is None


def test_the_271_mirrors_the_270s_envelope_and_trace():
    inquiry = make_inquiry(subscriber=make_subscriber(member_id="ACT9"), dependent=make_dependent())
    odd = Delimiters(element="|", component=">", repetition="!", segment="'")
    request = make_270(inquiry, usage="P").replace("~", "'").replace("*", "|").replace("^", "!").replace(":", ">")
    answer = read_interchange(payer.check(request))  # strict: the counts are right
    group, transaction = answer.groups[0], answer.groups[0].transactions[0]
    assert answer.delimiters == odd and answer.usage == "P"
    assert (answer.sender, answer.receiver) == (("ZZ", "SANDBOXCH"), ("ZZ", "REVCYCLE"))
    assert (answer.control_number, group.control_number, transaction.control_number) == ("000001201", "1202", "1203")
    assert (group.functional_id, transaction.set_id, transaction.convention) == ("HB", "271", "005010X279A1")
    ids = [s.id + s.element(1) for s in transaction.body]
    trn = next(s for s in transaction.body if s.id == "TRN")
    assert ids.index("HL4") < ids.index("TRN2") < ids.index("EB1")  # the dependent's level carries it all
    assert trn.elements == ("2", inquiry.trace_number, inquiry.originator_id)
    assert next(s for s in transaction.body if s.id == "BHT").elements[:3] == ("0022", "11", inquiry.trace_number)


def test_a_270_that_breaks_the_rules_is_refused_without_echoing_it():
    broken = make_270().replace("DMG*D8*19801210*F", "DMG*D8*19801210*Q")
    with pytest.raises(ClearinghouseRejected, match="DMG03") as raised:
        payer.check(broken)
    assert raised.value.status == 400 and "19801210" not in str(raised.value)


def test_third_party_270s_get_an_answer():
    text = sample("LinuxForHealth-x12/dependent-health-benefit-check.270")
    result = parse_271(payer.check(text))
    assert result.active and result.trace_number == "93175-012547"
    assert result.coverage_start == date(2006, 1, 1)  # the year of the 270's DTP*291


GETTERS = [pytest.param(get_eligibility_gateway, SandboxPayer, id="eligibility (270/271)"),
           pytest.param(get_status_gateway, SandboxStatusPayer, id="claim status (276/277)")]


@pytest.fixture
def settings_env(monkeypatch):
    def use(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv("REVCYCLE_" + name.upper(), value)
        clear()

    def clear() -> None:
        get_settings.cache_clear()
        get_eligibility_gateway.cache_clear()
        get_status_gateway.cache_clear()
    yield use
    clear()


@pytest.mark.parametrize("getter, sandbox", GETTERS)
def test_the_gateway_is_the_sandbox_by_default_and_made_once(settings_env, getter, sandbox):
    settings_env()
    assert isinstance(getter(), sandbox)
    assert getter() is getter()


@pytest.mark.parametrize("getter, sandbox", GETTERS)
def test_the_realtime_gateway_is_picked_by_settings_without_touching_aws(settings_env, getter, sandbox):
    settings_env(clearinghouse="realtime", clearinghouse_url="https://ch.example/eligibility",
                 clearinghouse_secret_id="revcycle/clearinghouse")
    gateway = getter()
    assert type(gateway).__name__ == "RealtimeGateway" and gateway.url == "https://ch.example/eligibility"


@pytest.mark.parametrize("getter, sandbox", GETTERS)
def test_the_realtime_gateway_needs_its_url_and_secret(settings_env, getter, sandbox):
    settings_env(clearinghouse="realtime")
    with pytest.raises(RuntimeError, match="CLEARINGHOUSE_URL"):
        getter()


def test_importing_the_clearinghouse_package_loads_no_boto3_tenacity_or_x12():
    probe = ("import sys, chalicelib.clearinghouse; print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'boto3', 'tenacity'} or m.startswith('chalicelib.edi')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
