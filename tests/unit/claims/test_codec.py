"""A claim as stored: its document's JSON, and beside it the 837 segments rendered when it was judged, bound to
that JSON; the writer takes the segments only when they are this rendering's, of this very document."""
import dataclasses
import json

import pytest

from chalicelib.claims import codec
from chalicelib.edi.claim.writer import RENDERING, render
from chalicelib.edi.x12.segments import X12Error
from tests.claims_corpus import corpus
from tests.claims_factory import make_document, make_institutional


@pytest.mark.parametrize("claim_type", ["professional", "institutional"])
def test_a_document_reads_back_as_it_was_stored(claim_type):
    for document in corpus(30, claim_type):
        assert codec.loads(codec.dumps(document)) == document


def test_a_secondary_document_reads_back_with_its_earlier_payers_adjudication():
    from tests.unit.edi.test_claim_837_cob import institutional_secondary, professional_secondary

    for document in (professional_secondary(), institutional_secondary()):
        assert document.other_payers and codec.loads(codec.dumps(document)) == document


def test_a_judged_claim_stores_its_segments_made_by_this_rendering_from_its_document():
    document = make_institutional()
    stored = codec.stored(document)
    segments = json.loads(stored["segments"])
    assert stored["document"] == codec.dumps(document)
    assert (segments["rendering"], segments["claim_type"]) == (RENDERING, "institutional")
    assert codec.claim_837(**stored) == render(document)


def test_the_writer_takes_the_stored_segments_as_they_are():
    stored = codec.stored(make_document())
    segments = json.loads(stored["segments"])
    segments["claim"][0] = "CLM*AS-STORED"
    claim = codec.claim_837(stored["document"], json.dumps(segments))
    assert claim.claim[0] == "CLM*AS-STORED"  # read, not rendered again


def test_segments_of_another_document_are_rendered_again_from_the_document_stored():
    before = codec.stored(make_document())
    edited = make_document(prior_authorization="AUTH77")
    claim = codec.claim_837(codec.dumps(edited), before["segments"])  # the document changed, its segments did not
    assert claim == render(edited) and "REF*G1*AUTH77" in claim.claim


def test_segments_of_another_rendering_are_rendered_again():
    stored = codec.stored(make_document())
    segments = {**json.loads(stored["segments"]), "rendering": RENDERING + 1, "claim": ["CLM*OTHER"]}
    assert codec.claim_837(stored["document"], json.dumps(segments)) == render(make_document())


def test_a_claim_that_breaks_an_837_rule_is_stored_without_segments_and_writing_it_says_why():
    broken = dataclasses.replace(make_document(), claim_id="01JBROKEN")
    broken = dataclasses.replace(broken, subscriber=dataclasses.replace(broken.subscriber, member_id="X"))
    stored = codec.stored(broken)
    assert stored["segments"] is None
    with pytest.raises(X12Error, match="claim 01JBROKEN: subscriber.member_id"):
        codec.claim_837(**stored)
