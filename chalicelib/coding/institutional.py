"""Institutional claim codes from the NUBC's UB-04 Data Specifications Manual: revenue codes and type of bill,
plus the claim frequency codes that professional claims share.

The NUBC manual is licensed, so only shapes and the code meanings every biller uses are written here; a
revenue code's exact list of valid values (0450 emergency room, 0300 laboratory, ...) is not shipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# UB-04 FL 42 / 837I SV201: four digits. Nearly all start with 0 (0001 to 0999); the NUBC also assigned
# 100X behavioural health accommodations, 210X alternative therapy services and 310X adult care, so those
# three groups are accepted too rather than refused for lacking the leading 0.
_REVENUE_CODE = re.compile(r"(?!0000)0\d{3}|100\d|210\d|310\d")
TOTAL_CHARGES_REVENUE_CODE = "0001"  # UB-04 line 23 total; on an 837I the total goes in CLM02, not a line

# Claim frequency (the last character of the type of bill; 837P and 837I CLM05-3). NUBC FL 4.
FREQUENCY_CODES: dict[str, str] = {
    "0": "Non-payment/zero claim",
    "1": "Admit through discharge claim (an original claim)",
    "2": "Interim, first claim",
    "3": "Interim, continuing claim",
    "4": "Interim, last claim",
    "5": "Late charges only",
    "7": "Replacement of a prior claim",
    "8": "Void/cancel of a prior claim",
    "9": "Final claim for a home health PPS episode",
}
PROFESSIONAL_FREQUENCY_CODES = frozenset({"1", "7", "8"})  # 005010X222A1 CLM05-3: original, replace, void
REFERS_TO_PRIOR_CLAIM = frozenset({"7", "8"})  # these need the payer's claim control number (REF*F8)

# Type of bill, second character: the type of facility (NUBC FL 4, first digit after the leading 0). 5 was
# discontinued and 9 is reserved, so neither is accepted.
FACILITY_TYPES: dict[str, str] = {
    "1": "Hospital",
    "2": "Skilled nursing",
    "3": "Home health",
    "4": "Religious nonmedical (hospital)",
    "6": "Intermediate care",
    "7": "Clinic",
    "8": "Special facility or hospital ASC surgery",
}

# Third character: the bill classification; its meaning depends on the facility type (NUBC FL 4). The NUBC
# assigns and retires these more often than facility types (FQHCs moved from 73X to 77X), so a digit not
# listed here is accepted with no meaning rather than refused; 0 is never a classification.
_CLASSIFICATIONS_FACILITY: dict[str, str] = {
    "1": "Inpatient (including Medicare Part A)", "2": "Inpatient (Medicare Part B)", "3": "Outpatient",
    "4": "Other (Medicare Part B)", "5": "Intermediate care, level I", "6": "Intermediate care, level II",
    "7": "Subacute inpatient", "8": "Swing bed",
}
_CLASSIFICATIONS_CLINIC: dict[str, str] = {
    "1": "Rural health clinic", "2": "Renal dialysis facility (hospital-based or independent)",
    "4": "Outpatient rehabilitation facility",
    "5": "Comprehensive outpatient rehabilitation facility", "6": "Community mental health center",
    "7": "Federally qualified health center", "9": "Other",
}
_CLASSIFICATIONS_SPECIAL: dict[str, str] = {
    "1": "Hospice (non-hospital based)", "2": "Hospice (hospital based)",
    "3": "Ambulatory surgical center services to hospital outpatients", "4": "Free-standing birthing center",
    "5": "Critical access hospital", "6": "Residential facility", "9": "Other",
}
_TYPE_OF_BILL = re.compile(r"0(\d)([1-9])(\d)")


@dataclass(frozen=True, slots=True)
class TypeOfBill:
    code: str  # four characters, as on the UB-04 (0131); an 837I sends "13" in CLM05-1 and "1" in CLM05-3
    facility: str
    classification: str | None  # None: a classification digit this module has no meaning for
    frequency: str

    @property
    def frequency_code(self) -> str:
        return self.code[3]

    @property
    def facility_code(self) -> str:
        """CLM05-1 on an 837I: the two digits between the leading 0 and the frequency."""
        return self.code[1:3]


def is_revenue_code(code: str) -> bool:
    return bool(_REVENUE_CODE.fullmatch(code))


def _classifications(facility_digit: str) -> dict[str, str]:
    return {"7": _CLASSIFICATIONS_CLINIC, "8": _CLASSIFICATIONS_SPECIAL}.get(facility_digit,
                                                                           _CLASSIFICATIONS_FACILITY)


def parse_type_of_bill(code: str) -> TypeOfBill | None:
    """The meanings of a four-character type of bill (0131), or None if it is malformed or its facility type
    or frequency is not assigned."""
    match = _TYPE_OF_BILL.fullmatch(code)
    if not match or match[1] not in FACILITY_TYPES or match[3] not in FREQUENCY_CODES:
        return None
    facility, classification, frequency = match[1], match[2], match[3]
    return TypeOfBill(code, FACILITY_TYPES[facility], _classifications(facility).get(classification),
                      FREQUENCY_CODES[frequency])


def is_type_of_bill(code: str) -> bool:
    return parse_type_of_bill(code) is not None
