"""Scheduled jobs: a dispatcher per schedule puts one message per practice on the jobs queue; the worker does
one practice's share. Kept import-light: app.py names these at cold start."""
from __future__ import annotations

import os

# The queue the worker's trigger is bound to when `chalice package` runs. It must match the template's
# `<stack>-jobs` queue (a stack named `revcycle`) and REVCYCLE_JOBS_QUEUE, which the senders use.
JOBS_QUEUE = os.environ.get("REVCYCLE_JOBS_QUEUE", "revcycle-jobs")
