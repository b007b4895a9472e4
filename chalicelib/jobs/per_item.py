"""How a job worker goes through a practice's visits or claims: each one on its own.

- An item refused for what its data says (a domain error, an X12 rule it breaks) needs a person: the job records
  it with its reason and a task (`refused`), and is not tried again by a redelivery of the message.
- An item that fails for any other reason (a bug, a throttled table) is logged; the others still go on, and then
  the message fails (`ItemsFailed`) so the queue delivers it again, and after its last try moves it to the DLQ.
- What succeeded is not done twice: each job marks an item done (a conditional put, or the item's next date
  moved on) in the same step that acts on it, so a redelivered message skips it.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable

from chalicelib.core.errors import DomainError
from chalicelib.core.logs import get_logger
from chalicelib.edi.x12.segments import X12Error

REFUSALS = (DomainError, X12Error)


class ItemsFailed(RuntimeError):
    """Some items of a message failed unexpectedly (each is logged); the others were handled."""


def reason(error: Exception) -> str:
    """A refusal in words fit for a task and a log: domain errors and X12 errors never carry patient data."""
    text = error.detail if isinstance(error, DomainError) else str(error)
    fields = [f"{e['field']}: {e['message']}" for e in getattr(error, "errors", [])]
    return "; ".join([text.rstrip("."), *fields])[:1900]


@dataclass
class Tally:
    job: str
    practice_id: str
    tried: int = 0
    done: int = 0
    refused: int = 0
    failed: int = 0

    def attempt(self, item_id: str, act: Callable[[], Any], refuse: Callable[[Exception], None]) -> None:
        """Run `act` for one item; a refusal goes to `refuse`, anything else is logged. Never raises."""
        self.tried += 1
        ok, value = self.guard(item_id, act, refuse)
        self.done += 1 if ok and value else 0

    def guard(self, item_id: str, act: Callable[[], Any], refuse: Callable[[Exception], None]) -> tuple[bool, Any]:
        """One step of one item, for a job that takes many items through its steps together: (True, what `act`
        returned), or (False, None) when the item was refused or failed (`record`). Never raises."""
        try:
            return True, act()
        except Exception as error:  # noqa: BLE001 - recorded as the item's, and the others go on
            self.record(item_id, error, refuse)
            return False, None

    def record(self, item_id: str, error: Exception, refuse: Callable[[Exception], None]) -> None:
        """An item's error, wherever it was caught (a thread, a shared transaction): a refusal goes to `refuse`;
        anything else is logged, and the message fails in `settle`."""
        keys = {"job": self.job, "practice_id": self.practice_id, "item_id": item_id}
        if not isinstance(error, REFUSALS):
            self._failed(keys, error)
            return
        try:
            refuse(error)
        except Exception as failure:  # noqa: BLE001 - the refusal could not be recorded: try again later
            self._failed(keys, failure)
            return
        self.refused += 1
        get_logger().warning("item refused", extra={**keys, "error": type(error).__name__})

    def _failed(self, keys: dict[str, str], error: Exception) -> None:
        # Where it failed, not what it said: an unexpected error's text may quote the data it choked on.
        frames = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                  for f in traceback.extract_tb(error.__traceback__)[-6:]]
        self.failed += 1
        get_logger().error("item failed", extra={**keys, "error": type(error).__name__, "at": frames})

    def settle(self) -> int:
        """How many items were acted on; raises when some failed, so the queue delivers the message again."""
        if self.failed:
            raise ItemsFailed(f"{self.failed} item(s) of {self.job} for practice {self.practice_id} failed; "
                              f"{self.done} done, {self.refused} refused")
        return self.done
