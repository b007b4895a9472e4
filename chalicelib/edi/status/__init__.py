"""X12 claim status, 276 and 277 (005010X212)."""
