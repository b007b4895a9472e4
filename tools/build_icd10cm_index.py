"""Build the ICD-10-CM index that chalicelib/coding/icd10cm.py reads: every loaded fiscal year's code set in one
sorted file.

The oldest year comes from the data files the simple-icd-10-cm package ships (its code list and the CDC/NCHS
tabular XML, FY2026 in 1.5.0), read without importing the package (3 s, 176 MB). Each later year comes from
CMS's files for it: either the year's full order file (icd10cm_order_2028.txt) or its order-file addenda
(icd10cm_order_addenda_2028.txt) applied to the year before.

    .venv/bin/python tools/build_icd10cm_index.py             # rebuild from the package and the files it names
    .venv/bin/python tools/build_icd10cm_index.py --add FILE  # add the next year from CMS's order file or addenda
    .venv/bin/python tools/build_icd10cm_index.py --check     # exit 1 if the committed index is stale

The index's own `#code_set` lines record what each year was built from (CMS files by name and SHA-256), so a
rebuild finds those files in --sources (../shared/code-sets/icd10cm beside the clone) and refuses one that changed.

The output (docs/coding.md, "The index") is sorted by code, one line per code any year has:
`code<TAB>code_sets<TAB>title`, code_sets one character per year (1 billable, 0 a header, - absent), then
`FY2026=older title` for each earlier run of years titled otherwise. Chapters and blocks (A00-A09) are left out.

The seventh-character rule follows the package (simple_icd_10_cm.py, _CodeTree): a leaf under a
`sevenChrDef` (its own or its nearest ancestor's) is padded with the placeholder X to six characters and
gets one child per listed seventh character, kept only if the code list confirms it; the child's
description is the leaf's plus ", " plus the character's meaning. tests/unit/coding checks the result
against the package's own API, code by code.
"""
from __future__ import annotations

import argparse
import hashlib
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
SOURCES = ROOT.parent / "shared" / "code-sets" / "icd10cm"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_CODE = re.compile(r"[A-Z][A-Z0-9]{2,6}")

Entry = tuple[bool, str]  # billable, title


@dataclass(frozen=True)
class Year:
    """One fiscal year's code set and what it was built from."""
    fiscal_year: int
    release: date
    kind: str  # package | order (CMS's full order file) | addenda (CMS's order addenda on the year before)
    source: str  # "simple-icd-10-cm 1.5.0", or the CMS file's name
    sha256: str  # of the CMS file; empty for the package
    codes: dict[str, Entry]


def fail(message: str) -> None:
    sys.exit(f"build_icd10cm_index: {message}")


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """A federal fiscal year, and so an ICD-10-CM code set, runs October 1 to September 30 (FY2026 begins
    2025-10-01): CMS/NCHS publish each year's code set for discharges and services from October 1."""
    return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)


# --- the oldest year, from the package's data files -------------------------------------------------------

@dataclass(frozen=True)
class Source:
    package_version: str
    code_list: Path
    tabular: Path


