"""Stored tasks (pk=PRACTICE#p, sk=TASK#id). A task opened for a claim and a reason is named by the claim
(`ClaimItem.open_tasks`, claims/open_tasks.py), which keeps one open task per claim and reason.

gsi1 holds open tasks only, per practice and queue, sorted `<priority rank>#<due_on>#<id>`: urgent first, then
the soonest due, then the oldest. Completing a task removes its gsi1 keys, so the work list never reads done
tasks. gsi2 holds every task of a claim (`PRACTICE#p#CLAIMTASKS#<claim id>`, sorted by task id).

Tasks hold ids, codes and short staff-written text: titles are written by callers from ids and codes, never
patient names, because they show in work lists read by every role.
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.db.models import Item

PRIORITY_RANK = {"urgent": "0", "high": "1", "normal": "2", "low": "3"}
MANUAL = "manual"  # made by a person; never named by its claim, never closed by the claim's moves


class Task(Item, discriminator="task"):
    practice_id = UnicodeAttribute()
    claim_id = UnicodeAttribute(null=True)
    visit_id = UnicodeAttribute(null=True)  # a job's task about a visit (eligibility not checked), not a claim
    reason = UnicodeAttribute()  # rejected | denied | no_999 | no_277ca | no_payment | timely_filing | manual ...
    queue = UnicodeAttribute()  # billing | coding | front_desk
    priority = UnicodeAttribute()  # urgent | high | normal | low
    status = UnicodeAttribute()  # open | done
    title = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)
    due_on = UnicodeAttribute()  # YYYY-MM-DD
    assignee = UnicodeAttribute(null=True)  # the label of an API key of the firm
    snoozed_until = UnicodeAttribute(null=True)  # YYYY-MM-DD: hidden from the work list until that day
    completed_at = UnicodeAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)  # API key id
    note = UnicodeAttribute(null=True)  # completion note
    created_by = UnicodeAttribute()  # API key id, or `job:<name>`
    closed_by_event = UnicodeAttribute(null=True)  # JSON {sequence, event, to_status}: the claim move that closed it
