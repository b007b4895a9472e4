"""X12 acknowledgments of our claims: 999 (005010X231A1) and 277CA (005010X214)."""
