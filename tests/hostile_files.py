"""Crafted hostile inputs, generated at run time (shared by the tests and bench/bench_hostile.py).

Each builder writes one file and returns its path. ``scale`` makes the bombs bigger for the
benchmark; the tests use the small defaults. Nothing here is copied from real cases: the texts
are made-up one-liners.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

TEXT = "guaranteed daily returns for every friend you invite"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def rows_csv(count: int, *, text: str = TEXT) -> list[str]:
    """``id,text,url`` data lines."""
    return [f"{i},{text} {i},u{i}" for i in range(count)]


def write_csv(path: Path, lines: Iterable[str], header: str = "id,text,url",
              encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# XLSX written by hand (streamed, so a bomb never sits in memory while it is made)
# --------------------------------------------------------------------------------------------


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[object]]]], *,
               shared: Callable[[zipfile.ZipFile], int] | None = None,
               sheet_xml: Callable[[int, list[list[object]]], Iterable[str]] | None = None) -> Path:
    """A workbook; string cells are inline unless ``shared`` writes a sharedStrings part.

    ``shared(zip)`` writes ``xl/sharedStrings.xml`` itself and returns its entry count; cells
    given as ``("s", index)`` then refer to it.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(sheets)))
        if shared is not None:
            overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                          'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, (name, _) in enumerate(sheets))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            f"<sheets>{entries}</sheets></workbook>"))
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
                       f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
        if shared is not None:
            rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL_NS}/sharedStrings" '
                     'Target="sharedStrings.xml"/>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">{rels}'
            "</Relationships>"))
        if shared is not None:
            shared(archive)
        for index, (_, rows) in enumerate(sheets):
            with archive.open(f"xl/worksheets/sheet{index + 1}.xml", "w") as handle:
                pieces = sheet_xml(index, rows) if sheet_xml else _sheet_xml(rows)
                for piece in pieces:
                    handle.write(piece.encode("utf-8"))
    return path


def _sheet_xml(rows: list[list[object]]) -> Iterable[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>'
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value is None:
                continue
            if isinstance(value, tuple):  # ("s", index) -> a shared string
                cells.append(f'<c r="{ref}" t="s"><v>{value[1]}</v></c>')
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                             f"{escape(str(value))}</t></is></c>")
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


def shared_strings(strings: Iterable[str], count: int) -> Callable[[zipfile.ZipFile], int]:
    """A sharedStrings writer for :func:`write_xlsx` (``count`` entries from ``strings``)."""

    def write(archive: zipfile.ZipFile) -> int:
        with archive.open("xl/sharedStrings.xml", "w") as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" '
                         f'count="{count}" uniqueCount="{count}">'.encode())
            batch: list[str] = []
            for text in strings:
                batch.append(f"<si><t>{escape(text)}</t></si>")
                if len(batch) >= 10_000:
                    handle.write("".join(batch).encode("utf-8"))
                    batch = []
            handle.write(("".join(batch) + "</sst>").encode("utf-8"))
        return count

    return write


def huge_string_writer(chars: int) -> Callable[[zipfile.ZipFile], int]:
    """One shared string of ``chars`` characters (then a normal one)."""

    def write(archive: zipfile.ZipFile) -> int:
        with archive.open("xl/sharedStrings.xml", "w") as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}">'
                         "<si><t>".encode())
            block = b"a" * (1 << 20)
            left = chars
            while left > 0:
                handle.write(block[:left])
                left -= len(block)
            handle.write(f"</t></si><si><t>{TEXT}</t></si></sst>".encode())
        return 2

    return write


# --------------------------------------------------------------------------------------------
# DOCX and PDF
# --------------------------------------------------------------------------------------------