def find_source() -> Source:
    """The package's data files, located without executing the package (its import parses everything)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        fail(f"{PACKAGE} is not installed: .venv/bin/pip install -r requirements-dev.txt")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    code_lists, tabulars = sorted(data.glob("code-list-*.txt")), sorted(data.glob("*tabular*.xml"))
    if len(code_lists) != 1 or len(tabulars) != 1:
        fail(f"expected one code list and one tabular XML in {data}, found {code_lists + tabulars}")
    return Source(importlib.metadata.version(PACKAGE), code_lists[0], tabulars[0])


def release_date(tabular: Path) -> date:
    """The release named in the file name, e.g. icd10c-tabular-April-1-2026.xml (day 1 when it has none)."""
    match = re.search(r"-([A-Z][a-z]+)-(?:(\d{1,2})-)?(\d{4})\.xml$", tabular.name)
    if not match or match[1] not in _MONTHS:
        fail(f"cannot read a release date from {tabular.name}")
    return date(int(match[3]), _MONTHS.index(match[1]) + 1, int(match[2] or 1))


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


def package_year(source: Source) -> Year:
    root = ET.parse(source.tabular).getroot()
    confirmed = confirmed_codes(source.code_list)
    rows: list[Row] = []
    for chapter in root.findall("chapter"):
        walk(chapter, None, confirmed, rows)
    codes = {code: (billable, desc) for code, billable, desc in rows}
    if len(codes) != len(rows):
        fail("the tabular lists a code twice")
    fiscal_year, released = int(root.findtext("version", "0")), release_date(source.tabular)
    start, end = fiscal_year_bounds(fiscal_year)
    if not start <= released <= end:
        fail(f"release {released} is outside FY{fiscal_year} ({start} to {end})")
    return Year(fiscal_year, released, "package", f"{PACKAGE} {source.package_version}", "", codes)


# --- later years, from CMS's order file or its addenda -----------------------------------------------------
# Order file (CMS, "ICD-10-CM and ICD-10-PCS order files" layout): columns 1-5 the order number, 7-13 the code,
# 15 the flag (0 a header, 1 valid for HIPAA transactions), 17-76 the short title, 78 on the long title.
# Addenda: a 13-column action word (Add:, Delete:, Revise from:, Revise to:), the flag, the code in 7 columns,
# the short title in 60 and the long title; then a footer counting headers and codes in both years' files.
_ACTIONS = ("Add:", "Delete:", "Revise from:", "Revise to:")
_FOOTER = re.compile(r"\s*(\d+) (headers|codes) in icd10cm_order_(\d{4})\.txt")
_SUMMARY = re.compile(r"\s*(|Headers|Codes|of which|\d+ (additions|deletions|revisions)( to [a-z ]+)?)")


def _fields(line: str, where: str, flag_at: int, code_at: int, long_at: int) -> tuple[bool, str, str]:
    flag, code, title = line[flag_at], line[code_at:code_at + 7].rstrip(), line[long_at:].strip()
    spaced = line[flag_at + 1] == line[code_at + 7] == line[long_at - 1] == " "
    if flag not in "01" or not _CODE.fullmatch(code) or not spaced or not title:
        fail(f"{where}: not in CMS's layout: {line[:40]!r}")
    return flag == "1", code, title


def order_codes(path: Path) -> dict[str, Entry]:
    codes: dict[str, Entry] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if not line[:5].isdigit() or line[5] != " ":
            fail(f"{path.name} line {number}: no order number: {line[:40]!r}")
        billable, code, title = _fields(line, f"{path.name} line {number}", 14, 6, 77)
        if code in codes:
            fail(f"{path.name} line {number}: {code} is listed twice")
        codes[code] = (billable, title)
    return codes


def apply_addenda(before: dict[str, Entry], path: Path, fiscal_year: int) -> dict[str, Entry]:
    """The year before with each line's change made in order; each change must fit the year it is applied to."""
    codes, revising, counted = dict(before), None, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where, action = f"{path.name} line {number}", next((a for a in _ACTIONS if line.startswith(a)), None)
        if action is None:
            if footer := _FOOTER.fullmatch(line):
                counted[(footer[2], int(footer[3]))] = int(footer[1])
            elif not _SUMMARY.fullmatch(line):
                fail(f"{where}: not an addenda line: {line[:40]!r}")
            continue
        billable, code, title = _fields(line, where, 13, 15, 84)
        held = codes.get(code)
        if action in ("Delete:", "Revise from:") and (held is None or held[0] != billable):
            fail(f"{where}: {action} {code} ({int(billable)}), which the year before does not hold so")
        if action == "Add:" and held is not None:
            fail(f"{where}: adds {code}, which the year before already holds")
        if action == "Revise to:" and revising != code:
            fail(f"{where}: 'Revise to' {code} without its 'Revise from'")
        if action == "Delete:":
            del codes[code]
        elif action != "Revise from:":
            codes[code] = (billable, title)
        revising = code if action == "Revise from:" else None
    _check_footer(counted, before, codes, fiscal_year, path.name)
    return codes


def counts(codes: dict[str, Entry]) -> tuple[int, int]:
    """(headers, billable codes): how CMS's footers count a year."""
    billable = sum(1 for flag, _ in codes.values() if flag)
    return len(codes) - billable, billable


def _check_footer(counted: dict[tuple[str, int], int], before: dict[str, Entry], after: dict[str, Entry],
                  fiscal_year: int, name: str) -> None:
    for year, codes in ((fiscal_year - 1, before), (fiscal_year, after)):
        expected = (counted.get(("headers", year)), counted.get(("codes", year)))
        if expected != counts(codes):
            fail(f"{name}: its footer counts (headers, codes) {expected} for FY{year}, the build has {counts(codes)}")


