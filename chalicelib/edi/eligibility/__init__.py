"""X12 eligibility, 270 and 271 (005010X279A1)."""
