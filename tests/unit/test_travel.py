"""`make test-dates` moves every Python process of a run to another day (tools/travel/sitecustomize.py)."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

TRAVEL = Path(__file__).resolve().parents[2] / "tools" / "travel"


def test_a_process_started_with_a_destination_lives_on_that_day_and_its_children_too():
    env = {name: value for name, value in os.environ.items() if name != "REVCYCLE_TRAVEL_SHIFT"}
    env.update(PYTHONPATH=str(TRAVEL), REVCYCLE_TRAVEL_TO="2028-02-29T23:59:58Z")
    script = ("import datetime, subprocess, sys, time; print(datetime.date.today()); time.sleep(2.5); "
              "print(datetime.datetime.now(datetime.timezone.utc).date()); sys.stdout.flush(); "
              "subprocess.run([sys.executable, '-c', 'import datetime; print(datetime.date.today())'])")
    printed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert printed.stdout.split() == ["2028-02-29", "2028-03-01", "2028-03-01"]  # it ticks, and children follow


def test_this_run_is_on_the_day_it_was_sent_to():
    destination = os.environ.get("REVCYCLE_TRAVEL_TO")
    if not destination:
        pytest.skip("this run is on today's date (make test-dates sets REVCYCLE_TRAVEL_TO)")
    moved_to = datetime.fromisoformat(destination.replace("Z", "+00:00"))
    assert timedelta(0) <= datetime.now(timezone.utc) - moved_to < timedelta(hours=3)
