"""Plain text pages as a PDF, with pypdf (imported here, on first use: never at the API's cold start).

pypdf writes the file's structure, the content stream's operators and its string escapes; this module only lays
out lines. The font is Courier, one of the 14 standard fonts every PDF reader has (nothing embedded): every
character is 0.6 em wide, so a line's width is its length and wrapping needs no font metrics. Text is written in
WinAnsiEncoding; a character outside it becomes "?" rather than failing the letter.
"""
from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN, FONT_SIZE, LEADING = 54, 10, 13
COLUMNS = int((PAGE_WIDTH - 2 * MARGIN) / (FONT_SIZE * 0.6))  # 84 characters of Courier 10
LINES_PER_PAGE = int((PAGE_HEIGHT - 2 * MARGIN) / LEADING)


@dataclass(frozen=True)
class Block:
    """A paragraph (wrapped to the page) or, with `keep`, lines kept as they are (an address, a table)."""

    text: str
    keep: bool = False
    bold: bool = False


def lines_of(blocks: Sequence[Block]) -> list[tuple[str, bool]]:
    """Each block's lines, wrapped to the page's width, with a blank line between blocks: (line, bold)."""
    out: list[tuple[str, bool]] = []
    for block in blocks:
        for line in block.text.splitlines() or [""]:
            wrapped = [line[:COLUMNS]] if block.keep else textwrap.wrap(line, COLUMNS) or [""]
            out += [(part, block.bold) for part in wrapped]
        out.append(("", False))
    return out


def render(pages: Sequence[Sequence[Block]], title: str) -> bytes:
    """The PDF of these pages, each running onto more pages when long. `title` goes in the document info."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    writer = PdfWriter()
    fonts = DictionaryObject({NameObject(f"/{name}"): _font(base) for name, base in
                              (("F1", "/Courier"), ("F2", "/Courier-Bold"))})
    for blocks in pages:
        lines = lines_of(blocks)
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
            page = writer.add_blank_page(PAGE_WIDTH, PAGE_HEIGHT)
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
            stream = ContentStream(None, writer)
            stream.operations = _operations(lines[start:start + LINES_PER_PAGE])
            page.replace_contents(stream)
            page.compress_content_streams()
    writer.add_metadata({"/Title": title, "/Producer": "Revcycle"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _font(base: str) -> object:
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject(base),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})


def _operations(lines: Sequence[tuple[str, bool]]) -> list[tuple[list[object], bytes]]:
    from pypdf.generic import ByteStringObject, FloatObject, NameObject, NumberObject

    ops: list[tuple[list[object], bytes]] = [
        ([], b"BT"), ([NumberObject(LEADING)], b"TL"),
        ([NumberObject(MARGIN), NumberObject(PAGE_HEIGHT - MARGIN)], b"Td")]
    bold = None
    for line, strong in lines:
        if strong is not bold:
            ops.append(([NameObject("/F2" if strong else "/F1"), FloatObject(FONT_SIZE)], b"Tf"))
            bold = strong
        ops += [([ByteStringObject(line.encode("cp1252", "replace"))], b"Tj"), ([], b"T*")]
    ops.append(([], b"ET"))
    return ops
