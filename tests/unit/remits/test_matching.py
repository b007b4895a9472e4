"""Which of our claim's lines each SVC of an 835 answers: REF*6R first, then procedure, modifiers and date,
each line once, the rest unmatched with the reason. Dates are passed in: nothing here depends on today."""
from datetime import date

from chalicelib.edi.remittance.result import Procedure, Reference, ServiceLine
from chalicelib.remits.matching import BY_CONTROL_NUMBER, BY_PROCEDURE, OurLine, match_lines, our_lines

DAY = date(2026, 3, 2)
OURS = [OurLine(1, "100-1", "99213", ("25",), "", DAY), OurLine(2, "100-2", "82962", (), "", DAY),
        OurLine(3, "100-3", "82962", (), "", DAY)]


def svc(number, code, modifiers=(), six_r="", day=DAY, original=None):
    references = (Reference("6R", six_r),) if six_r else ()
    return ServiceLine(number, Procedure("HC", code, modifiers), 1000, 800, service_from=day,
                       references=references, original_procedure=original)


def matched(results):
    return [(r.ours.number if r.ours else None, r.matched_by) for r in results]


def test_each_line_is_matched_by_the_control_number_it_echoes():
    got = match_lines([svc(1, "82962", six_r="100-3"), svc(2, "99213", ("25",), six_r="100-1")], OURS, None)
    assert matched(got) == [(3, BY_CONTROL_NUMBER), (1, BY_CONTROL_NUMBER)]


def test_a_line_without_6r_takes_the_same_procedure_on_the_same_day_once_each():
    got = match_lines([svc(1, "82962"), svc(2, "82962"), svc(3, "82962")], OURS, None)
    assert matched(got) == [(2, BY_PROCEDURE), (3, BY_PROCEDURE), (None, None)]
    assert "82962 on 2026-03-02" in got[2].reason


def test_a_line_named_by_6r_is_not_taken_by_an_earlier_line_without_it():
    got = match_lines([svc(1, "82962"), svc(2, "82962", six_r="100-2")], OURS, None)
    assert matched(got) == [(3, BY_PROCEDURE), (2, BY_CONTROL_NUMBER)]


def test_modifiers_must_agree_in_any_order_and_the_date_must_be_the_line_s():
    ours = [OurLine(1, "", "99213", ("25", "59"), "", DAY)]
    assert matched(match_lines([svc(1, "99213", ("59", "25"))], ours, None)) == [(1, BY_PROCEDURE)]
    assert matched(match_lines([svc(1, "99213", ("25",))], ours, None)) == [(None, None)]
    assert matched(match_lines([svc(1, "99213", ("25", "59"), day=date(2026, 3, 3))], ours, None)) == [(None, None)]


def test_the_billed_code_of_svc06_is_matched_when_the_payer_paid_another():
    line = svc(1, "99212", ("25",), original=Procedure("HC", "99213", ("25",)))
    assert matched(match_lines([line], OURS, None)) == [(1, BY_PROCEDURE)]


def test_a_line_without_a_date_takes_the_claim_s_statement_date():
    line = svc(1, "99213", ("25",), day=None)
    assert matched(match_lines([line], OURS, DAY)) == [(1, BY_PROCEDURE)]
    assert matched(match_lines([line], OURS, date(2026, 1, 1))) == [(None, None)]


def test_a_6r_that_is_none_of_ours_says_so_in_the_reason():
    [result] = match_lines([svc(1, "99999", six_r="OTHER-9")], OURS, None)
    assert result.ours is None and "REF*6R OTHER-9 is none of the claim's line control numbers" in result.reason


def test_our_lines_are_read_from_the_stored_document():
    document = ('{"claim": {"lines": [{"number": 1, "procedure_code": "99213", "modifiers": ["25"], '
                '"revenue_code": "", "service_date": "2026-03-02", "control_number": "100-1", "units": 1}]}}')
    assert our_lines(document) == [OURS[0]]