def cms_year(path: Path, before: Year, fiscal_year: int | None = None) -> Year:
    """The year after `before` from CMS's full order file or its addenda (told apart by their first line)."""
    if fiscal_year is None:
        named = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
        if len(named) != 1:
            fail(f"cannot tell the fiscal year from the name {path.name}: give --year")
        fiscal_year = int(named[0])
    if fiscal_year != before.fiscal_year + 1:
        fail(f"{path.name} is FY{fiscal_year}; the next year to load is FY{before.fiscal_year + 1}")
    kind = "addenda" if path.read_text(encoding="utf-8").lstrip().startswith(_ACTIONS) else "order"
    codes = apply_addenda(before.codes, path, fiscal_year) if kind == "addenda" else order_codes(path)
    # CMS's October 1 files: an April 1 update within a year would be a year of its own here (docs/coding.md).
    return Year(fiscal_year, fiscal_year_bounds(fiscal_year)[0], kind, path.name,
                hashlib.sha256(path.read_bytes()).hexdigest(), codes)


# --- the index -------------------------------------------------------------------------------------------

def recorded(index: Path) -> list[dict[str, str]]:
    """The CMS years an existing index was built from, oldest first (its `#code_set` lines after the package's)."""
    if not index.exists():
        return []
    with index.open(encoding="utf-8") as file:
        heads = [line.rstrip("\n").split("\t") for line in file if line.startswith("#")]
    years = [dict(field.split("=", 1) for field in head[2:]) | {"name": head[1]}
             for head in heads if head[0] == "#code_set"]
    return [year for year in years if year["kind"] != "package"]


def build(cms_files: list[dict[str, str]], sources: Path) -> list[Year]:
    years = [package_year(find_source())]
    for record in cms_files:
        path = sources / record["source"]
        if not path.exists():
            fail(f"{record['name']} was built from {record['source']}: put it in {sources} or give --sources")
        if hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
            fail(f"{path} is not the file {record['name']} was built from (its SHA-256 differs)")
        years.append(cms_year(path, years[-1], int(record["name"][2:])))
    return years


def _titles(code: str, years: list[Year]) -> list[str]:
    """The newest title, then `FY2026=title` for each earlier run of years whose title was another."""
    runs: list[tuple[int, str]] = []  # (last fiscal year of the run, title)
    for year in years:
        if code not in year.codes:
            continue
        title = year.codes[code][1]
        if runs and runs[-1][1] == title:
            runs[-1] = (year.fiscal_year, title)
        else:
            runs.append((year.fiscal_year, title))
    return [runs[-1][1], *(f"FY{fiscal_year}={title}" for fiscal_year, title in runs[:-1])]


def _state(entry: Entry | None) -> str:
    return "-" if entry is None else "1" if entry[0] else "0"


def render(years: list[Year]) -> str:
    every = sorted(set().union(*(year.codes for year in years)))
    lines = []
    for code in every:
        titles = _titles(code, years)
        if not _CODE.fullmatch(code) or any(c in title for title in titles for c in "\t\r\n"):
            fail(f"cannot write {code!r}: malformed code or a tab/line break in its title")
        lines.append("\t".join([code, "".join(_state(year.codes.get(code)) for year in years), *titles]) + "\n")
    names = ",".join(f"FY{year.fiscal_year}" for year in years)
    header = [f"#icd10cm\tformat=2\tcolumns=code,code_sets,title,earlier_titles\tcode_sets={names}\tcodes={len(every)}"]
    for year in years:
        start, end = fiscal_year_bounds(year.fiscal_year)
        headers, billable = counts(year.codes)
        digest = f"\tsha256={year.sha256}" if year.sha256 else ""
        header.append(f"#code_set\tFY{year.fiscal_year}\trelease={year.release}\tin_effect={start}/{end}"
                      f"\tcodes={headers + billable}\tbillable={billable}\tkind={year.kind}\tsource={year.source}"
                      + digest)
    header.append("# generated by tools/build_icd10cm_index.py: do not edit. code_sets: one character per code set "
                  "above, 1 billable, 0 a header, - not in it")
    return "\n".join(header) + "\n" + "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--sources", type=Path, default=SOURCES, help="where the CMS files the index names are")
    parser.add_argument("--add", type=Path, help="CMS's order file or order addenda for the year after the newest")
    parser.add_argument("--year", type=int, help="the fiscal year of --add, when its file name does not say it")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh build")
    args = parser.parse_args(argv)
    years = build(recorded(args.out), args.sources)
    if args.add:
        years.append(cms_year(args.add, years[-1], args.year))
    text = render(years)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        print(f"{args.out}: {'up to date' if current == text else 'STALE: rerun without --check'}")
        return 0 if current == text else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({len(text.encode()):,} bytes):")
    print("\n".join(line for line in text.splitlines()[:len(years) + 1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
