"""What text an X12 file can carry, and how ours is written into one (the rule docs/x12.md states).

X12 5010's basic character set is the upper-case letters A to Z, the digits, the space and a few punctuation
marks; the extended set adds lower case and more punctuation. Nothing outside them: no accented letter, no
letter of another script. What we write is upper case, in the characters every clearinghouse accepts.

People's names follow a stricter rule than other text, because a payer matches its member by name:
- a mark on a letter is dropped (José -> JOSE, Zoë -> ZOE): the letter stays, nothing is lost;
- a letter with no A-to-Z letter under it (ß, Ø, Ł, Æ, ı, any letter of another script) cannot be written
  without losing or changing it, so the name is not written at all. `x12_name` says None, and the API asks
  for the name as the insurance card prints it, where the name is entered. It is never transliterated here.
- typographic apostrophes and hyphens (’ ‐) are the plain ones (' -), which X12 has.
"""
from __future__ import annotations

import re
import unicodedata

NAME_PUNCTUATION = " -'."
# What a name's punctuation is written as: the typographic forms phones and word processors type.
_PLAIN_PUNCTUATION = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})
TYPED_PUNCTUATION = NAME_PUNCTUATION + "\u2019\u02bc\u2018\u2010\u2011"
_NOT_X12_TEXT = re.compile(r"[^A-Z0-9 &'(),\-./#]")


def _without_marks(value: str) -> str:
    """Compatibility decomposition, then the combining marks dropped: é -> e, ﬁ -> fi, Ｔ -> T; ß stays ß."""
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def x12_name(value: str) -> str | None:
    """A person's name as an X12 file writes it (upper case, A to Z with spaces, hyphens, apostrophes and
    periods), or None when a letter of it has no A-to-Z form (see the module's rule)."""
    plain = _without_marks(value).translate(_PLAIN_PUNCTUATION)
    if not all(c in NAME_PUNCTUATION or ("A" <= c <= "Z") or ("a" <= c <= "z") for c in plain):
        return None
    return " ".join(plain.upper().split())


def scripts(value: str) -> set[str]:
    """The scripts of a text's letters, by their Unicode names: {"LATIN", "CYRILLIC"} for a mixed-up name."""
    return {unicodedata.name(c, "?").split()[0] for c in value if c.isalpha()}


def x12_text(value: str | None, limit: int = 60) -> str:
    """Other text (an organization's name, an address line): accents folded, upper case, only characters every
    clearinghouse accepts, never a delimiter. The API already refuses what X12 cannot carry in these fields."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().upper()
    return " ".join(_NOT_X12_TEXT.sub(" ", folded).split())[:limit]
