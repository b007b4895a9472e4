"""Appeal letters and attachments through the API: the letter is a PDF in the documents bucket reached through a
signed URL, carrying the facts the payer needs (the patient's name and member id, the claim numbers, dates,
amounts, the codes in words, the category's argument, what is enclosed) and nothing more of the patient; a
timely-filing denial's appeal carries the proof of timely filing by itself; attachments are checked for size
and type and listed with signed URLs."""
import base64
import io
import json
import logging

import pytest
import requests
from pypdf import PdfReader

from tests.api.appeals_world import appeal, denial, ok
from tests.api.test_claims import PATIENT, Practice


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def fetched(url):
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text[:200]
    return answer.content


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def letter_of(api, practice, made_appeal):
    return ok(api, practice, "POST", f"/appeals/{made_appeal['id']}/letter", {}, 201)


def test_a_timely_filing_appeals_letter_is_a_pdf_with_the_claims_facts_and_the_proof_of_timely_filing(
        app, api, practice):
    made, denied = denial(app, api, practice, reason="29", acknowledged=True)
    made_appeal = appeal(api, practice, denied["id"])
    got = letter_of(api, practice, made_appeal)
    data = fetched(got["url"])
    text = text_of(data)

    assert data.startswith(b"%PDF")
    assert got["expires_in"] == 300 and "Expires=" in got["url"] and "Signature=" in got["url"]
    for fact in (made["patient_control_number"], denied["payer_claim_number"], "ACT123456",
                 f"{PATIENT['first_name']} {PATIENT['last_name']}".upper(), made["service_from"],
                 "CO-29: filed after the payer's time limit", "First-level appeal", "timely filing limit",
                 "Proof of timely filing", "277CA accepted", "proof-of-timely-filing.pdf"):
        assert fact in text, fact
    assert PATIENT["birth_date"] not in text and PATIENT["address"]["line1"].upper() not in text.upper()


def test_a_timely_filing_appeal_has_the_proof_among_its_attachments_by_itself(app, api, practice):
    made, denied = denial(app, api, practice, reason="29", acknowledged=True)
    made_appeal = appeal(api, practice, denied["id"])
    assert [a["kind"] for a in made_appeal["attachments"]] == ["timely_filing_proof"]
    letter_of(api, practice, made_appeal)
    [proof] = ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")["data"]
    text = text_of(fetched(proof["url"]))

    claim = ok(api, practice, "GET", f"/claims/{made['id']}")
    assert "Proof of timely filing" in text and claim["submitted_at"] in text
    assert "999 accepted" in text and "acknowledged (source 999" in text and "accepted (source 277CA" in text


def test_a_medical_necessity_letter_argues_medical_necessity_and_has_no_proof_of_timely_filing(app, api, practice):
    _, denied = denial(app, api, practice, reason="50")
    made_appeal = appeal(api, practice, denied["id"])
    text = text_of(fetched(letter_of(api, practice, made_appeal)["url"]))

    assert made_appeal["attachments"] == []
    assert "medically necessary" in text and "Proof of timely filing" not in text
    assert "CO-50" in text and made_appeal["reason"] in text


def test_a_small_attachment_is_stored_and_listed_with_a_signed_url_and_named_in_the_letter(app, api, practice):
    _, denied = denial(app, api, practice, reason="50")
    made_appeal = appeal(api, practice, denied["id"])
    content = b"%PDF-1.4 progress notes"
    made = ok(api, practice, "POST", f"/appeals/{made_appeal['id']}/attachments", {
        "name": "progress-notes.pdf", "content_type": "application/pdf", "size_bytes": len(content),
        "content_base64": base64.b64encode(content).decode()}, 201, headers={"If-Match": str(made_appeal["version"])})
    [listed] = ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")["data"]

    assert made["upload"] is None and listed["id"] == made["attachment"]["id"]
    assert fetched(listed["url"]) == content
    assert "- progress-notes.pdf" in text_of(fetched(letter_of(api, practice, made_appeal)["url"]))


def test_a_larger_attachment_gets_a_presigned_post_that_takes_only_its_declared_size(app, api, practice):
    _, denied = denial(app, api, practice, reason="50")
    made_appeal = appeal(api, practice, denied["id"])
    made = ok(api, practice, "POST", f"/appeals/{made_appeal['id']}/attachments", {
        "name": "records.pdf", "content_type": "application/pdf", "size_bytes": 2000}, 201,
        headers={"If-Match": str(made_appeal["version"])})
    upload = made["upload"]
    conditions = json.loads(base64.b64decode(upload["fields"]["policy"]))["conditions"]

    assert ["content-length-range", 2000, 2000] in conditions and {"Content-Type": "application/pdf"} in conditions
    assert ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")["data"][0]["url"] is None
    posted = requests.post(upload["url"], data=upload["fields"], files={"file": b"%PDF" + b"x" * 1996}, timeout=10)
    assert posted.status_code in (200, 204), posted.text[:200]
    [listed] = ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")["data"]
    assert listed["size_bytes"] == 2000 and len(fetched(listed["url"])) == 2000


@pytest.mark.parametrize("change, field", [
    ({"size_bytes": 10_000_001}, "size_bytes"), ({"content_type": "application/zip"}, "content_type"),
    ({"content_base64": "not base64!"}, "content_base64"), ({"size_bytes": 3}, "size_bytes"),
    ({"name": "../x.pdf"}, "name")])
def test_an_attachment_too_large_of_another_type_or_not_as_declared_is_refused_and_nothing_is_kept(
        app, api, practice, change, field):
    _, denied = denial(app, api, practice, reason="50")
    made_appeal = appeal(api, practice, denied["id"])
    body = {"name": "notes.pdf", "content_type": "application/pdf", "size_bytes": 8,
            "content_base64": base64.b64encode(b"%PDF-1.4").decode(), **change}
    refused = ok(api, practice, "POST", f"/appeals/{made_appeal['id']}/attachments", body, 422,
                 headers={"If-Match": str(made_appeal["version"])})

    assert field in json.dumps(refused["errors"])
    assert ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")["data"] == []


def test_rendering_a_letter_logs_no_patient_data(app, api, practice, caplog):
    _, denied = denial(app, api, practice, reason="29")
    made_appeal = appeal(api, practice, denied["id"])
    with caplog.at_level(logging.INFO):  # the app's level (REVCYCLE_LOG_LEVEL); botocore's DEBUG logs requests
        letter_of(api, practice, made_appeal)
        ok(api, practice, "GET", f"/appeals/{made_appeal['id']}/attachments")
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records
    for secret in (PATIENT["last_name"].upper(), PATIENT["last_name"], "ACT123456", PATIENT["birth_date"]):
        assert secret not in logged
