"""The 999's code lists in plain words (005010X231A1): segment, element, set and group error codes."""
from __future__ import annotations

from typing import Mapping

# IK304, implementation segment syntax error code (X231A1 2100 IK3).
SEGMENT_CODES = {
    "1": "unrecognized segment id", "2": "unexpected segment", "3": "required segment missing",
    "4": "loop occurs over maximum times", "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set", "7": "segment not in proper sequence",
    "8": "segment has data element errors", "I4": 'implementation "not used" segment present',
    "I6": "implementation dependent segment missing", "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use", "I9": 'implementation dependent "not used" segment present'}
# IK403, implementation data element syntax error code (X231A1 2110 IK4).
ELEMENT_CODES = {
    "1": "required data element missing", "2": "conditional required data element missing",
    "3": "too many data elements", "4": "data element too short", "5": "data element too long",
    "6": "invalid character in data element", "7": "invalid code value", "8": "invalid date", "9": "invalid time",
    "10": "exclusion condition violated", "12": "too many repetitions", "13": "too many components",
    "I10": 'implementation "not used" data element present', "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure", "I13": 'implementation dependent "not used" data element present',
    "I6": "code value not used in implementation", "I9": "implementation dependent data element missing"}
# IK501 and AK901 (AK901 adds P). E means accepted: the errors noted did not stop the set (X231A1 IK5 notes).
RESULT_CODES = {
    "A": "accepted", "E": "accepted but errors were noted", "M": "rejected, message authentication code failed",
    "P": "partially accepted, at least one transaction set was rejected", "R": "rejected",
    "W": "rejected, assurance failed validity tests", "X": "rejected, content after decryption could not be analyzed"}
# IK502-IK506, implementation transaction set syntax error code (X231A1 2000 IK5).
SET_ERROR_CODES = {
    "1": "transaction set not supported", "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count", "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier", "7": "missing or invalid transaction set control number",
    "8": "authentication key name unknown", "9": "encryption key name unknown",
    "10": "requested service (authentication or encryption) not available", "11": "unknown security recipient",
    "12": "incorrect message length (encryption only)", "13": "message authentication code failed",
    "15": "unknown security originator", "16": "syntax error in decrypted text", "17": "security not supported",
    "18": "transaction set not in functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the functional group",
    "24": "S3E security end segment missing for S3S security start segment",
    "25": "S3S security start segment missing for S3E security end segment",
    "26": "S4E security end segment missing for S4S security start segment",
    "27": "S4S security start segment missing for S4E security end segment",
    "I5": "implementation one or more segments in error", "I6": "implementation convention not supported"}
# AK905-AK909, functional group syntax error code (X231A1 AK9).
GROUP_ERROR_CODES = {
    "1": "functional group not supported", "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "group control number in the functional group header and trailer do not agree",
    "5": "number of included transaction sets does not match actual count",
    "6": "group control number violates syntax", "10": "authentication key name unknown",
    "11": "encryption key name unknown", "12": "requested service (authentication or encryption) not available",
    "13": "unknown security recipient", "14": "unknown security originator", "15": "syntax error in decrypted text",
    "16": "security not supported", "17": "incorrect message length (encryption only)",
    "18": "message authentication code failed", "19": "functional group control number not unique within interchange",
    "23": "S3E security end segment missing for S3S security start segment",
    "24": "S3S security start segment missing for S3E security end segment",
    "25": "S4E security end segment missing for S4S security start segment",
    "26": "S4S security start segment missing for S4E security end segment",
    "I6": "implementation convention not supported"}


def describe(code: str, table: Mapping[str, str]) -> str:
    """Plain words for a code; a code outside the list is named only when it looks like a code (a misplaced
    value could be patient data)."""
    if code in table:
        return table[code]
    return f"code {code} (not in the guide's list)" if code.isalnum() and len(code) <= 3 else "an unknown code"
