"""Moves the clock of every Python process of a test run to another day: `make test-dates` puts this folder on
PYTHONPATH and sets REVCYCLE_TRAVEL_TO (ISO-8601, UTC), so pytest, chalice local, the local event runner, moto
and localstripe all live at that moment and tick on from it.

The first process turns the destination into a shift from the real clock and leaves it in the environment
(REVCYCLE_TRAVEL_SHIFT, seconds) for the processes it starts, so a stack started ten minutes into the run is
ten minutes later than the destination too: every process reads the same clock.

time-machine moves the wall clock (time.time, datetime.now, date.today and their C equivalents) and leaves
the monotonic clock alone, so timeouts, sleeps and thread waits keep working; libfaketime, which also moves
the monotonic clock, makes Python's timed waits hang. DynamoDB Local (Java) keeps the real time: it never
tells the app the date. Nothing here runs unless the variable is set, and nothing of it ships.
"""
import os
import time
from datetime import datetime

if os.environ.get("REVCYCLE_TRAVEL_TO"):
    import time_machine

    if "REVCYCLE_TRAVEL_SHIFT" not in os.environ:
        destination = datetime.fromisoformat(os.environ["REVCYCLE_TRAVEL_TO"].replace("Z", "+00:00"))
        os.environ["REVCYCLE_TRAVEL_SHIFT"] = repr(destination.timestamp() - time.time())
    time_machine.travel(time.time() + float(os.environ["REVCYCLE_TRAVEL_SHIFT"]), tick=True).start()
