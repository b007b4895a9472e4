"""A person's name as registered, and as X12 files carry it.

A patient's (or policy holder's) name is kept as given, in any script: it is how the practice knows them.
X12 files carry names in letters A to Z only (edi/x12/charset.py), so a name that cannot be written that way needs
its spelling on the insurance card, `name_on_card`, which is what the payer has on file. It is asked for where
the name is entered (registration, a change of name, a coverage's subscriber) with a 422 naming the fields,
never found missing later, when a 270 or an 837 is written, and never made up by transliteration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.errors import ValidationFailed, field_error
from chalicelib.edi.x12.charset import scripts, x12_name

PARTS = ("first_name", "middle_name", "last_name")
ASK_FOR_CARD = "give name_on_card, the name as the insurance card prints it"


@dataclass(frozen=True)
class X12Name:
    last: str
    first: str
    middle: str = ""


def problem(value: str) -> str:
    """Why a name part cannot go into X12, in words that never repeat it."""
    if "LATIN" in scripts(value) and len(scripts(value)) > 1:
        return "mixes Latin letters with look-alike letters of another script"
    return "has letters an X12 claim cannot carry (A to Z; accents are dropped)"


def card_name_needed(holder: Any, prefix: str = "") -> list[dict[str, str]]:
    """Field errors for each part of the holder's name that X12 cannot carry, asking for the card's spelling;
    none when the holder has a `name_on_card` or its whole name can be written."""
    if getattr(holder, "name_on_card", None) is not None:
        return []
    return [field_error(f"{prefix}{part}", f"{problem(value)}: {ASK_FOR_CARD}")
            for part in PARTS if (value := getattr(holder, part, None)) and x12_name(value) is None]


def require_writable(holder: Any, prefix: str = "", whose: str = "The name",
                     where: str = "in name_on_card") -> X12Name:
    """The holder's name as X12 files write it; 422 naming the fields when it cannot be written, as registered
    or through its `name_on_card`."""
    name = for_x12(holder)
    if name is None:
        errors = card_name_needed(holder, prefix) or [field_error(f"{prefix}name_on_card", ASK_FOR_CARD)]
        raise ValidationFailed(f"{whose} cannot be written in X12 claims and eligibility checks as it is: give the "
                               f"name as the insurance card prints it, {where}.", errors)
    return name


def for_x12(holder: Any) -> X12Name | None:
    """The name X12 files give the holder: the card's spelling when there is one, else the registered name in
    X12's letters; None when it cannot be written (a holder stored before `name_on_card` was asked for)."""
    source = getattr(holder, "name_on_card", None) or holder
    first, middle, last = (x12_name(getattr(source, part, None) or "") for part in PARTS)
    if first is None or middle is None or last is None:
        return None
    return X12Name(last, first, middle)
