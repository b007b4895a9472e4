"""Code lists of the 005010X279A1 270/271 guide that the eligibility module reads or writes.

Names are the guide's code names in plain words. Lists that are long in the guide (service types,
element 1365) carry the codes a front desk meets most; an unlisted code is kept as its code.
"""
from __future__ import annotations

# EB01, Eligibility or Benefit Information Code (element 1390).
BENEFIT_INFO: dict[str, str] = {
    "1": "active coverage", "2": "active - full risk capitation", "3": "active - services capitated",
    "4": "active - services capitated to primary care physician", "5": "active - pending investigation",
    "6": "inactive", "7": "inactive - pending eligibility update", "8": "inactive - pending investigation",
    "A": "co-insurance", "B": "co-payment", "C": "deductible", "CB": "coverage basis",
    "D": "benefit description", "E": "exclusions", "F": "limitations", "G": "out of pocket (stop loss)",
    "H": "unlimited", "I": "non-covered", "J": "cost containment", "K": "reserve",
    "L": "primary care provider", "M": "pre-existing condition", "MC": "managed care coordinator",
    "N": "services restricted to following provider", "O": "not deemed a medical necessity",
    "P": "benefit disclaimer", "Q": "second surgical opinion required", "R": "other or additional payor",
    "S": "prior year(s) history", "T": "card(s) reported lost/stolen",
    "U": "contact following entity for eligibility or benefit information", "V": "cannot process",
    "W": "other source of data", "X": "health care facility", "Y": "spend down",
}
ACTIVE_CODES = frozenset({"1", "2", "3", "4", "5"})
INACTIVE_CODES = frozenset({"6", "7", "8"})

# EB02, Coverage Level Code (element 1207).
COVERAGE_LEVELS: dict[str, str] = {
    "CHD": "children only", "DEP": "dependents only", "ECH": "employee and children", "EMP": "employee only",
    "ESP": "employee and spouse", "FAM": "family", "IND": "individual", "SPC": "spouse and children",
    "SPO": "spouse only",
}

# EB06, Time Period Qualifier (element 615). For deductibles and out-of-pocket maximums, "remaining"
# periods carry what is left to meet; the others carry the amount for the whole period.
TIME_PERIODS: dict[str, str] = {
    "6": "hour", "7": "day", "13": "24 hours", "21": "years", "22": "service year", "23": "calendar year",
    "24": "year to date", "25": "contract", "26": "episode", "27": "visit", "28": "outlier",
    "29": "remaining", "30": "exceeded", "31": "not exceeded", "32": "lifetime", "33": "lifetime remaining",
    "34": "month", "35": "week", "36": "admission",
}
REMAINING_PERIODS = frozenset({"29", "33"})
YEAR_TO_DATE_PERIODS = frozenset({"24"})

# EB12, In Plan Network Indicator (element 1073): W means the benefit applies in and out of network.
NETWORK: dict[str, str] = {"Y": "in", "N": "out", "W": "both", "U": "unknown"}

