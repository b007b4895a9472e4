"""The 837 writer writes, byte for byte, what the writer before stored segments wrote (commit 234f86e), whatever
form a claim comes in: a document, the segments a claim stores when it is judged, or a claim stored before them.

tests/fixtures/837/ holds that writer's files of a varied corpus (tests/claims_corpus.py), made with
`.venv/bin/python bench/claims.py --save-837 tests/fixtures/837 --before 234f86e`. A change that means to write
other bytes regenerates them with its own commit and counts up `claim_837.RENDERING`, so that segments stored by
the writer before are rendered again rather than written as they are.
"""
import re
from pathlib import Path

import pytest

from chalicelib.claims import codec
from tests.claims_corpus import corpus
from tests.claims_factory import write
from tests.x12_validate import pyx12_errors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "837"
CASES = {"professional": (150, 40), "institutional": (60, 20)}  # claims, claims per transaction set (as saved)
REGENERATE = "the 837 changed: if meant, regenerate tests/fixtures/837 and count up claim_837.RENDERING"


def written(claim_type: str, claims) -> str:
    return write(claims, claim_type, claims_per_transaction=CASES[claim_type][1])


def expected(claim_type: str) -> str:
    return (FIXTURES / f"{claim_type}.x12").read_text()


def documents(claim_type: str):
    return corpus(CASES[claim_type][0], claim_type)


@pytest.mark.parametrize("claim_type", CASES)
def test_documents_are_written_in_the_bytes_of_the_writer_before(claim_type):
    assert written(claim_type, documents(claim_type)) == expected(claim_type), REGENERATE


@pytest.mark.parametrize("claim_type", CASES)
def test_the_segments_a_judged_claim_stores_are_written_in_the_same_bytes(claim_type):
    claims = [codec.claim_837(**codec.stored(document)) for document in documents(claim_type)]
    assert written(claim_type, claims) == expected(claim_type), REGENERATE


@pytest.mark.parametrize("claim_type", CASES)
def test_claims_stored_before_segments_are_written_in_the_same_bytes(claim_type):
    claims = [codec.claim_837(codec.dumps(document), None) for document in documents(claim_type)]
    assert written(claim_type, claims) == expected(claim_type), REGENERATE


@pytest.mark.parametrize("claim_type", CASES)
def test_the_corpus_files_are_valid_to_pyx12_and_use_what_the_corpus_means_to(claim_type):
    text = expected(claim_type)
    assert pyx12_errors(text) == []
    # Split transaction sets, several billing providers in each, patients apart from subscribers, pay-to addresses.
    transaction_sets = text.count("~ST*837*")
    assert transaction_sets > 1 and len(re.findall(r"~HL\*\d+\*\*20\*1~", text)) > transaction_sets
    assert "*23*0~PAT*" in text and "~NM1*87*" in text
