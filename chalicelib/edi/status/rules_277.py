"""The 005010X212 277 rules (claim status response), as a checker: the 276's walk (rules_276.py) with the 277's
tables, since pyx12 ships no 5010 map for 276/277 either.

`check_277(text)` returns every rule a 277 breaks (an empty list for a good one). What it checks:
- the envelope (reader.py, strict: SE01, GE01, IEA01 and the control numbers) and ISA widths/ISA12; GS01 HN,
  GS08 and ST03 005010X212;
- segment order, required segments and repeat limits per loop (X212 section 2.4, Table 2 of the 277):
  2000A payer (2100A NM1, PER), 2000B information receiver (2100B, and a 2200B TRN*2/STC when the whole
  inquiry is answered there), 2000C service provider (2100C, 2200C TRN*1/STC), 2000D subscriber (2100D, 2200D
  claims: TRN*2 then at least one STC, REFs, DTP*472, 2220D lines with SVC and STC) and 2000E dependent
  (2100E, 2200E required). No DMG: a 277 does not repeat demographics;
- the HL hierarchy exactly as for the 276 (HL01 counts up, HL02 names the level above, HL04 says whether a
  child follows and is absent at 23); a subscriber level answers a claim exactly when it is the patient;
- code values (BHT 0010/08/DG, NM1 per loop, TRN01 per loop, REF01 per loop and once each per claim, DTP,
  STC07), STC composites (category and code), dates and amounts.
STC03 is not checked: X212 leaves it unused, yet clearinghouses send WQ there and their 277s are still read.
Messages carry positions and rule names, never values (a 277 holds patient data).
"""
from __future__ import annotations

from functools import partial

from chalicelib.edi.eligibility.rules_270 import Loop, Seg, Violation, check_document
from chalicelib.edi.status.rules_276 import CODES as CODES_276
from chalicelib.edi.status.rules_276 import LENGTHS as LENGTHS_276
from chalicelib.edi.status.rules_276 import VERSION, X212Tables, check_x212_set, is_amount, is_date
from chalicelib.edi.x12.segments import Segment

__all__ = ["VERSION", "Violation", "check_277"]


def _claim_loop(letter: str, minimum: int) -> Loop:
    line = Loop(f"2220{letter}", 10_000, 0, (Seg("SVC", 1, 1), Seg("STC", 10_000, 1), Seg("REF", 2),
                                             Seg("DTP", 1)))
    # Six REF qualifiers (1K, BLT, EJ, XZ, VV, D9), each once: REF01 is checked per claim as for the 276.
    return Loop(f"2200{letter}", 10_000, minimum, (Seg("TRN", 1, 1), Seg("STC", 10_000, 1), Seg("REF", 6),
                                                   Seg("DTP", 1), line))


def _trace_loop(name: str) -> Loop:
    return Loop(name, 1, 0, (Seg("TRN", 1, 1), Seg("STC", 10_000, 1)))


LEVELS: dict[str, Loop] = {
    "20": Loop("2000A", 1, 1, (Seg("HL", 1, 1, "20"), Loop("2100A", 1, 1, (Seg("NM1", 1, 1), Seg("PER", 1))))),
    "21": Loop("2000B", 1, 1, (Seg("HL", 1, 1, "21"), Loop("2100B", 1, 1, (Seg("NM1", 1, 1),)),
                               _trace_loop("2200B"))),
    "19": Loop("2000C", 1, 1, (Seg("HL", 1, 1, "19"), Loop("2100C", 2, 1, (Seg("NM1", 1, 1),)),
                               _trace_loop("2200C"))),
    "22": Loop("2000D", 1, 1, (Seg("HL", 1, 1, "22"), Loop("2100D", 1, 1, (Seg("NM1", 1, 1),)),
                               _claim_loop("D", 0))),
    "23": Loop("2000E", 1, 1, (Seg("HL", 1, 1, "23"), Loop("2100E", 1, 1, (Seg("NM1", 1, 1),)),
                               _claim_loop("E", 1))),
}

_CLAIM_REFS = {"1K", "BLT", "EJ", "XZ", "VV", "D9"}  # X212 277 2200D/2200E REF01
_SAME_AS_276 = {key: codes for key, codes in CODES_276.items() if key[0] in ("NM1", "DTP")}
CODES: dict[tuple[str, str, int], frozenset[str]] = {**_SAME_AS_276, **{k: frozenset(v) for k, v in {
    ("BHT", "*", 1): {"0010"}, ("BHT", "*", 2): {"08"}, ("BHT", "*", 6): {"DG"},  # 08 status, DG response
    ("NM1", "2100E", 8): {"", "II", "MI"},  # the dependent's own id is situational in a 277
    ("TRN", "2200B", 1): {"2"}, ("TRN", "2200C", 1): {"1"}, ("TRN", "2200D", 1): {"2"}, ("TRN", "2200E", 1): {"2"},
    ("REF", "2200D", 1): _CLAIM_REFS, ("REF", "2200E", 1): _CLAIM_REFS,
    ("REF", "2220D", 1): {"FJ", "XZ"}, ("REF", "2220E", 1): {"FJ", "XZ"},
    ("STC", "*", 7): {"ACH", "BOP", "CHK", "FWT", "NON"},  # payment method
}.items()}}
LENGTHS: dict[tuple[str, int], tuple[int, int]] = {
    **{key: size for key, size in LENGTHS_276.items() if key[0] != "AMT"}, ("STC", 9): (1, 16)}
REQUIRED: dict[str, tuple[int, ...]] = {
    "BHT": (1, 2, 3, 4, 5, 6), "HL": (1, 3), "NM1": (1, 2, 3), "TRN": (1, 2), "STC": (1, 2), "REF": (1, 2),
    "DTP": (1, 2, 3), "SVC": (1, 2),
}


def _stc(segment: Segment) -> list[tuple[bool, str]]:
    """STC01, STC10 and STC11 are category:code[:entity]; STC02/06/08 dates; STC04/05 amounts (X212 2200D STC)."""
    if segment.id != "STC":
        return []
    checks = [(_is_status(segment, n), f"STC{n:02d} must hold a status category and a status code")
              for n in (1, 10, 11) if n == 1 or segment.element(n)]
    checks += [(is_date(segment.element(n)), f"STC{n:02d} must be a CCYYMMDD date")
               for n in (2, 6, 8) if segment.element(n)]
    checks += [(is_amount(segment.element(n)), f"STC{n:02d} must be an amount") for n in (4, 5) if segment.element(n)]
    return checks


def _is_status(segment: Segment, n: int) -> bool:
    category, code = (segment.components(n) + ("", ""))[:2]
    return bool(category and code)


TABLES_277 = X212Tables("277", LEVELS, CODES, LENGTHS, REQUIRED, _stc)


def check_277(text: str) -> list[Violation]:
    return check_document(text, "HN", VERSION, partial(check_x212_set, TABLES_277))
