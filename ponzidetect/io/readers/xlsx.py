"""XLSX reader: every worksheet, streamed with expat, with a bounded shared-strings table.

openpyxl is not used for reading: it loads the whole shared-strings table on open (a 400 kB
workbook can hold millions of strings) and reads only one sheet. Here the package is opened once,
each worksheet is parsed as a stream, and shared strings are parsed only as far as the cells
refer to them and only up to :class:`~ponzidetect.io.limits.Limits` (count and characters). A cell
past a bound gets an error on its row; the rest of the workbook reads as usual.

Every worksheet with a header row is read, in workbook order (hidden ones too; chart sheets have
no cells). With more than one, the columns are the union of the headers in first-seen order and
a ``sheet`` column says where each row came from. Cached formula results are read, never
formulas.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..formats import TabularError, unique_name, unique_names
from ..limits import Limits, Notes
from ..ooxml import BadPackage, Package, PartTooLarge, XmlStream, attribute, local_name

__all__ = ["XlsxReader"]

_WORKSHEET = "/worksheet"
_OFFICE_DOCUMENT = "/officeDocument"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d*)")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
_INTEGER = re.compile(r"-?\d{1,18}")
_DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_SAVE_AS = "open it in Excel and save it as .xlsx or CSV UTF-8"


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


class SharedStrings:
    """The shared-strings table, parsed as far as cells need it, stored compactly as UTF-8."""

    def __init__(self, package: Package, part: str | None, limits: Limits) -> None:
        self._limits = limits
        self._blocks = iter(package.blocks(part, limits.xml_bytes)) if part else iter(())
        self._buffer = bytearray()
        self._ends = array("q")
        self._cut: set[int] = set()
        self._chars = 0
        self._done = part is None
        self.reason = "the workbook has no shared-strings table" if part is None else ""
        self._pieces: list[str] = []
        self._length = 0
        self._entry = self._in_t = False
        self._phonetic = 0
        self._stream = XmlStream(self._start, self._end, self._text)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "si":
            self._entry, self._pieces, self._length = True, [], 0
        elif local == "t":
            self._in_t = True
        elif local == "rPh":
            self._phonetic += 1

    def _end(self, name: str) -> None:
        local = local_name(name)
        if local == "t":
            self._in_t = False
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "si" and self._entry:
            self._entry = False
            self._commit("".join(self._pieces))

    def _text(self, data: str) -> None:
        if not (self._entry and self._in_t) or self._phonetic:
            return
        room = self._limits.cell_chars - self._length
        if len(data) > room:
            data = data[:max(room, 0)]
            self._cut.add(len(self._ends))
        self._length += len(data)
        self._pieces.append(data)

    def _commit(self, text: str) -> None:
        if self._done:
            return
        self._chars += len(text)
        if self._chars > self._limits.shared_string_chars:
            self._stop(f"more than {self._limits.shared_string_chars:,} characters of shared "
                       "strings")
            return
        self._buffer += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._buffer))
        if len(self._ends) >= self._limits.shared_strings:
            self._stop(f"more than {self._limits.shared_strings:,} shared strings")

    def _stop(self, reason: str) -> None:
        self._done, self.reason = True, reason

    def _more(self) -> None:
        try:
            block = next(self._blocks)
        except StopIteration:
            self._stream.feed(b"", True)
            self._stop("the shared-strings table has no entry that far")
            return
        except (PartTooLarge, BadPackage) as exc:
            self._stop(str(exc))
            return
        try:
            self._stream.feed(block)
        except BadPackage as exc:
            self._stop(f"the shared-strings table is corrupt ({exc})")

    def get(self, index: int) -> tuple[str | None, str]:
        """``(text, problem)``: the string, and ``"cut"`` or why it is missing (else ``""``)."""
        while index >= len(self._ends) and not self._done:
            self._more()
        if 0 <= index < len(self._ends):
            start = self._ends[index - 1] if index else 0
            text = self._buffer[start:self._ends[index]].decode("utf-8", "surrogatepass")
            return text, "cut" if index in self._cut else ""
        return None, f"shared string {index:,} was not read ({self.reason})"


class _Sheet:
    """One worksheet: its name, part, header and the position of each header column."""

    def __init__(self, name: str, part: str) -> None:
        self.name = name
        self.part = part
        self.header: list[str] = []
        self.header_row = 0
        self.targets: list[int] = []


class XlsxReader:
    """Rows of every worksheet of a workbook, aligned to one set of columns.

    Parameters
    ----------
    path : Path
        The workbook.
    limits : Limits
        Bounds on cells and shared strings.
    notes : Notes
        Where warnings go (hidden sheets, repaired rows).
    """

    def __init__(self, path: Path, limits: Limits, notes: Notes) -> None:
        self.path = path
        self.limits = limits
        self.notes = notes
        try:
            self.package = Package(path)
        except BadPackage as exc:
            raise TabularError(f"{path.name} is not a readable XLSX workbook ({exc}); "
                               f"{_SAVE_AS}") from exc
        try:
            self._open()
        except (BadPackage, PartTooLarge) as exc:
            self.package.close()
            raise TabularError(f"{path.name} is not a readable XLSX workbook ({exc}); "
                               f"{_SAVE_AS}") from exc
        except BaseException:
            self.package.close()
            raise

    # -- structure --------------------------------------------------------------------------

    def _open(self) -> None:
        root = self.package.relationships("")
        workbook = next((target for kind, target in root.values()
                         if kind.endswith(_OFFICE_DOCUMENT)), "xl/workbook.xml")
        if not self.package.has(workbook):
            word = " (it looks like a Word document)" if self.package.has("word/document.xml") else ""
            raise TabularError(f"{self.path.name} is a ZIP file but not an XLSX workbook{word}; "
                               f"{_SAVE_AS}")
        rels = self.package.relationships(workbook)
        listed: list[tuple[str, str, str]] = []
        date1904 = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal date1904
            local = local_name(name)
            if local == "sheet":
                listed.append((attrs.get("name", "?"), attribute(attrs, "id") or "",
                               attrs.get("state", "visible")))
            elif local == "workbookPr":
                date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

        XmlStream(start=start).feed_all(self.package.blocks(workbook, 64 << 20))
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheets: list[_Sheet] = []
        for name, rel_id, state in listed:
            kind, target = rels.get(rel_id, ("", ""))
            if not kind.endswith(_WORKSHEET) or not self.package.has(target):
                self.notes.add("xlsx-skipped", "sheet(s) without cells (chart sheets) skipped")
                continue
            if state != "visible":
                self.notes.add("xlsx-hidden", "hidden sheet(s) read as well")
            self.sheets.append(_Sheet(name, target))
        shared = next((target for kind, target in rels.values()
                       if kind.endswith("/sharedStrings") and self.package.has(target)), None)
        self.shared = SharedStrings(self.package, shared, self.limits)
        styles = next((target for kind, target in rels.values()
                       if kind.endswith("/styles") and self.package.has(target)), None)
        self.date_styles = self._date_styles(styles) if styles else frozenset()
        self._read_headers()

    def _date_styles(self, part: str) -> frozenset[int]:
        from openpyxl.styles.numbers import is_date_format

        formats: dict[int, str] = {}
        cell_formats: list[int] = []
        inside = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal inside
            local = local_name(name)
            if local == "numFmt":
                with contextlib.suppress(ValueError):
                    formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                inside = True
            elif local == "xf" and inside:
                try:
                    cell_formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    cell_formats.append(0)

        def end(name: str) -> None:
            nonlocal inside
            if local_name(name) == "cellXfs":
                inside = False

        try:
            XmlStream(start=start, end=end).feed_all(self.package.blocks(part, 64 << 20))
        except (BadPackage, PartTooLarge):
            self.notes.add("xlsx-styles", "workbook(s) with unreadable styles: dates read as "
                           "numbers")
            return frozenset()
        return frozenset(index for index, fmt in enumerate(cell_formats)
                         if fmt in _DATE_FORMAT_IDS
                         or (fmt in formats and is_date_format(formats[fmt])))

    def _read_headers(self) -> None:
        columns: list[str] = []
        for sheet in self.sheets:
            rows = self._rows(sheet)
            try:
                for number, cells, _ in rows:
                    values = self._values(cells)
                    if values is None:
                        continue
                    width = max((col for col, _, _ in cells), default=-1) + 1
                    header: list[Any] = [None] * width
                    for col, value, _ in cells:
                        header[col] = value
                    while header and (header[-1] is None or header[-1] == ""):
                        header.pop()
                    if len(header) > self.limits.columns:
                        self.notes.add("xlsx-wide", f"sheet(s) with more than "
                                       f"{self.limits.columns:,} columns: the rest joined into "
                                       "the last one")
                        header = header[:self.limits.columns]
                    sheet.header, sheet.header_row = unique_names(header), number
                    break
            finally:
                rows.close()
            for name in sheet.header:
                if name not in columns:
                    columns.append(name)
            sheet.targets = [columns.index(name) for name in sheet.header]
        self.sheets = [sheet for sheet in self.sheets if sheet.header]
        self.sheet_column: str | None = None
        if len(self.sheets) > 1:
            self.sheet_column = unique_name("sheet", columns)
            columns.append(self.sheet_column)
        self.columns = columns

    def row_count_hint(self) -> int | None:
        """Data rows according to each sheet's stored dimension (a hint; may be wrong)."""
        total = 0
        for sheet in self.sheets:
            try:
                head = next(iter(self.package.blocks(sheet.part, 1 << 20)), b"")
            except (BadPackage, PartTooLarge):
                return None
            match = _DIMENSION.search(head)
            if match is None:
                return None
            total += max(int(match.group(1)) - sheet.header_row, 0)
        return total or None

    def close(self) -> None:
        """Close the workbook."""
        self.package.close()

    # -- rows -------------------------------------------------------------------------------

    def records(self) -> Iterator[tuple[list[Any], str]]:
        """``(values aligned to columns, error)`` for every non-empty data row, sheet by sheet."""
        width = len(self.columns)
        for sheet in self.sheets:
            where = f"sheet {sheet.name!r} row" if self.sheet_column else "row"
            header_width = len(sheet.header)
            rows = self._rows(sheet)
            try:
                for number, cells, error in rows:
                    if number <= sheet.header_row and not error:
                        continue
                    values = self._values(cells)
                    if values is None and not error:
                        continue
                    row: list[Any] = [None] * width
                    extra: list[str] = []
                    problem = error
                    for col, value, cell_error in cells:
                        problem = problem or cell_error
                        if col < header_width:
                            row[sheet.targets[col]] = value
                        elif value is not None and value != "":
                            extra.append(str(value))
                    if extra and header_width:
                        self.notes.add("ragged", "row(s) had cells beyond the header; they were "
                                       "joined into the last column")
                        last = sheet.targets[-1]
                        row[last] = "\t".join(str(v) for v in [row[last], *extra]
                                              if v is not None)
                    if self.sheet_column:
                        row[-1] = sheet.name
                    yield row, f"{where} {number}: {problem}" if problem else ""
            finally:
                rows.close()

    @staticmethod
    def _values(cells: list[tuple[int, Any, str]]) -> list[Any] | None:
        present = [value for _, value, error in cells
                   if (value is not None and value != "") or error]
        return present or None

    def _rows(self, sheet: _Sheet) -> Iterator[tuple[int, list[tuple[int, Any, str]], str]]:
        """``(row number, [(column, value, error)], row error)`` for each ``<row>`` of a sheet."""
        parser = _SheetParser(self)
        stream = XmlStream(parser.start, parser.end, parser.text)
        last = 0
        try:
            for block in self.package.blocks(sheet.part, self.limits.xml_bytes):
                stream.feed(block)
                for row in parser.ready:
                    last = row[0]
                    yield row
                parser.ready.clear()
            stream.feed(b"", True)
            yield from parser.ready
        except (BadPackage, PartTooLarge) as exc:
            yield from parser.ready
            self.notes.add("xlsx-broken", "sheet(s) could not be read to the end (see the error "
                           "rows)")
            yield last + 1, [], f"the rest of the sheet was not read: {exc}"


