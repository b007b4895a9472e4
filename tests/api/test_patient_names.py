"""Names in any script at the front desk: kept as registered, sent in X12 as the insurance card spells them.

A name X12 cannot write without losing or changing a letter is refused where it is entered (registration, a
change of name, a coverage's subscriber) with a 422 asking for the card's spelling: never a 500 when the 270
goes out, never a name silently mangled.
"""
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from chalicelib.db import keys
from chalicelib.edi.eligibility.rules_270 import check_270
from chalicelib.patients.items import Patient
from tests.api.helpers import changed_since, table_mark

ADDRESS = {"line1": "9 Pine St", "city": "Springfield", "state": "IL", "zip": "62704"}
YAMADA = {"first_name": "太郎", "last_name": "山田", "birth_date": "1979-07-04", "sex": "M", "address": ADDRESS}
CARD = {"first_name": "Taro", "last_name": "Yamada"}


@pytest.fixture
def desk(world):
    return world.clinic()


def post(api, desk, path, body, status=201):
    code, answer, _ = api.post(desk["base"] + path, body, key=desk["key"])
    assert code == status, answer
    return answer


def register(api, desk, body, status=201):
    return post(api, desk, "/patients", body, status)


def cover(api, desk, patient_id, status=201, **extra):
    body = {"payer_id": desk["payer"], "member_id": "ACT5150", "effective_from": "2026-01-01", **extra}
    return post(api, desk, f"/patients/{patient_id}/coverages", body, status)


def sent_270(api, desk, patient_id):
    check = post(api, desk, f"/patients/{patient_id}/eligibility-checks", {})
    key = f"eligibility/{desk['pid']}/{check['id']}/270.x12"
    return boto3.client("s3").get_object(Bucket="revcycle-edi", Key=key)["Body"].read().decode()


def test_a_name_in_another_script_without_the_cards_spelling_is_refused_and_nothing_is_written(api, desk):
    mark = table_mark()
    refused = register(api, desk, YAMADA, status=422)
    assert [e["field"] for e in refused["errors"]] == ["first_name", "last_name"]
    assert all("name_on_card" in e["message"] for e in refused["errors"]) and "山田" not in str(refused)
    assert changed_since(mark) == {}


def test_a_name_in_another_script_is_kept_and_the_270_carries_the_cards_spelling(api, desk):
    patient = register(api, desk, {**YAMADA, "name_on_card": CARD})
    assert (patient["first_name"], patient["last_name"]) == ("太郎", "山田")
    assert patient["name_on_card"] == {"first_name": "Taro", "middle_name": None, "last_name": "Yamada"}
    cover(api, desk, patient["id"])
    text = sent_270(api, desk, patient["id"])
    assert "NM1*IL*1*YAMADA*TARO****MI*ACT5150" in text and check_270(text) == []


def test_a_patient_with_an_arabic_name_and_the_cards_spelling_is_checked_in(api, desk):
    patient = register(api, desk, {"first_name": "محمد", "last_name": "علي", "birth_date": "1985-01-20", "sex": "M",
                                   "address": ADDRESS, "name_on_card": {"first_name": "Mohamed", "last_name": "Ali"}})
    cover(api, desk, patient["id"])
    at = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT09:00:00+00:00")
    visit = post(api, desk, "/visits", {"patient_id": patient["id"], "provider_id": desk["provider"],
                                        "scheduled_at": at})
    checked_in = post(api, desk, f"/visits/{visit['id']}/check-in", {"version": 1}, status=200)
    assert checked_in["status"] == "checked_in" and checked_in["expected_copay_cents"] == 2500


def test_a_name_mixing_cyrillic_and_latin_letters_is_refused_rather_than_sent_mangled(api, desk):
    refused = register(api, desk, {**YAMADA, "first_name": "Anna", "last_name": "Ivаnova"}, status=422)
    assert refused["errors"] == [{"field": "last_name", "message": (
        "mixes Latin letters with look-alike letters of another script: give name_on_card, the name as the "
        "insurance card prints it")}]


def test_an_accented_name_needs_no_card_and_goes_out_with_its_marks_dropped(api, desk):
    patient = register(api, desk, {**YAMADA, "first_name": "José", "last_name": "Núñez"})
    assert patient["name_on_card"] is None
    cover(api, desk, patient["id"])
    assert "NM1*IL*1*NUNEZ*JOSE" in sent_270(api, desk, patient["id"])


def test_a_subscriber_in_another_script_needs_the_cards_spelling_at_coverage_entry(api, desk):
    child = register(api, desk, {**YAMADA, "first_name": "Ken", "last_name": "Yamada", "birth_date": "2001-03-03"})
    subscriber = {"first_name": "花子", "last_name": "山田", "birth_date": "1975-05-05", "sex": "F"}
    refused = cover(api, desk, child["id"], status=422, relationship="child", subscriber=subscriber)
    assert [e["field"] for e in refused["errors"]] == ["subscriber.first_name", "subscriber.last_name"]
    cover(api, desk, child["id"], relationship="child",
          subscriber={**subscriber, "name_on_card": {"first_name": "Hanako", "last_name": "Yamada"}})
    text = sent_270(api, desk, child["id"])
    assert "NM1*IL*1*YAMADA*HANAKO****MI*ACT5150" in text and "NM1*03*1*YAMADA*KEN" in text


def test_changing_a_name_to_another_script_needs_the_card_and_the_card_cannot_then_be_cleared(api, desk):
    patient = register(api, desk, {**YAMADA, "first_name": "Taro", "last_name": "Yamada"})
    url = f"{desk['base']}/patients/{patient['id']}"
    refused = api.patch(url, {"first_name": "太郎", "version": 1}, key=desk["key"])
    assert refused[0] == 422 and refused[1]["errors"][0]["field"] == "first_name"
    changed = api.patch(url, {"first_name": "太郎", "name_on_card": CARD, "version": 1}, key=desk["key"])
    assert changed[0] == 200 and changed[1]["first_name"] == "太郎"
    cleared = api.patch(url, {"name_on_card": None, "version": 2}, key=desk["key"])
    assert cleared[0] == 422 and cleared[1]["errors"][0]["field"] == "first_name"


def test_two_patients_with_names_in_another_script_are_not_taken_for_duplicates(api, desk):
    register(api, desk, {**YAMADA, "name_on_card": CARD})
    other = register(api, desk, {**YAMADA, "first_name": "花子", "name_on_card": {**CARD, "first_name": "Hanako"}})
    assert other["first_name"] == "花子"


def test_a_patient_stored_before_names_were_checked_gets_a_422_asking_for_the_card_not_a_500(api, desk):
    patient = register(api, desk, {**YAMADA, "first_name": "Taro", "last_name": "Yamada"})
    cover(api, desk, patient["id"])
    stored = Patient.get(keys.practice_pk(desk["pid"]), keys.patient_sk(patient["id"]))
    stored.update(actions=[Patient.last_name.set("山田")])  # as registration let it through before
    code, refused, _ = api.post(f"{desk['base']}/patients/{patient['id']}/eligibility-checks", {}, key=desk["key"])
    assert code == 422 and refused["errors"][0]["field"] == "patient.last_name"
    assert "name_on_card" in refused["detail"]
