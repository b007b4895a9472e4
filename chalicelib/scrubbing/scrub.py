"""The claim scrubber: small named rules judge a `ClaimDocument` before it goes to the clearinghouse.

`scrub(document, context)` runs every registered rule in a stable order (the rule modules in the order
`registry()` lists them, each module's rules in the order they are declared) and returns their findings.
An "error" finding means the payer or clearinghouse would reject or deny the claim as it stands; a
"warning" means a biller should look (the claim may be right, or it will be paid late or partly).

Rule ids are kebab-case names ("billing-npi", "ncci-ptp"): they are the API's stable names for a rule, so
a rule keeps its id when its message changes. A finding's `field` is the dotted path of what to fix, as the
API shows the claim: `claim.lines.1.modifiers` (lines counted from 0), `subscriber.member_id`.

Messages never carry patient data (names, birth dates, member ids, addresses): findings are logged and shown
in lists. Codes (CPT, ICD-10-CM, NPI of a provider) are not patient data and are named.

Rules are pure and keep no state between claims: nothing one practice's claim teaches a rule can reach the
next claim, which may be another practice's.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal, NamedTuple

from chalicelib.edi.claim.document import ClaimDocument, Person
from chalicelib.scrubbing.mue import MueIndex
from chalicelib.scrubbing.ncci import PtpIndex

Severity = Literal["error", "warning"]
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    field: str  # dotted path into the claim as the API shows it

    def to_dict(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "severity": self.severity, "message": self.message, "field": self.field}


class Flag(NamedTuple):
    """What a rule reports; the engine stamps the rule's id on it to make a `Finding`."""

    severity: Severity
    message: str
    field: str


def error(message: str, field: str) -> Flag:
    return Flag("error", message, field)


def warning(message: str, field: str) -> Flag:
    return Flag("warning", message, field)


@dataclass(frozen=True, slots=True)
class CoverageFacts:
    """The policy a claim bills, as the practice's records and the payer's eligibility answers describe it."""

    effective_from: date
    effective_to: date | None  # None: open-ended
    inactive_on: frozenset[date] = frozenset()  # dates of service whose latest 271 answered inactive

    def in_effect(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class ScrubContext:
    """What the rules need beyond the claim: today's date and the practice's and CMS's reference data."""

    today: date
    timely_filing_days: int = 365  # the payer's limit from the last date of service (Medicare: one year)
    fee_codes: frozenset[str] | None = None  # codes on the practice's fee schedule; None: not checked
    duplicate_of: tuple[str, ...] = ()  # ids of other live claims with the same `fingerprint`
    ptp: PtpIndex | None = None  # CMS NCCI PTP edits (practitioner or hospital outpatient, as fits the claim)
    mue: MueIndex | None = None  # CMS MUE values for the same setting
    # Names of CMS's tables that should judge this claim but are not loaded (reference.tables): the claim says
    # so. Left empty where no table is expected (a rule's unit test).
    missing_edit_tables: tuple[str, ...] = ()
    coverage: CoverageFacts | None = None  # the coverage billed; None: not checked

    def __post_init__(self) -> None:
        if self.timely_filing_days < 1:
            raise ValueError("timely_filing_days must be at least 1")


Check = Callable[[ClaimDocument, ScrubContext], Iterable[Flag]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    summary: str  # what the rule asks of a claim, for the rule list the API serves
    source: str  # where the rule comes from: an implementation guide section, a CMS manual, a guideline
    check: Check


class RuleSet:
    """One module's rules, in the order they are declared with `@RULES.rule(...)`."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def rule(self, rule_id: str, summary: str, source: str) -> Callable[[Check], Check]:
        def register(check: Check) -> Check:
            self.rules.append(Rule(rule_id, summary, source, check))
            return check
        return register


@lru_cache(maxsize=1)
def registry() -> tuple[Rule, ...]:
    """Every rule, in the order `scrub` runs them. Ids are checked once: unique and kebab-case."""
    # Imported here rather than at the top: the rule modules import Finding, RuleSet and the helpers from
    # this module, so importing them first would be circular.
    from chalicelib.scrubbing import rules_claim
    from chalicelib.scrubbing import rules_codes
    from chalicelib.scrubbing import rules_institutional
    from chalicelib.scrubbing import rules_lines
    from chalicelib.scrubbing import rules_parties

    modules = (rules_parties, rules_claim, rules_codes, rules_lines, rules_institutional)
    rules = tuple(rule for module in modules for rule in module.RULES.rules)
    ids = [rule.id for rule in rules]
    bad = [rule_id for rule_id in ids if not _RULE_ID.fullmatch(rule_id)]
    repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if bad or repeated:
        raise ValueError(f"rule ids must be unique kebab-case names: malformed {bad}, repeated {repeated}")
    return rules


def scrub(document: ClaimDocument, context: ScrubContext) -> list[Finding]:
    """Every finding of every rule, in rule order."""
    return [Finding(rule.id, *flag) for rule in registry() for flag in rule.check(document, context)]


# Helpers the rule modules share.

def patient_of(document: ClaimDocument) -> tuple[Person, str]:
    """The patient and the API path to them: the 2000C patient when there is one, else the subscriber."""
    if document.patient is not None:
        return document.patient.person, "patient.person"
    return document.subscriber.person, "subscriber.person"


def line_field(index: int, name: str) -> str:
    return f"claim.lines.{index}.{name}"


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def service_dates(document: ClaimDocument) -> list[date]:
    """Every date of service on the claim, in order: the claim's span and each line's date."""
    claim = document.claim
    return sorted({claim.service_from, claim.service_to, *(line.service_date for line in claim.lines)})


def last_service_date(document: ClaimDocument) -> date:
    claim = document.claim
    return max([claim.service_to, *(line.service_date for line in claim.lines)])


def fingerprint(document: ClaimDocument, *, key: bytes = b"") -> str:
    """A sha256 hex digest of what makes two claims duplicates: the same patient (member id, name, birth
    date), the same billing and rendering NPI, payer, service dates and procedures with their modifiers.

    The payer is part of it so a claim to the secondary payer is not a duplicate of the primary's; the
    frequency code is not, so a replacement claim finds the claim it replaces. Pass a secret per-practice
    `key` to make it an HMAC: names and birth dates are guessable, so a plain hash could be reversed by trying
    them; the key also keeps two practices' fingerprints of one patient from matching.
    """
    claim, (person, _) = document.claim, patient_of(document)
    rendering = claim.rendering.npi if claim.rendering else document.billing.npi
    lines = sorted((line.service_date.isoformat(), line.procedure_code, line.revenue_code,
                    "+".join(sorted(line.modifiers))) for line in claim.lines)
    facts = ["v1", document.payer.payer_id.strip().upper(), document.subscriber.member_id.strip().upper(),
             _name_key(person.last_name), _name_key(person.first_name), person.birth_date.isoformat(),
             document.billing.npi, rendering, claim.service_from.isoformat(), claim.service_to.isoformat(), lines]
    payload = json.dumps(facts, separators=(",", ":")).encode()
    if key:
        return hmac.new(key, payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def _name_key(name: str) -> str:
    return " ".join(name.upper().split())
