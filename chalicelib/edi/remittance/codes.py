"""The 835's code lists (005010X221A1) in plain words: what a biller reads beside each code.

Unknown codes are kept as codes ("claim status 99"): a payer's new code should stay visible, never vanish.
"""
from __future__ import annotations

VERSION = "005010X221A1"

# CLP02, claim status code (X221A1 loop 2100 CLP02). 5010 dropped 5 (pended) and others; these remain.
CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to additional payer(s)",
    "20": "processed as secondary, forwarded to additional payer(s)",
    "21": "processed as tertiary, forwarded to additional payer(s)",
    "22": "reversal of previous payment",
    "23": "not our claim, forwarded to additional payer(s)",
    "25": "predetermination pricing only, no payment",
}
# The payer sent the claim on to another payer (a crossover), named in NM1*TT (and corrected priority NM1*PR).
FORWARDED_STATUSES = frozenset({"19", "20", "21", "23"})
REVERSAL_STATUS = "22"
DENIED_STATUS = "4"
PROCESSED_STATUSES = frozenset({"1", "2", "3"})  # adjudicated by this payer, nothing passed on
CROSSOVER_STATUSES = frozenset({"19", "20", "21"})  # adjudicated, then passed on by the payer itself
NO_PAYMENT_STATUSES = frozenset({"23", "25"})  # not this payer's claim, or a predetermination: nothing to post

# CLP06, claim filing indicator code: the 835's own list, narrower than the 837's SBR09 (no CI, BL or 11 here).
FILING_INDICATORS = {
    "12": "preferred provider organization (PPO)",
    "13": "point of service (POS)",
    "14": "exclusive provider organization (EPO)",
    "15": "indemnity insurance",
    "16": "health maintenance organization (HMO) Medicare risk",
    "17": "dental maintenance organization",
    "AM": "automobile medical",
    "CH": "CHAMPUS",
    "DS": "disability",
    "HM": "health maintenance organization",
    "LM": "liability medical",
    "MA": "Medicare part A",
    "MB": "Medicare part B",
    "MC": "Medicaid",
    "OF": "other federal program",
    "TV": "title V",
    "VA": "veterans affairs plan",
    "WC": "workers' compensation health claim",
    "ZZ": "mutually defined",
}

# CAS01, claim adjustment group code. CR (corrections and reversals) left the 5010 list, but older payers'
# systems still send it, so it reads rather than fails.
ADJUSTMENT_GROUPS = {
    "CO": "contractual obligations",
    "CR": "corrections and reversals",
    "OA": "other adjustments",
    "PI": "payor initiated reductions",
    "PR": "patient responsibility",
}

# BPR01, transaction handling code.
HANDLING = {
    "C": "payment accompanies remittance advice",
    "D": "make payment only",
    "H": "notification only",
    "I": "remittance information only",
    "P": "prenotification of future transfers",
    "U": "split payment and remittance",
    "X": "handling party's option to split payment and remittance",
}

# BPR04, payment method code.
PAYMENT_METHODS = {
    "ACH": "automated clearing house (ACH)",
    "BOP": "financial institution option",
    "CHK": "check",
    "FWT": "federal reserve funds/wire transfer, non-repetitive",
    "NON": "non-payment data",
}

# PLB03-1 (and PLB05-1 ... PLB13-1), adjustment reason code (DE 426), as X221A1 lists it.
PROVIDER_ADJUSTMENTS = {
    "50": "late charge",
    "51": "interest penalty charge",
    "72": "authorized return",
    "90": "early payment allowance",
    "AH": "origination fee",
    "AM": "applied to borrower's account",
    "AP": "acceleration of benefits",
    "B2": "rebate",
    "B3": "recovery allowance",
    "BD": "bad debt adjustment",
    "BN": "bonus",
    "C5": "temporary allowance",
    "CR": "capitation interest",
    "CS": "adjustment",
    "CT": "capitation payment",
    "CV": "capital passthru",
    "CW": "certified registered nurse anesthetist passthru",
    "DM": "direct medical education passthru",
    "E3": "withholding",
    "FB": "forwarding balance",
    "FC": "fund allocation",
    "GO": "graduate medical education passthru",
    "HM": "hemophilia clotting factor supplement",
    "IP": "incentive premium payment",
    "IR": "internal revenue service withholding",
    "IS": "interim settlement",
    "J1": "nonreimbursable",
    "L3": "penalty",
    "L6": "interest owed",
    "LE": "levy",
    "LS": "lump sum",
    "OA": "organ acquisition passthru",
    "OB": "offset for affiliated providers",
    "PI": "periodic interim payment",
    "PL": "payment final",
    "RA": "retro-activity adjustment",
    "RE": "return on equity",
    "SL": "student loan repayment",
    "TL": "third party liability",
    "WO": "overpayment recovery",
    "WU": "unspecified recovery",
}

# SVC01-1 and SVC06-1, product/service id qualifier.
PROCEDURE_QUALIFIERS = {
    "AD": "ADA dental code (CDT)",
    "ER": "jurisdiction specific procedure or supply code",
    "HC": "HCPCS/CPT code",
    "HP": "HIPPS skilled nursing facility rate code",
    "IV": "home infusion EDI coalition code",
    "N4": "national drug code (5-4-2)",
    "N6": "national drug code (4-4-2)",
    "NU": "national uniform billing committee revenue code",
    "UI": "universal product code",
    "WK": "advanced billing concepts code",
}


def claim_status(code: str) -> str:
    return CLAIM_STATUS.get(code, f"claim status {code}")


def adjustment_group(code: str) -> str:
    return ADJUSTMENT_GROUPS.get(code, f"adjustment group {code}")


def provider_adjustment(code: str) -> str:
    return PROVIDER_ADJUSTMENTS.get(code, f"provider adjustment {code}")


def payment_method(code: str) -> str:
    return PAYMENT_METHODS.get(code, f"payment method {code}")
