"""National Provider Identifier: 10 digits, the last a Luhn check digit computed over the prefix 80840
(CMS, "Requirements for NPI Check Digit", which adds 24 to the Luhn sum of the first nine digits)."""
from __future__ import annotations

import re

_NPI_RE = re.compile(r"^[12]\d{9}$")
TAXONOMY_RE = re.compile(r"^\d{3}[0-9A-Z]{6}X$")  # NUCC Health Care Provider Taxonomy code shape


def npi_check_digit(first_nine: str) -> int:
    total = 24  # the constant for the 80840 prefix
    for i, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if i % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return bool(_NPI_RE.match(value)) and npi_check_digit(value[:9]) == int(value[9])


def is_valid_taxonomy(value: str) -> bool:
    return bool(TAXONOMY_RE.match(value))