def write_docx(path: Path, body_xml: Iterable[str], header_text: str | None = None) -> Path:
    """A minimal Word document whose body is the given WordprocessingML (streamed)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        header_override = ('<Override PartName="/word/header1.xml" ContentType="application/'
                           'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
                           if header_text is not None else "")
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            f"{header_override}</Types>"))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
            'Target="word/document.xml"/></Relationships>'))
        section = ""
        if header_text is not None:
            archive.writestr("word/_rels/document.xml.rels", (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
                f'<Relationship Id="rId7" Type="{_REL_NS}/header" Target="header1.xml"/>'
                "</Relationships>"))
            archive.writestr("word/header1.xml", (
                f'<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="{_WORD_NS}"><w:p><w:r>'
                f"<w:t>{escape(header_text)}</w:t></w:r></w:p></w:hdr>"))
            section = (f'<w:sectPr><w:headerReference xmlns:r="{_REL_NS}" w:type="default" '
                       'r:id="rId7"/></w:sectPr>')
        with archive.open("word/document.xml", "w") as handle:
            handle.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                         f'"{_WORD_NS}"><w:body>'.encode())
            for piece in body_xml:
                handle.write(piece.encode("utf-8"))
            handle.write(f"{section}</w:body></w:document>".encode())
    return path


def paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def table(cells: list[list[str]]) -> str:
    rows = "".join("<w:tr>" + "".join(f"<w:tc>{paragraph(cell)}</w:tc>" for cell in row)
                   + "</w:tr>" for row in cells)
    return f"<w:tbl>{rows}</w:tbl>"


def blank_pdf(path: Path) -> Path:
    """A one-page PDF with no text layer (what a scan without OCR looks like to a reader)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


# --------------------------------------------------------------------------------------------
# The crafted files of the benchmark (and of a few tests), by name
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crafted:
    """A hostile file: its name, the defect of issue 13 it reproduces, and how to make it."""

    name: str
    defect: int
    suffix: str
    rows: int  # records in it: the rows that must come out
    build: Callable[[Path, int], Path]
    text_column: str = "text"


def _unclosed_quote(path: Path, scale: int) -> Path:
    lines = rows_csv(20 * scale)
    lines[5] = '5,"never closed,u5'
    return write_csv(path, lines)


def _midfile_quote(path: Path, scale: int) -> Path:
    lines = rows_csv(20 * scale)
    lines[5] = '5,"opened here,u5'
    lines[6] = '6,text with "quotes" inside,u6'
    return write_csv(path, lines)


def _sheets(path: Path, scale: int) -> Path:
    sheets = [(f"S{s}", [["id", "text"], *[[f"{s}-{r}", f"{TEXT} {r}"] for r in range(10 * scale)]])
              for s in range(30)]
    return write_xlsx(path, sheets)


def _bad_byte_sample(path: Path, scale: int) -> Path:
    lines = [f"{i},café number {i},u" for i in range(20 * scale)]
    data = ("\n".join(["id,text,url", *lines]) + "\n").encode()
    return _write(path, data.replace("café number 10,".encode(), b"caf\xff number 10,", 1))


def _bad_byte_late(path: Path, scale: int) -> Path:
    ascii_lines = [f"{i},plain ascii row {i} with some words,u" for i in range(40_000 * scale)]
    bad = len(ascii_lines) - 5
    ascii_lines[bad] = f"{bad},caf\udcff late,u"
    data = "\n".join(["id,text,url", *ascii_lines]).encode("utf-8", "surrogateescape") + b"\n"
    return _write(path, data)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _long_cell(path: Path, scale: int) -> Path:
    return write_csv(path, [f"1,{'x' * 40_000 * scale},u", "2,short,u"])


def _surrogate(path: Path, scale: int) -> Path:
    lines = ['{"id": 1, "text": "bad \\udcff escape"}', '{"id": 2, "text": "fine"}'] * scale
    return _write(path, ("\n".join(lines) + "\n").encode())


def _huge_int(path: Path, scale: int) -> Path:
    lines = ['{"id": ' + "9" * 5000 * scale + ', "text": "big id"}', '{"id": 2, "text": "ok"}']
    return _write(path, ("\n".join(lines) + "\n").encode())


def _deep(path: Path, scale: int) -> Path:
    depth = 100_000 * scale
    lines = ['{"id": 1, "text": "deep", "n": ' + "[" * depth + "]" * depth + "}",
             '{"id": 2, "text": "ok"}']
    return _write(path, ("\n".join(lines) + "\n").encode())


def _bad_lines(path: Path, scale: int) -> Path:
    """UTF-8 lines (Chinese, so the file is clearly UTF-8), every other one with a bad byte."""
    bad = '{"id": 1, "text": "caf\xff"}'.encode("latin-1")
    good = '{"id": 0, "text": "保本保息，日息百分之二"}'.encode()
    return _write(path, b"\n".join([good, bad] * 10_000 * scale) + b"\n")


