"""Claim-level rules (rules_claim.py): control number, type, frequency, duplicates, place of service, dates,
timely filing and the total."""
from datetime import date, timedelta

import pytest

from chalicelib.edi.claim.document import Institutional
from chalicelib.scrubbing.scrub import ScrubContext, scrub
from tests.claims_factory import DAY, TODAY, case, make_document, make_institutional, rule_flags, with_line
from tests.unit.edi.test_claim_837_cob import professional_secondary

E, W = "error", "warning"
NEXT_DAY = DAY + timedelta(days=1)

CASES = [
    case("21 characters", "patient-control-number", make_document(patient_control_number="C" * 21),
         (E, "claim.patient_control_number")),
    case("missing", "patient-control-number", make_document(patient_control_number=""),
         (E, "claim.patient_control_number")),
    case("institutional without UB-04 data", "claim-type", make_institutional(institutional=None),
         (E, "claim.institutional")),
    case("professional with UB-04 data", "claim-type", make_document(institutional=Institutional("131", DAY, DAY)),
         (E, "claim.institutional")),
    case("interim frequency on a professional claim", "claim-frequency", make_document(frequency_code="2"),
         (E, "claim.frequency_code")),
    case("unassigned frequency 6 on an institutional claim", "claim-frequency", make_institutional(frequency_code="6"),
         (E, "claim.frequency_code")),
    case("replacement without the payer's number", "payer-claim-control-number", make_document(frequency_code="7"),
         (E, "claim.payer_claim_control_number")),
    case("original carrying the payer's number", "payer-claim-control-number",
         make_document(payer_claim_control_number="PCN123"), (E, "claim.payer_claim_control_number")),
    case("same fingerprint as another claim", "duplicate-claim", make_document(), (E, "claim"),
         duplicate_of=("01JOTHER",)),
    case("unassigned claim place of service", "place-of-service", make_document(place_of_service="00"),
         (E, "claim.place_of_service")),
    case("unassigned line place of service", "place-of-service",
         with_line(make_document(), 1, place_of_service="30"), (E, "claim.lines.1.place_of_service")),
    case("ends before it starts", "service-period", make_document(service_to=DAY - timedelta(days=1)),
         (E, "claim.service_to")),
    case("a line after the period", "service-period", with_line(make_document(), 1, service_date=NEXT_DAY),
         (E, "claim.lines.1.service_date")),
    case("services tomorrow", "future-service-date", make_document(), (E, "claim.service_to"),
         (E, "claim.lines.0.service_date"), (E, "claim.lines.1.service_date"), today=DAY - timedelta(days=1)),
    case("366 days late", "timely-filing", make_document(), (E, "claim.service_to"),
         today=DAY + timedelta(days=366)),
    case("360 of 365 days gone", "timely-filing", make_document(), (W, "claim.service_to"),
         today=DAY + timedelta(days=360)),
    case("total one cent off", "total-charge", make_document(total_charge_cents=15501),
         (E, "claim.total_charge_cents")),
    case("a secondary's line edited after it was built", "other-payers-balance",
         with_line(professional_secondary(), 0, charge_cents=13000), (E, "other_payers"), (E, "other_payers")),
    case("a secondary's line removed after it was built", "other-payers-balance",
         make_document(other_payers=professional_secondary().other_payers, lines=make_document().claim.lines[:1]),
         (E, "other_payers")),
]


@pytest.mark.parametrize("rule_id, document, expected, context", CASES)
def test_a_claim_rule_names_the_field_to_fix(rule_id, document, expected, context):
    assert rule_flags(document, rule_id, **context) == expected


@pytest.mark.parametrize("days, expected", [(351, []), (352, [(W, "claim.service_to")]),
                                            (365, [(W, "claim.service_to")]), (366, [(E, "claim.service_to")])])
def test_timely_filing_warns_in_the_last_fourteen_days_and_refuses_after_the_limit(days, expected):
    assert rule_flags(make_document(), "timely-filing", today=DAY + timedelta(days=days)) == expected


def test_timely_filing_counts_from_the_last_line_date_and_uses_the_payers_limit():
    document = with_line(make_document(service_to=NEXT_DAY), 1, service_date=NEXT_DAY)
    assert rule_flags(document, "timely-filing", today=NEXT_DAY + timedelta(days=90), timely_filing_days=90) == [
        (W, "claim.service_to")]
    assert rule_flags(document, "timely-filing", today=NEXT_DAY + timedelta(days=91), timely_filing_days=90) == [
        (E, "claim.service_to")]


def test_the_duplicate_finding_names_the_other_claims():
    [finding] = [f for f in scrub(make_document(), ScrubContext(today=TODAY, duplicate_of=("01JA", "01JB")))
                 if f.rule_id == "duplicate-claim"]
    assert "01JA, 01JB" in finding.message


def test_the_total_finding_shows_both_amounts_in_dollars():
    [finding] = [f for f in scrub(make_document(total_charge_cents=15501), ScrubContext(today=TODAY))
                 if f.rule_id == "total-charge"]
    assert "155.01" in finding.message and "155.00" in finding.message


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_replacements_and_voids_with_the_payers_number_pass(frequency):
    document = make_document(frequency_code=frequency, payer_claim_control_number="PCN123")
    assert rule_flags(document, "payer-claim-control-number") == []


def test_an_institutional_claim_needs_no_place_of_service_code():
    assert rule_flags(make_institutional(place_of_service=""), "place-of-service") == []


def test_a_claim_for_a_date_of_service_today_is_not_in_the_future():
    assert rule_flags(make_document(), "future-service-date", today=date(2026, 3, 10)) == []


def test_a_secondary_claim_as_built_balances():
    assert rule_flags(professional_secondary(), "other-payers-balance") == []
