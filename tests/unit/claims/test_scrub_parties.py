"""Party rules (rules_parties.py): each row breaks one thing on a clean claim and names the finding it gets."""
import dataclasses
from datetime import date, timedelta

import pytest

from chalicelib.edi.claim.document import Address, Provider
from chalicelib.scrubbing.scrub import CoverageFacts
from tests.claims_factory import (
    BILLING,
    CHILD,
    CLINIC,
    DAY,
    PAYER,
    RENDERING,
    SUBSCRIBER,
    case,
    make_document,
    make_lines,
    rule_flags,
)

E, W = "error", "warning"


def billing(**changes):
    return make_document(billing=dataclasses.replace(BILLING, **changes))


def billing_address(**changes):
    return billing(address=dataclasses.replace(CLINIC, **changes))


def subscriber_person(**changes):
    person = dataclasses.replace(SUBSCRIBER.person, **changes)
    return make_document(subscriber=dataclasses.replace(SUBSCRIBER, person=person))


def member_id(value):
    return make_document(subscriber=dataclasses.replace(SUBSCRIBER, member_id=value))


def child(**changes):
    return make_document(patient=dataclasses.replace(CHILD, **changes))


def child_person(**changes):
    return child(person=dataclasses.replace(CHILD.person, **changes))


CASES = [
    case("check digit wrong", "billing-npi", billing(npi="1245319598"), (E, "billing.npi")),
    case("missing", "billing-npi", billing(npi=""), (E, "billing.npi")),
    case("hyphenated EIN", "billing-tax-id", billing(tax_id="12-3456789"), (E, "billing.tax_id")),
    case("missing", "billing-address", billing(address=None), (E, "billing.address")),
    case("PO box", "billing-address", billing_address(line1="PO Box 12"), (E, "billing.address.line1")),
    case("five-digit ZIP", "billing-zip-plus-four", billing_address(zip="62701"), (E, "billing.address.zip")),
    case("subscriber ZIP of four digits", "address-zip",
         subscriber_person(address=Address("8 Elm St", "Springfield", "IL", "6270")),
         (E, "subscriber.person.address.zip")),
    case("pay-to ZIP of six digits", "address-zip", make_document(pay_to=dataclasses.replace(CLINIC, zip="627011")),
         (E, "pay_to.zip")),
    case("rendering taxonomy too short", "taxonomy-format",
         make_document(rendering=dataclasses.replace(RENDERING, taxonomy_code="207Q0000X")),
         (E, "claim.rendering.taxonomy_code")),
    case("check digit wrong", "rendering-npi",
         make_document(rendering=dataclasses.replace(RENDERING, npi="1679576723")), (E, "claim.rendering.npi")),
    case("check digit wrong", "referring-npi",
         make_document(referring=Provider("individual", "1234567890", "Ng", "Ada")), (E, "claim.referring.npi")),
    case("missing", "payer-id", make_document(payer=dataclasses.replace(PAYER, payer_id="")), (E, "payer.payer_id")),
    case("missing", "member-id", member_id(" "), (E, "subscriber.member_id")),
    case("X12 delimiter in it", "member-id", member_id("W123*456"), (E, "subscriber.member_id")),
    case("no last name", "person-name", subscriber_person(last_name=""), (E, "subscriber.person.last_name")),
    case("no first name on the patient", "person-name", child_person(first_name=" "),
         (E, "patient.person.first_name")),
    case("subscriber born in the future", "birth-date", subscriber_person(birth_date=date(2027, 1, 1)),
         (E, "subscriber.person.birth_date")),
    case("patient born after the service", "birth-date", child_person(birth_date=date(2026, 3, 15)),
         (E, "patient.person.birth_date")),
    case("self in a 2000C loop", "patient-relationship", child(relationship="18"), (E, "patient.relationship")),
    case("coverage ended the day before", "coverage-in-effect", make_document(), (E, "coverage_id"),
         coverage=CoverageFacts(date(2025, 1, 1), DAY - timedelta(days=1))),
    case("coverage starts the day after", "coverage-in-effect", make_document(), (E, "coverage_id"),
         coverage=CoverageFacts(DAY + timedelta(days=1), None)),
    case("payer answered inactive", "eligibility-inactive", make_document(), (E, "coverage_id"),
         coverage=CoverageFacts(date(2025, 1, 1), None, frozenset({DAY}))),
]


@pytest.mark.parametrize("rule_id, document, expected, context", CASES)
def test_a_party_rule_names_the_field_to_fix(rule_id, document, expected, context):
    assert rule_flags(document, rule_id, **context) == expected


@pytest.mark.parametrize("line1", ["P.O. Box 4", "p o box 4", "POB 4", "Post Office Box 9", "Lockbox 7", "PO BX 3",
                                   "POBOX 3"])
def test_po_box_spellings_are_refused_as_the_billing_address(line1):
    assert rule_flags(billing_address(line1=line1), "billing-address") == [(E, "billing.address.line1")]


@pytest.mark.parametrize("line1", ["100 Post Rd", "12 Boxwood Ln", "7 Boxer St", "5 Poplar Ave"])
def test_street_names_that_merely_look_like_po_box_pass(line1):
    assert rule_flags(billing_address(line1=line1), "billing-address") == []


def test_a_subscriber_patient_born_in_the_future_gets_one_finding_not_two():
    assert rule_flags(subscriber_person(birth_date=date(2027, 1, 1)), "birth-date") == [
        (E, "subscriber.person.birth_date")]


@pytest.mark.parametrize("relationship", ["01", "19", "20", "21", "39", "40", "53", "G8"])
def test_every_2000c_relationship_code_is_accepted(relationship):
    assert rule_flags(child(relationship=relationship), "patient-relationship") == []


def test_a_newborn_billed_on_the_day_of_birth_is_not_born_after_the_service():
    assert rule_flags(child_person(birth_date=date(2026, 3, 10)), "birth-date") == []


def test_a_coverage_in_effect_from_the_first_to_the_last_date_of_service_passes():
    facts = CoverageFacts(DAY, DAY)
    assert rule_flags(make_document(), "coverage-in-effect", coverage=facts) == []


def test_a_line_after_the_coverage_ended_fails_though_the_first_date_is_covered():
    lines = make_lines(2)
    late = dataclasses.replace(lines[1], service_date=DAY + timedelta(days=3))
    document = make_document(lines=(lines[0], late), service_to=late.service_date)
    assert rule_flags(document, "coverage-in-effect", coverage=CoverageFacts(DAY, DAY + timedelta(days=2))) == [
        (E, "coverage_id")]


def test_a_claim_judged_without_coverage_facts_gets_no_coverage_finding():
    assert rule_flags(make_document(), "coverage-in-effect") == []
    assert rule_flags(make_document(), "eligibility-inactive") == []