def _strings_bomb(path: Path, scale: int, *, last: bool = False) -> Path:
    """10 million shared strings (about 400 kB packed); ``last``: the last row refers to the
    last of them, so a reader must parse the whole table (or stop at its bound)."""
    count = 10_000_000 * scale
    rows = [["id", "text"], *[[i, ("s", i)] for i in range(10)]]
    if last:
        rows.append([10, ("s", count - 1)])
    return write_xlsx(path, [("Data", rows)], shared=shared_strings(
        (f"{TEXT} {i}" if i < 10 else "a" for i in range(count)), count))


def _strings_bomb_last(path: Path, scale: int) -> Path:
    return _strings_bomb(path, scale, last=True)


def _huge_string(path: Path, scale: int) -> Path:
    rows = [["id", "text"], [1, ("s", 0)], [2, ("s", 1)]]
    return write_xlsx(path, [("Data", rows)], shared=huge_string_writer(200_000_000 * scale))


def _many_keys(path: Path, scale: int) -> Path:
    lines = [json.dumps({"id": i, "text": TEXT, f"key_{i}": i}) for i in range(10_000 * scale)]
    return _write(path, ("\n".join(lines) + "\n").encode())


def _docx_bomb(path: Path, scale: int) -> Path:
    run = "<w:r><w:t>" + "a" * 1000 + "</w:t></w:r>"
    return write_docx(path, ("<w:p>" + run * 1000 + "</w:p>" for _ in range(300 * scale)))


def _tsv_cr(path: Path, scale: int) -> Path:
    lines = [f'{i}\t"carriage\r=1+1 return {i}"\tu' for i in range(5 * scale)]
    return write_csv(path, lines, header="id\ttext\turl")


def _parse_error_column(path: Path, scale: int) -> Path:
    lines = [f"{i},{TEXT},\x1b[31mnot an error\x1b[0m" for i in range(5 * scale)]
    return write_csv(path, lines, header="id,text,_parse_error")


def _utf16(path: Path, scale: int) -> Path:
    pitch = "保本保息日息百分之二推荐一人拿百分之十十代收益一万元起投稳赚不赔"
    lines = [f"{i},{pitch}" for i in range(5 * scale)]
    return _write(path, ("\n".join(["id,text", *lines]) + "\n").encode("utf-16-le"))


def _formula_ids(path: Path, scale: int) -> Path:
    lines = ["-5,=HYPERLINK(\"http://x\"),u", "+8613800000000,+cmd|' /C calc'!A0,u",
             "@me,-2+3,u"] * scale
    return write_csv(path, lines)


CRAFTED = (
    Crafted("csv-unclosed-quote", 2, ".csv", 20, _unclosed_quote),
    Crafted("csv-midfile-quote", 2, ".csv", 20, _midfile_quote),
    Crafted("xlsx-30-sheets", 3, ".xlsx", 300, _sheets),
    Crafted("csv-bad-byte-in-sample", 4, ".csv", 20, _bad_byte_sample),
    Crafted("csv-bad-byte-late", 4, ".csv", 40_000, _bad_byte_late),
    Crafted("csv-40k-char-cell", 5, ".csv", 2, _long_cell),
    Crafted("jsonl-lone-surrogate", 6, ".jsonl", 2, _surrogate),
    Crafted("jsonl-5000-digit-int", 6, ".jsonl", 2, _huge_int),
    Crafted("jsonl-deep-nesting", 6, ".jsonl", 2, _deep),
    Crafted("jsonl-10k-undecodable-lines", 8, ".jsonl", 20_000, _bad_lines),
    Crafted("xlsx-shared-strings-bomb", 9, ".xlsx", 10, _strings_bomb),
    Crafted("xlsx-strings-bomb-last-ref", 9, ".xlsx", 11, _strings_bomb_last),
    Crafted("xlsx-200mb-shared-string", 9, ".xlsx", 2, _huge_string),
    Crafted("jsonl-10k-distinct-keys", 9, ".jsonl", 10_000, _many_keys),
    Crafted("tsv-carriage-return", 10, ".tsv", 5, _tsv_cr),
    Crafted("csv-_parse_error-column", 11, ".csv", 5, _parse_error_column),
    Crafted("csv-utf16le-no-bom", 14, ".csv", 5, _utf16),
    Crafted("csv-formula-ids", 14, ".csv", 3, _formula_ids),
)
"""Table inputs: ``rows`` records each, all of which must come out (scaled by ``scale``)."""

DOCX_BOMB = Crafted("docx-bomb", 9, ".docx", 1, _docx_bomb)
