"""The scrubber engine: clean claims pass, rules are registered once in a stable order, findings carry no
patient data, and the duplicate fingerprint is a stable hash of the right facts."""
import dataclasses
import re
from datetime import date

import pytest

from chalicelib.edi.claim.document import Address, Line
from chalicelib.scrubbing.scrub import Finding, ScrubContext, fingerprint, registry, scrub
from tests.claims_factory import (
    CHILD,
    DAY,
    SUBSCRIBER,
    TODAY,
    make_document,
    make_inpatient,
    make_institutional,
    make_lines,
    with_line,
)
from tests.unit.claims import (
    test_scrub_claim,
    test_scrub_codes,
    test_scrub_institutional,
    test_scrub_lines,
    test_scrub_parties,
)

RULE_TABLES = (test_scrub_parties, test_scrub_claim, test_scrub_codes, test_scrub_lines, test_scrub_institutional)


@pytest.mark.parametrize("maker", [make_document, make_institutional, make_inpatient])
def test_a_clean_claim_has_no_findings(maker):
    findings = scrub(maker(), ScrubContext(today=TODAY))
    print(maker.__name__, [finding.to_dict() for finding in findings])
    assert findings == []


def test_at_least_thirty_rules_are_registered_under_unique_kebab_case_ids():
    ids = [rule.id for rule in registry()]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id) for rule_id in ids)
    assert all(rule.summary and rule.source for rule in registry())


def test_every_rule_has_a_claim_in_the_rule_tables_that_trips_it():
    tested = {param.values[0] for module in RULE_TABLES for param in module.CASES if param.values[2]}
    assert {rule.id for rule in registry()} - tested == set()


def test_findings_come_in_registry_order():
    document = make_document(patient_control_number="", diagnoses=("E11",),
                             lines=(dataclasses.replace(make_lines(1)[0], units=0, charge_cents=0),))
    order = {rule.id: n for n, rule in enumerate(registry())}
    found = [order[finding.rule_id] for finding in scrub(document, ScrubContext(today=TODAY))]
    assert len(found) >= 4 and found == sorted(found)


def test_a_finding_serializes_to_its_four_fields():
    finding = Finding("billing-npi", "error", "the billing provider NPI is missing", "billing.npi")
    assert finding.to_dict() == {"rule_id": "billing-npi", "severity": "error",
                                 "message": "the billing provider NPI is missing", "field": "billing.npi"}


def test_no_message_repeats_patient_data():
    home = Address("77 Quince Court", "Zenith", "IL", "6270")
    subscriber = dataclasses.replace(SUBSCRIBER, member_id="QX*778899", person=dataclasses.replace(
        SUBSCRIBER.person, last_name="Quagmire", first_name="Ottoline", birth_date=date(2027, 4, 5), address=home))
    patient = dataclasses.replace(CHILD, relationship="18", person=dataclasses.replace(
        CHILD.person, last_name="Quagmire", first_name="Pemberly", birth_date=date(2026, 3, 19), address=home))
    document = make_document(subscriber=subscriber, patient=patient, diagnoses=("O80", "N400"),
                             patient_control_number="")
    findings = scrub(document, ScrubContext(today=TODAY))
    assert len(findings) >= 6
    text = " ".join(finding.message for finding in findings)
    for secret in ("Quagmire", "Ottoline", "Pemberly", "QX*778899", "778899", "2027", "2026-03-19", "Quince", "Zenith",
                   "6270"):
        assert secret not in text


def test_the_timely_filing_limit_must_be_a_positive_number_of_days():
    with pytest.raises(ValueError):
        ScrubContext(today=TODAY, timely_filing_days=0)


def test_the_fingerprint_is_a_sha256_hex_digest_that_holds_no_patient_data():
    print_ = fingerprint(make_document())
    assert re.fullmatch(r"[0-9a-f]{64}", print_) and SUBSCRIBER.member_id.lower() not in print_


def test_the_same_services_in_another_order_or_frequency_have_the_same_fingerprint():
    document = make_document()
    reordered = make_document(lines=tuple(reversed(document.claim.lines)), frequency_code="7",
                              payer_claim_control_number="PCN1", patient_control_number="C0002")
    assert fingerprint(reordered) == fingerprint(document)


@pytest.mark.parametrize("change", [
    lambda d: with_line(d, 1, procedure_code="82947"),
    lambda d: with_line(d, 1, modifiers=("91",)),
    lambda d: with_line(d, 1, service_date=date(2026, 3, 9)),
    lambda d: dataclasses.replace(d, subscriber=dataclasses.replace(SUBSCRIBER, member_id="W999")),
    lambda d: dataclasses.replace(d, patient=CHILD),
    lambda d: dataclasses.replace(d, payer=dataclasses.replace(d.payer, payer_id="87726")),
    lambda d: dataclasses.replace(d, claim=dataclasses.replace(d.claim, rendering=None)),
    lambda d: dataclasses.replace(d, claim=dataclasses.replace(d.claim, service_to=date(2026, 3, 11))),
], ids=["code", "modifier", "line date", "member id", "patient", "payer", "rendering NPI", "service period"])
def test_a_different_service_patient_payer_or_provider_changes_the_fingerprint(change):
    document = make_document()
    assert fingerprint(change(document)) != fingerprint(document)


def test_names_match_whatever_their_case_and_spacing():
    person = dataclasses.replace(SUBSCRIBER.person, last_name=" chen ", first_name="LU")
    document = make_document(subscriber=dataclasses.replace(SUBSCRIBER, person=person))
    assert fingerprint(document) == fingerprint(make_document())


def test_a_keyed_fingerprint_differs_by_key_and_from_the_plain_hash():
    document = make_document()
    assert len({fingerprint(document), fingerprint(document, key=b"acme"), fingerprint(document, key=b"acme-2")}) == 3
    assert fingerprint(document, key=b"acme") == fingerprint(make_document(), key=b"acme")


def test_scrubbing_one_claim_leaves_nothing_behind_for_the_next():
    broken = make_document(lines=(Line(1, "99213", 0, 1, DAY, (1,)),), total_charge_cents=0)
    context = ScrubContext(today=TODAY)
    assert scrub(broken, context) and scrub(make_document(), context) == []
