"""The appeal rules, pure: levels, the window's last day, the reminder's day, status moves and outcomes."""
from datetime import date

from chalicelib.appeals import rules

DAY = date(2027, 3, 1)  # any day: every function here takes its dates


def test_a_first_level_follows_nothing_and_each_later_level_follows_the_one_before():
    assert rules.previous_level("first") is None
    assert rules.previous_level("second") == "first"
    assert rules.previous_level("external_review") == "second"


def test_the_last_day_to_appeal_is_the_payers_window_counted_from_its_start():
    assert rules.due_on(DAY, 180) == date(2027, 8, 28)
    assert rules.due_on(DAY, 30) == date(2027, 3, 31)


def test_the_reminder_is_due_days_before_the_window_closes_but_never_before_today():
    assert rules.reminder_on(DAY, date(2027, 6, 1), 14) == date(2027, 5, 18)
    assert rules.reminder_on(DAY, date(2027, 3, 5), 14) == DAY


def test_an_appeal_moves_from_draft_to_sent_to_a_decision_and_no_further():
    assert rules.may_move("draft", "sent")
    assert not rules.may_move("draft", "won")
    assert all(rules.may_move("sent", to) for to in ("won", "partly_won", "lost"))
    assert not any(rules.may_move(decided, "sent") for decided in ("won", "partly_won", "lost"))


def test_a_later_payment_wins_the_appeal_when_it_denies_nothing_more_and_partly_wins_it_when_it_still_does():
    assert rules.outcome(8_000, still_denied=False) == "won"
    assert rules.outcome(4_000, still_denied=True) == "partly_won"
    assert rules.outcome(0, still_denied=False) is None