# AAA03, Reject Reason Code (element 901), the codes the 271 allows at its various loops
# (2000A/2100A information source, 2100B receiver, 2100C/2110C subscriber, 2100D/2110D dependent).
REJECT_REASONS: dict[str, str] = {
    "04": "authorized quantity exceeded", "15": "required application data missing",
    "33": "input errors", "35": "out of network",
    "41": "authorization/access restrictions", "42": "unable to respond at current time",
    "43": "invalid/missing provider identification", "44": "invalid/missing provider name",
    "45": "invalid/missing provider specialty", "46": "invalid/missing provider phone number",
    "47": "invalid/missing provider state", "48": "invalid/missing referring provider identification number",
    "49": "provider is not primary care physician", "50": "provider ineligible for inquiries",
    "51": "provider not on file", "52": "service dates not within provider plan enrollment",
    "53": "inquired benefit inconsistent with provider type", "54": "inappropriate product/service id qualifier",
    "55": "inappropriate product/service id", "56": "inappropriate date",
    "57": "invalid/missing date(s) of service", "58": "invalid/missing date-of-birth",
    "60": "date of birth follows date(s) of service", "61": "date of death precedes date(s) of service",
    "62": "date of service not within allowable inquiry period", "63": "date of service in future",
    "64": "invalid/missing patient id", "65": "invalid/missing patient name",
    "66": "invalid/missing patient gender code", "67": "patient not found", "68": "duplicate patient id number",
    "69": "inconsistent with patient's age", "70": "inconsistent with patient's gender",
    "71": "patient birth date does not match that for the patient on the database",
    "72": "invalid/missing subscriber/insured id", "73": "invalid/missing subscriber/insured name",
    "74": "invalid/missing subscriber/insured gender code", "75": "subscriber/insured not found",
    "76": "duplicate subscriber/insured id number", "77": "subscriber found, patient not found",
    "78": "subscriber/insured not in group/plan identified", "79": "invalid participant identification",
    "80": "no response received - transaction terminated", "97": "invalid or missing provider address",
    "98": "experimental service or procedure", "AA": "authorization number not found",
    "AE": "requires primary care physician authorization", "AF": "invalid/missing diagnosis code(s)",
    "AG": "invalid/missing procedure code(s)", "AO": "additional patient condition information required",
    "CI": "certification information does not match patient", "E8": "requires medical review",
    "IA": "invalid authorization number format", "MA": "missing authorization",
    "T4": "payer name or identifier missing",
}

# AAA04, Follow-up Action Code (element 889).
FOLLOW_UP_ACTIONS: dict[str, str] = {
    "C": "please correct and resubmit", "N": "resubmission not allowed",
    "P": "please resubmit original transaction", "R": "resubmission allowed",
    "S": "do not resubmit; inquiry initiated to a third party", "W": "please wait 30 days and resubmit",
    "X": "please wait 10 days and resubmit",
    "Y": "do not resubmit; we will hold your request and respond again shortly",
}

# DTP01 (element 374) in the 271's 2100C/2100D and 2110C/2110D loops, by the names results use.
DATE_QUALIFIERS: dict[str, str] = {
    "291": "plan", "307": "eligibility", "346": "plan_begin", "347": "plan_end",
    "356": "eligibility_begin", "357": "eligibility_end", "348": "benefit_begin", "349": "benefit_end",
    "193": "period_start", "194": "period_end", "198": "completion", "290": "coordination_of_benefits",
    "295": "primary_care_provider", "304": "latest_visit_or_consultation", "318": "added",
    "340": "cobra_begin", "341": "cobra_end", "342": "premium_paid_to_date_begin",
    "343": "premium_paid_to_date_end", "382": "enrollment", "435": "admission", "442": "date_of_death",
    "458": "certification", "472": "service", "539": "policy_effective", "540": "policy_expiration",
    "636": "date_of_last_update", "771": "status", "102": "issue", "152": "effective_date_of_change",
    "096": "discharge",
}

# EQ01/EB03, Service Type Code (element 1365): the common ones.
SERVICE_TYPES: dict[str, str] = {
    "1": "medical care", "2": "surgical", "3": "consultation", "4": "diagnostic x-ray", "5": "diagnostic lab",
    "6": "radiation therapy", "7": "anesthesia", "12": "durable medical equipment purchase",
    "30": "health benefit plan coverage", "33": "chiropractic", "35": "dental care", "42": "home health care",
    "45": "hospice", "47": "hospital", "48": "hospital - inpatient", "50": "hospital - outpatient",
    "51": "hospital - emergency accident", "52": "hospital - emergency medical", "73": "diagnostic medical",
    "76": "dialysis", "81": "routine physical", "86": "emergency services", "88": "pharmacy",
    "93": "podiatry", "98": "professional (physician) visit - office", "A4": "psychiatric",
    "A6": "psychotherapy", "AD": "occupational therapy", "AE": "physical medicine", "AL": "vision (optometry)",
    "BY": "physician visit - office: well", "BZ": "physician visit - office: sick", "MH": "mental health",
    "PT": "physical therapy", "UC": "urgent care",
}


def reject_reason(code: str) -> str:
    return REJECT_REASONS.get(code, f"reject reason {code}" if code else "no reason given")


def follow_up_action(code: str) -> str:
    return FOLLOW_UP_ACTIONS.get(code, f"follow-up action {code}" if code else "no follow-up action given")
