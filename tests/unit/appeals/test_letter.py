"""The letter, pure: its facts laid out (and nothing else of the patient), the proof page when there is one, and
the PDF pypdf writes from the lines."""
import io
from datetime import date

from pypdf import PdfReader

from chalicelib.appeals import letter, pdf

FACTS = letter.Facts(
    written_on=date(2027, 3, 1), practice=("RIVERSIDE FAMILY MEDICINE", "100 MAIN ST", "SPRINGFIELD, IL 62701"),
    payer=("SANDBOX HEALTH PLAN",), level="first", category="timely_filing", patient_control_number="000000123",
    payer_claim_number="SBX000000123", patient_name="LU CHEN", member_id="ACT123456", service_from="2027-01-04",
    service_to="2027-01-04", billed_cents=15500, paid_cents=0, denied_cents=15500, denied_on="2027-02-20",
    line=None, reasons=("CO-29: filed after the payer's time limit",), remarks=(), argument="Sent on time.",
    enclosed=("proof-of-timely-filing.pdf",),
    proof=letter.Proof("2027-01-05T10:00:00Z", "01BATCH", "2027-01-05T11:00:00Z", "2027-01-06T09:00:00Z",
                       "SBX000000123", ("2027-01-05T10:00:00Z submitted (batch_id 01BATCH)",)))


def text(blocks):
    """The laid-out lines, then once more as one line (a phrase may wrap)."""
    lines = "\n".join(line for line, _ in pdf.lines_of(blocks))
    return lines + "\n" + " ".join(lines.split())


def test_the_letter_names_the_claim_the_denial_in_words_the_categorys_argument_and_what_is_enclosed():
    first, _ = letter.pages(FACTS)
    written = text(first)
    for fact in ("LU CHEN", "ACT123456", "000000123", "SBX000000123", "2027-01-04", "$155.00", "$0.00",
                 "CO-29: filed after the payer's time limit", "timely filing limit", "Sent on time.",
                 "- proof-of-timely-filing.pdf", "First-level appeal", "March 01, 2027"):
        assert fact in written, fact


def test_the_proof_of_timely_filing_is_a_page_of_its_own_with_the_acceptance_times():
    _, proof = letter.pages(FACTS)
    written = text(proof)
    assert "Proof of timely filing" in written and "2027-01-05T11:00:00Z" in written and "01BATCH" in written


def test_a_letter_without_proof_is_one_page_and_a_line_denial_names_its_line():
    from dataclasses import replace

    pages = letter.pages(replace(FACTS, proof=None, category="bundling", line="line 2 (99213-25)"))
    assert len(pages) == 1 and "line 2 (99213-25)" in text(pages[0])


def test_the_pdf_holds_the_text_with_parentheses_and_backslashes_and_runs_onto_more_pages():
    long = [pdf.Block("(a) \\ b"), *[pdf.Block(f"paragraph {n}") for n in range(60)]]
    reader = PdfReader(io.BytesIO(pdf.render([long], "t")))
    assert len(reader.pages) == 3
    assert "(a) \\ b" in reader.pages[0].extract_text() and "paragraph 59" in reader.pages[2].extract_text()


def test_a_character_outside_the_pdfs_encoding_becomes_a_question_mark_and_fails_nothing():
    data = pdf.render([[pdf.Block("José 漢")]], "t")
    assert "José ?" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
