"""Front desk warnings (visits/warnings.py): the visit's own day is judged by the clock it was booked with."""
from datetime import datetime, timezone

from chalicelib.visits.warnings import later_day_problem


def test_a_visit_is_on_a_later_day_until_its_local_midnight():
    late_evening = datetime(2026, 3, 11, 3, 0, tzinfo=timezone.utc)  # 21:00 on March 10 at UTC-6
    assert later_day_problem("2026-03-11", -360, late_evening)["code"] == "visit_on_later_day"
    assert later_day_problem("2026-03-11", -360, datetime(2026, 3, 11, 6, 0, tzinfo=timezone.utc)) is None


def test_a_visit_booked_for_an_earlier_day_is_not_on_a_later_day():
    assert later_day_problem("2026-03-09", -360, datetime(2026, 3, 11, 6, 0, tzinfo=timezone.utc)) is None


def test_a_visit_booked_before_offsets_were_kept_is_judged_in_utc():
    assert later_day_problem("2026-03-11", None, datetime(2026, 3, 10, 23, 0, tzinfo=timezone.utc)) is not None
