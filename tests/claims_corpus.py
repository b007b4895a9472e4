"""A varied corpus of claims for the 837 writer: `corpus(count, claim_type)` gives documents that pass the 837
checks and, between them, take every optional part the writers have: billing providers that are organizations
or persons, with or without a taxonomy, in turn (so claims regroup under their 2000A), pay-to addresses, payer
addresses, group numbers or names or neither, patients who are or are not the subscriber, middle names and
names with apostrophes, hyphens and periods, primary to tertiary payers, replacements and voids with the payer's
claim number, prior authorizations and referrals, rendering providers that are and are not the billing one,
referring providers, lines with modifiers, units, cents, their own place of service and control numbers or
without; institutional claims inpatient and outpatient, with admission and discharge hours or without, an
admitting diagnosis, up to 25 diagnoses (two HI of others), lines billed by revenue code alone.

Seeded: the same call gives the same claims, so the files today's writer made of them are kept
(tests/fixtures/837/) and every later writer must write the same bytes. Dates are fixed on purpose: the writer
judges no date against today, and a fixed day keeps those bytes.
"""
from __future__ import annotations

import random
from datetime import timedelta

from chalicelib.edi.claim.document import (
    Address,
    Claim,
    ClaimDocument,
    Institutional,
    Line,
    PatientOfSubscriber,
    Payer,
    Person,
    Provider,
    Subscriber,
)
from chalicelib.coding.npi import npi_check_digit
from tests.claims_factory import CLINIC, DAY


def npi(serial: int) -> str:
    nine = f"1{serial:08d}"
    return nine + str(npi_check_digit(nine))


LAKESIDE = Address("9 Lake Rd", "Peoria", "IL", "616021234", "Suite 200")
BILLING = [Provider("organization", npi(1), "Springfield Family Medicine", taxonomy_code="207Q00000X",
                    tax_id="123456789", address=CLINIC),
           Provider("organization", npi(2), "Lakeside Clinic", tax_id="987654321", address=LAKESIDE),
           Provider("individual", npi(3), "Okafor", "Ngozi", taxonomy_code="207R00000X", tax_id="555443333",
                    address=CLINIC)]
PAY_TO = Address("PO Box 77", "Springfield", "IL", "62705")
PAYERS = [Payer("Aetna", "60054"), Payer("Medicare Part B", "00952"),
          Payer("Blue Cross Blue Shield of Illinois", "00621", Address("300 E Randolph St", "Chicago", "IL", "60601"))]
NAMES = [("O'NEIL", "MARY", "ANN"), ("SMITH-JONES", "LEE", ""), ("ST. JOHN", "AL", "B"), ("Chen", "Lu", ""),
         ("NGUYEN", "AN", "")]
HOMES = [Address("8 Elm St", "Springfield", "IL", "62704"), Address("12 Oak Ave", "Peoria", "IL", "61602", "Apt 3")]
DIAGNOSES = ["E119", "I10", "J0190", "M5450", "S0990XA", "W01XXXA", "Y92009", "Z0000", "R079", "E785", "F329",
             "K219", "N390", "G4733", "J449", "I4891", "E039", "M179", "R51", "Z23", "H6690", "L309", "B349",
             "R109", "M545"]
PROCEDURES = ["99213", "99214", "82962", "36415", "G0439", "J1885", "93000", "71046"]
MODIFIERS = ["25", "59", "LT", "RT", "GT", "95"]
REVENUE = ["0300", "0450", "0250", "0636", "0730"]
CENTS = [12500, 12550, 1, 99, 4000, 100001]


def corpus(count: int, claim_type: str, seed: int = 837) -> list[ClaimDocument]:
    rng = random.Random(f"{seed}-{claim_type}")
    make = _professional if claim_type == "professional" else _institutional
    return [make(rng, n) for n in range(1, count + 1)]


def _person(rng: random.Random) -> Person:
    last, first, middle = rng.choice(NAMES)
    return Person(last, first, DAY - timedelta(days=rng.randrange(365, 30000)), rng.choice("FMU"), rng.choice(HOMES),
                  middle)


def _parties(rng: random.Random, billing: Provider) -> dict:
    group = rng.choice([("GRP001", ""), ("", "ACME WIDGETS"), ("", "")])
    subscriber = Subscriber(_person(rng), f"M{rng.randrange(10**8):08d}", rng.choice("PPPST"), *group,
                            rng.choice(["CI", "MB", "MC", "BL"]))
    patient = (PatientOfSubscriber(_person(rng), rng.choice(["01", "19", "20", "21", "39", "40", "53", "G8"]))
               if rng.random() < 0.35 else None)
    return {"billing": billing, "payer": rng.choice(PAYERS), "subscriber": subscriber, "patient": patient,
            "pay_to": PAY_TO if rng.random() < 0.3 else None}


