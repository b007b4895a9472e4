"""X12 remittance advice: the 835 (005010X221A1), read into values and written for the sandbox payer."""
