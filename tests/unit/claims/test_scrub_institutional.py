"""Institutional rules (rules_institutional.py): type of bill, revenue codes, admission data, statement period,
attending provider and HCPCS on outpatient lines."""
import dataclasses
from datetime import timedelta

import pytest

from tests.claims_factory import (
    DAY,
    case,
    make_document,
    make_inpatient,
    make_institutional,
    rule_flags,
    with_institutional,
    with_line,
)

E, W = "error", "warning"
OUTPATIENT = make_institutional()
INPATIENT = make_inpatient()
INPATIENT_FIELDS = {"admission_date": None, "admission_type": "", "admission_source": "", "patient_status": ""}


def outpatient(**changes):
    return with_institutional(OUTPATIENT, **changes)


def inpatient(**changes):
    return with_institutional(INPATIENT, **changes)


CASES = [
    case("a letter in it", "type-of-bill", outpatient(type_of_bill="1X1"), (E, "claim.institutional.type_of_bill")),
    case("reserved facility type 9", "type-of-bill", outpatient(type_of_bill="0911"),
         (E, "claim.institutional.type_of_bill")),
    case("replacement bill on an original claim", "bill-frequency", outpatient(type_of_bill="137"),
         (E, "claim.frequency_code")),
    case("missing", "revenue-code", with_line(OUTPATIENT, 0, revenue_code=""), (E, "claim.lines.0.revenue_code")),
    case("total charges as a line", "revenue-code", with_line(OUTPATIENT, 1, revenue_code="0001"),
         (E, "claim.lines.1.revenue_code")),
    case("admission hour 24", "admission-hour", outpatient(admission_hour=24),
         (E, "claim.institutional.admission_hour")),
    case("discharge hour -1", "admission-hour", inpatient(discharge_hour=-1),
         (E, "claim.institutional.discharge_hour")),
    case("ends before it starts", "statement-period", outpatient(statement_to=DAY - timedelta(days=1)),
         (E, "claim.institutional.statement_to")),
    case("starts after the services", "statement-period", outpatient(statement_from=DAY + timedelta(days=1),
                                                                     statement_to=DAY + timedelta(days=1)),
         (E, "claim.institutional"), (E, "claim.lines.0.service_date"), (E, "claim.lines.1.service_date")),
    case("admitted after the statement", "statement-period", outpatient(admission_date=DAY + timedelta(days=1)),
         (E, "claim.institutional.admission_date")),
    case("missing", "attending-provider", outpatient(attending=None), (E, "claim.institutional.attending")),
    case("check digit wrong", "attending-provider",
         outpatient(attending=dataclasses.replace(OUTPATIENT.claim.institutional.attending, npi="1679576723")),
         (E, "claim.institutional.attending.npi")),
    case("emergency room line without a code", "outpatient-hcpcs", with_line(OUTPATIENT, 1, procedure_code=""),
         (E, "claim.lines.1.procedure_code")),
    *(case(f"inpatient without {name}", "inpatient-admission", inpatient(**{name: value}),
           (E, f"claim.institutional.{name}")) for name, value in sorted(INPATIENT_FIELDS.items())),
]


@pytest.mark.parametrize("rule_id, document, expected, context", CASES)
def test_an_institutional_rule_names_the_field_to_fix(rule_id, document, expected, context):
    assert rule_flags(document, rule_id, **context) == expected


@pytest.mark.parametrize("type_of_bill", ["111", "121", "181", "211", "281"])
def test_inpatient_bill_types_need_admission_facts(type_of_bill):
    document = inpatient(type_of_bill=type_of_bill, admission_type="")
    assert rule_flags(document, "inpatient-admission") == [(E, "claim.institutional.admission_type")]


@pytest.mark.parametrize("type_of_bill", ["131", "141", "711", "811", "831"])
def test_outpatient_clinic_and_special_facility_bills_need_no_admission_facts(type_of_bill):
    document = outpatient(type_of_bill=type_of_bill, **INPATIENT_FIELDS)
    assert rule_flags(document, "inpatient-admission") == []


def test_the_nubc_four_character_type_of_bill_is_read_too():
    assert rule_flags(outpatient(type_of_bill="0131"), "type-of-bill") == []


def test_an_inpatient_room_line_may_go_without_a_procedure_code():
    assert rule_flags(with_line(INPATIENT, 1, procedure_code=""), "outpatient-hcpcs") == []


def test_an_outpatient_line_in_an_uncoded_revenue_group_may_go_without_a_procedure_code():
    document = with_line(OUTPATIENT, 0, revenue_code="0250", procedure_code="")  # 025x pharmacy
    assert rule_flags(document, "outpatient-hcpcs") == []


def test_an_inpatient_stay_may_start_before_the_claims_first_line():
    assert rule_flags(INPATIENT, "statement-period") == [] and rule_flags(INPATIENT, "service-period") == []


@pytest.mark.parametrize("rule_id", ["type-of-bill", "bill-frequency", "revenue-code", "inpatient-admission",
                                     "admission-hour", "statement-period", "attending-provider", "outpatient-hcpcs"])
def test_institutional_rules_leave_a_professional_claim_alone(rule_id):
    assert rule_flags(make_document(), rule_id) == []