class _SheetParser:
    """expat handlers collecting the cells of each ``<row>``."""

    def __init__(self, reader: XlsxReader) -> None:
        self.reader = reader
        self.cell_chars = reader.limits.cell_chars
        self.ready: list[tuple[int, list[tuple[int, Any, str]], str]] = []
        self.row_number = 0
        self.cells: list[tuple[int, Any, str]] = []
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.pieces: list[str] | None = None
        self.length = 0
        self.cut = False
        self.in_value = self.in_inline = self.in_text = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "c":
            ref = attrs.get("r")
            match = _CELL_REF.match(ref) if ref else None
            self.col = _column_index(match.group(1)) if match else self.col + 1
            self.kind = attrs.get("t", "n")
            try:
                self.style = int(attrs.get("s", "0"))
            except ValueError:
                self.style = 0
            self.pieces, self.length, self.cut = None, 0, False
        elif local == "v":
            self.in_value = True
            self.pieces = self.pieces or []
        elif local == "is":
            self.in_inline = True
            self.pieces = self.pieces or []
        elif local == "t":
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            try:
                self.row_number = int(attrs.get("r", ""))
            except ValueError:
                self.row_number += 1
            self.cells, self.col = [], -1

    def end(self, name: str) -> None:
        local = local_name(name)
        if local == "c":
            value, error = self._value()
            if value is not None or error:
                self.cells.append((self.col, value, error))
            self.pieces = None
        elif local == "v":
            self.in_value = False
        elif local == "is":
            self.in_inline = False
        elif local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            if self.cells:
                self.ready.append((self.row_number, self.cells, ""))
            self.cells = []

    def text(self, data: str) -> None:
        if self.pieces is None or self.phonetic:
            return
        if not (self.in_value or (self.in_inline and self.in_text)):
            return
        room = self.cell_chars - self.length
        if len(data) > room:
            data, self.cut = data[:max(room, 0)], True
        self.length += len(data)
        self.pieces.append(data)

    def _cut_error(self) -> str:
        return f"a cell longer than {self.cell_chars:,} characters was cut" if self.cut else ""

    def _value(self) -> tuple[Any, str]:
        if self.pieces is None:
            return None, ""
        text = "".join(self.pieces)
        kind = self.kind
        if kind == "s":
            try:
                index = int(text)
            except ValueError:
                return None, f"bad shared-string reference {text[:20]!r}"
            value, problem = self.reader.shared.get(index)
            if problem == "cut":
                return value, f"a cell longer than {self.cell_chars:,} characters was cut"
            return value, f"text not read: {problem}" if problem else ""
        if kind in ("inlineStr", "str"):
            return text, self._cut_error()
        if kind == "b":
            return text.strip() in ("1", "true"), ""
        if kind == "e":
            return text, ""
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text), ""
            except ValueError:
                return text, ""
        text = text.strip()
        if not text:
            return None, ""
        if self.style in self.reader.date_styles:
            try:
                from openpyxl.utils.datetime import from_excel

                return from_excel(float(text), self.reader.epoch), ""
            except (ValueError, OverflowError, TypeError):
                return text, ""
        if _INTEGER.fullmatch(text):
            return int(text), ""
        try:
            return float(text), ""
        except ValueError:
            return text, self._cut_error()