def _frequency(rng: random.Random) -> tuple[str, str]:
    """CLM05-3 and the payer's claim number (REF*F8) a replacement or void names."""
    frequency = rng.choice("1111178")
    return frequency, "" if frequency == "1" else f"PAYER{rng.randrange(10**6)}"


def _optional(rng: random.Random, text: str, chance: float = 0.25) -> str:
    return text if rng.random() < chance else ""


def _professional(rng: random.Random, n: int) -> ClaimDocument:
    billing = rng.choice(BILLING)
    diagnoses = tuple(rng.sample(DIAGNOSES, rng.randint(1, 12)))
    place = rng.choice(["11", "22", "02"])
    lines = []
    for number in range(1, rng.choice([1, 2, 3, 4, 6, 14]) + 1):
        units = rng.randint(1, 4)
        pointers = tuple(rng.sample(range(1, len(diagnoses) + 1), rng.randint(1, min(4, len(diagnoses)))))
        lines.append(Line(number, rng.choice(PROCEDURES), rng.choice(CENTS) * units, units,
                          DAY - timedelta(days=rng.randrange(3)), pointers,
                          tuple(rng.sample(MODIFIERS, rng.choice([0, 0, 1, 2, 4]))),
                          place_of_service=rng.choice(["", "", "", place, "21"]),
                          control_number=_optional(rng, f"L{n}-{number}", 0.8)))
    rendering = rng.choice([None, billing, Provider("individual", npi(10 + n % 3), "Lee", "Sam",
                                                    taxonomy_code=_optional(rng, "207Q00000X", 0.6))])
    frequency, payer_number = _frequency(rng)
    claim = Claim("professional", f"P{n:07d}", sum(line.charge_cents for line in lines), diagnoses, tuple(lines),
                  min(line.service_date for line in lines), max(line.service_date for line in lines), place,
                  frequency, payer_number, _optional(rng, f"AUTH{n}"), _optional(rng, f"REF{n}"), rendering,
                  _referring(rng), provider_signature=rng.random() < 0.9, assignment=rng.choice("AAABC"),
                  benefits_assigned=rng.random() < 0.9, release_of_information=rng.choice("YYI"))
    return ClaimDocument(claim=claim, claim_id=f"01JCORPUSP{n:05d}", **_parties(rng, billing))


def _referring(rng: random.Random) -> Provider | None:
    return Provider("individual", npi(20), "Ng", "Ada") if rng.random() < 0.3 else None


def _institutional(rng: random.Random, n: int) -> ClaimDocument:
    billing = rng.choice([p for p in BILLING if p.entity_type == "organization"])
    inpatient = rng.random() < 0.4
    frequency, payer_number = _frequency(rng)
    lines = []
    for number in range(1, rng.choice([1, 2, 3, 5, 9]) + 1):
        code = "" if rng.random() < 0.25 else rng.choice(PROCEDURES)
        units = rng.randint(1, 3)
        lines.append(Line(number, code, rng.choice(CENTS) * units, units, DAY - timedelta(days=rng.randrange(3)),
                          modifiers=tuple(rng.sample(MODIFIERS, rng.choice([0, 1, 2]))) if code else (),
                          revenue_code=rng.choice(REVENUE), control_number=_optional(rng, f"L{n}-{number}", 0.8)))
    first = min(line.service_date for line in lines)
    admitted = first - timedelta(days=rng.randrange(3)) if inpatient or rng.random() < 0.3 else None
    attending = Provider("individual", npi(30 + n % 2), "Park", "Jo", taxonomy_code=_optional(rng, "207P00000X", 0.7))
    facts = Institutional(f"1{'1' if inpatient else '3'}{frequency}", admitted or first,
                          max(line.service_date for line in lines),
                          admission_type=rng.choice("123") if inpatient else _optional(rng, "3", 0.5),
                          admission_source=rng.choice(["1", "7", "", "2"]),
                          patient_status=rng.choice(["01", "02", "30"]),
                          admission_date=admitted,
                          admission_hour=rng.choice([None, 0, 9, 23]) if admitted else None,
                          discharge_hour=rng.choice([None, 14, 23]) if inpatient else None, attending=attending,
                          admitting_diagnosis=_optional(rng, "R079", 0.5 if inpatient else 0.1))
    diagnoses = tuple(rng.sample(DIAGNOSES, rng.choice([1, 3, 12, 13, 25])))
    claim = Claim("institutional", f"I{n:07d}", sum(line.charge_cents for line in lines), diagnoses, tuple(lines),
                  facts.statement_from, facts.statement_to, "", frequency, payer_number, _optional(rng, f"AUTH{n}"),
                  _optional(rng, f"REF{n}"), None, _referring(rng), facts, assignment=rng.choice("AAB"),
                  benefits_assigned=rng.random() < 0.9, release_of_information=rng.choice("YYI"))
    return ClaimDocument(claim=claim, claim_id=f"01JCORPUSI{n:05d}", **_parties(rng, billing))
