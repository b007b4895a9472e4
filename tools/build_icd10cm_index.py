"""Build the ICD-10-CM index that chalicelib/coding/icd10cm.py reads, from the data files the simple-icd-10-cm
package ships (its code list and the CDC/NCHS tabular XML), without importing the package (3 s, 176 MB).

    .venv/bin/python tools/build_icd10cm_index.py           # rewrite chalicelib/coding/data/icd10cm.tsv
    .venv/bin/python tools/build_icd10cm_index.py --check   # exit 1 if the committed file is stale

The output is a UTF-8 text file sorted by code, one code per line: `code<TAB>billable<TAB>description`, with
the code undotted (E119; the dot goes after the third character) and billable 1 for a leaf, 0 for a header.
Two `#` lines come first: the code-set metadata as key=value pairs, then a do-not-edit note. Only
categories and below are listed: chapters and blocks (A00-A09) are headings, never codes on a claim.

The seventh-character rule follows the package (simple_icd_10_cm.py, _CodeTree): a leaf under a
`sevenChrDef` (its own or its nearest ancestor's) is padded with the placeholder X to six characters and
gets one child per listed seventh character, kept only if the code list confirms it; the child's
description is the leaf's plus ", " plus the character's meaning. tests/unit/coding checks the result
against the package's own API, code by code.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PACKAGE = "simple-icd-10-cm"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "chalicelib" / "coding" / "data" / "icd10cm.tsv"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


@dataclass(frozen=True)
class Source:
    package_version: str
    code_list: Path
    tabular: Path


def find_source() -> Source:
    """The package's data files, located without executing the package (its import parses everything)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{PACKAGE} is not installed: .venv/bin/pip install -r requirements-dev.txt")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    code_lists, tabulars = sorted(data.glob("code-list-*.txt")), sorted(data.glob("*tabular*.xml"))
    if len(code_lists) != 1 or len(tabulars) != 1:
        sys.exit(f"expected one code list and one tabular XML in {data}, found {code_lists + tabulars}")
    return Source(importlib.metadata.version(PACKAGE), code_lists[0], tabulars[0])


def release_date(tabular: Path) -> date:
    """The release named in the file name, e.g. icd10c-tabular-April-1-2026.xml (day 1 when it has none)."""
    match = re.search(r"-([A-Z][a-z]+)-(?:(\d{1,2})-)?(\d{4})\.xml$", tabular.name)
    if not match or match[1] not in _MONTHS:
        sys.exit(f"cannot read a release date from {tabular.name}")
    return date(int(match[3]), _MONTHS.index(match[1]) + 1, int(match[2] or 1))


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """A federal fiscal year, and so an ICD-10-CM code set, runs October 1 to September 30 (FY2026 begins
    2025-10-01): CMS/NCHS publish each year's code set for discharges and services from October 1."""
    return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)


def confirmed_codes(code_list: Path) -> set[str]:
    # read_text translates the file's CRLF line ends, as the package's own reader does.
    return {line.split(" ")[0].replace(".", "") for line in code_list.read_text(encoding="utf-8").split("\n")}


def seven_chr_def(elem: ET.Element) -> dict[str, str] | None:
    node = elem.find("sevenChrDef")
    if node is None:
        return None
    meanings: dict[str, str] = {}
    last = None
    for child in node:
        if child.tag == "extension":
            last = child.attrib["char"]
            meanings[last] = child.text or ""
        elif child.tag == "note" and last is not None and child.text:
            # A note continues the character before it. Some notes start with a tab (H35.31, S52.0), which
            # cannot go in a TSV field, so the note is stripped: the only place the index differs from the
            # package's text (the agreement test allows exactly this).
            meanings[last] += "/" + child.text.strip()
    return meanings


Row = tuple[str, bool, str]  # undotted code, billable, description


def walk(elem: ET.Element, inherited: dict[str, str] | None, confirmed: set[str], rows: list[Row]) -> None:
    """Depth-first over chapters, sections and diags, adding a row for each diag and seventh-character code."""
    own = seven_chr_def(elem)
    passed_down = own if own is not None else inherited
    children = elem.findall("section") + elem.findall("diag")
    for child in children:
        walk(child, passed_down, confirmed, rows)
    if elem.tag != "diag":
        return
    name, desc = elem.findtext("name", ""), elem.findtext("desc") or ""
    extended = [] if children else seventh_character_codes(name, desc, own or inherited or {}, confirmed)
    rows.extend(extended)
    rows.append((name.replace(".", ""), not children and not extended, desc))


def seventh_character_codes(name: str, desc: str, meanings: dict[str, str], confirmed: set[str]) -> list[Row]:
    padded = name.replace(".", "").ljust(6, "X")  # the placeholder X fills to six characters
    return [(padded + char, True, f"{desc}, {meaning}") for char, meaning in meanings.items()
            if padded + char in confirmed]


def build_rows(source: Source) -> tuple[int, list[Row]]:
    root = ET.parse(source.tabular).getroot()
    confirmed = confirmed_codes(source.code_list)
    rows: list[Row] = []
    for chapter in root.findall("chapter"):
        walk(chapter, None, confirmed, rows)
    codes = [code for code, _, _ in rows]
    if len(set(codes)) != len(codes):
        sys.exit("the tabular lists a code twice")
    return int(root.findtext("version", "0")), sorted(rows)


def render(source: Source) -> str:
    fiscal_year, rows = build_rows(source)
    start, end = fiscal_year_bounds(fiscal_year)
    released = release_date(source.tabular)
    if not start <= released <= end:
        sys.exit(f"release {released} is outside FY{fiscal_year} ({start} to {end})")
    header = (f"#icd10cm\tcode_set=FY{fiscal_year}\trelease={released}\tin_effect={start}/{end}"
              f"\tsource={PACKAGE} {source.package_version}\tcodes={len(rows)}\tcolumns=code,billable,description\n"
              "# generated by tools/build_icd10cm_index.py from the package's data files: do not edit\n")
    lines = []
    for code, billable, desc in rows:
        if not re.fullmatch(r"[A-Z0-9]{3,7}", code) or any(c in desc for c in "\t\r\n"):
            sys.exit(f"cannot write {code!r}: malformed code or a tab/line break in its description")
        lines.append(f"{code}\t{int(billable)}\t{desc}\n")
    return header + "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh build")
    args = parser.parse_args(argv)
    text = render(find_source())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        print(f"{args.out}: {'up to date' if current == text else 'STALE: rerun without --check'}")
        return 0 if current == text else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({text.count(chr(10)) - 2} codes, {len(text.encode()):,} bytes): {text.split(chr(10))[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
