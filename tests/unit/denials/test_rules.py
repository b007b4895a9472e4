"""The denial rules code by code: category from the CARC (and the remarks when the CARC only points at them),
the recommended action, the appeal due date and the priority from amount and days left."""
from datetime import date

import pytest

from chalicelib.denials import rules
from chalicelib.denials.rules import Code


def co(reason, cents=10_000):
    return Code("CO", reason, cents)


@pytest.mark.parametrize("carc, expected", [
    ("26", "eligibility_coverage"), ("27", "eligibility_coverage"), ("31", "eligibility_coverage"),
    ("109", "eligibility_coverage"), ("15", "authorization"), ("197", "authorization"), ("242", "authorization"),
    ("243", "authorization"), ("4", "coding"), ("11", "coding"), ("181", "coding"), ("50", "medical_necessity"),
    ("167", "medical_necessity"), ("18", "duplicate"), ("29", "timely_filing"), ("97", "bundling"),
    ("234", "bundling"), ("236", "bundling"), ("96", "non_covered"), ("204", "non_covered"),
    ("119", "non_covered"), ("22", "coordination_of_benefits"), ("23", "coordination_of_benefits"),
    ("16", "missing_information"), ("252", "missing_information"), ("45", "other"), ("131", "other"),
    ("XYZ", "other"),
])
def test_each_carc_has_its_category(carc, expected):
    assert rules.category([co(carc)], []) == expected


def test_a_carc_that_points_at_the_remarks_takes_the_first_remark_that_names_a_category():
    assert rules.category([co("16")], ["N130", "M51", "N30"]) == "coding"
    assert rules.category([co("A1")], ["N30"]) == "eligibility_coverage"


def test_a_generic_carc_without_a_telling_remark_keeps_its_own_category():
    assert rules.category([co("16")], ["MA01"]) == "missing_information"
    assert rules.category([co("A1")], []) == "other"


def test_a_specific_carc_is_not_overruled_by_a_remark():
    assert rules.category([co("29")], ["M51"]) == "timely_filing"


def test_the_largest_adjustment_that_is_not_the_patients_decides():
    adjustments = [Code("PR", "1", 50_000), co("45", 1_000), Code("OA", "18", 9_000)]
    assert rules.main_reason(adjustments) == Code("OA", "18", 9_000)
    assert rules.category(adjustments, []) == "duplicate"


def test_a_tie_goes_to_the_first_adjustment():
    assert rules.main_reason([co("29", 500), co("50", 500)]).reason == "29"


@pytest.mark.parametrize("adjustments, remarks, expected", [
    ([co("16")], ["MA130"], "correct_and_resubmit"),  # no appeal rights: send a new, corrected claim
    ([co("29")], [], "appeal"),  # with proof of timely filing
    ([co("18")], [], "write_off"),  # once checked
    ([co("22")], [], "bill_secondary"),
    ([Code("OA", "23", 100)], [], "write_off"),  # a prior payer paid it
    ([co("50")], [], "appeal"),
    ([co("50")], ["N211"], "write_off"),  # no appeal rights
    ([co("197")], [], "appeal"),
    ([co("4")], [], "correct_and_resubmit"),
    ([co("236")], [], "correct_and_resubmit"),  # NCCI: a modifier may apply
    ([co("97")], [], "write_off"),
    ([Code("OA", "96", 100)], [], "bill_patient"),  # not covered, no contract keeps it from the patient
    ([co("96")], [], "write_off"),  # CO: the contract forbids billing the patient
    ([Code("OA", "27", 100)], [], "bill_patient"),  # after coverage ended
    ([co("27")], [], "write_off"),
    ([co("31")], [], "correct_and_resubmit"),
    ([co("16")], ["N290"], "correct_and_resubmit"),
])
def test_each_denial_has_its_recommended_action(adjustments, remarks, expected):
    assert rules.action(adjustments, remarks, rules.category(adjustments, remarks)) == expected


def test_every_category_has_an_action_and_words():
    assert set(rules.ACTION_OF_CATEGORY) == set(rules.CATEGORIES) == set(rules.CATEGORY_WORDS)
    assert set(rules.ACTION_OF_CATEGORY.values()) | set(rules.ACTION_OF_CARC.values()) <= set(rules.ACTIONS)
    assert set(rules.ACTION_WORDS) == set(rules.ACTIONS)


def test_the_appeal_is_due_180_days_after_the_remittance_unless_the_payer_says_otherwise():
    assert rules.appeal_due(date(2027, 1, 1)) == date(2027, 6, 30)
    assert rules.appeal_due(date(2027, 1, 1), 90) == date(2027, 4, 1)


@pytest.mark.parametrize("cents, days_left, expected", [
    (100_000, 10, "urgent"),  # 3 + 3
    (25_000, 14, "urgent"),  # 2 + 3
    (100_000, 180, "high"),  # 3 + 0
    (25_000, 30, "high"),  # 2 + 2
    (4_999, 10, "high"),  # 0 + 3
    (5_000, 61, "normal"),  # 1 + 0
    (4_999, 60, "normal"),  # 0 + 1
    (4_999, 61, "low"),  # 0 + 0
    (100, -3, "high"),  # past the window counts as the shortest
])
def test_priority_adds_points_for_the_amount_and_for_the_days_left_to_appeal(cents, days_left, expected):
    assert rules.priority(cents, days_left) == expected


def test_the_task_is_due_within_a_week_or_two_weeks_before_the_window_closes_never_before_today():
    today = date(2027, 3, 1)
    assert rules.task_due(today, date(2027, 8, 28)) == date(2027, 3, 8)
    assert rules.task_due(today, date(2027, 3, 19)) == date(2027, 3, 5)
    assert rules.task_due(today, date(2027, 3, 5)) == today
