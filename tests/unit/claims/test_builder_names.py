"""The people on a claim are named as patients/names.py says (claims/builder.py): the card's spelling when the
registered name cannot go into X12, and an empty name, which the scrubber asks to fix, for one stored before
names were checked."""
from chalicelib.claims.builder import parties
from chalicelib.db.models import Address
from chalicelib.patients.items import Coverage, NameOnCard, Patient, Person
from chalicelib.scrubbing.scrub import ScrubContext, scrub
from tests.claims_factory import TODAY, make_document

HOME = Address(line1="9 Pine St", city="Springfield", state="IL", zip="62704")


def patient(first, last, card=None):
    return Patient("PRACTICE#p", "PATIENT#x", first_name=first, last_name=last, birth_date="1979-07-04", sex="M",
                   address=HOME, name_on_card=card)


def coverage(subscriber=None):
    return Coverage("PRACTICE#p", "COVERAGE#c", member_id="ACT5150", relationship="child" if subscriber else "self",
                    order="primary", subscriber=subscriber)


def test_the_cards_spelling_names_the_patient_on_the_claim():
    subscriber, dependent = parties(patient("太郎", "山田", NameOnCard(first_name="Taro", last_name="Yamada")),
                                    coverage())
    assert (subscriber.person.last_name, subscriber.person.first_name, dependent) == ("YAMADA", "TARO", None)


def test_a_subscribers_card_spelling_names_the_policy_holder():
    holder = Person(first_name="花子", last_name="山田", birth_date="1975-05-05", sex="F",
                    name_on_card=NameOnCard(first_name="Hanako", last_name="Yamada"))
    subscriber, dependent = parties(patient("Ken", "Yamada"), coverage(holder))
    assert (subscriber.person.first_name, dependent.person.first_name) == ("HANAKO", "KEN")


def test_a_name_stored_before_names_were_checked_is_a_finding_asking_for_the_card():
    subscriber, _ = parties(patient("Anna", "Ivаnova"), coverage())  # a Cyrillic а: never written as IVNOVA
    assert subscriber.person.last_name == ""
    found = scrub(make_document(subscriber=subscriber), ScrubContext(today=TODAY))
    findings = [f for f in found if f.rule_id == "person-name"]
    assert {f.field for f in findings} == {"subscriber.person.last_name", "subscriber.person.first_name"}
    assert all("name_on_card" in f.message for f in findings)
