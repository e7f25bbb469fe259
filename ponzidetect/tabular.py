"""Read and write investigators' tables (CSV, TSV, JSONL, Parquet, XLSX) in streaming chunks.

Reading never loads a whole file: CSV/TSV and JSONL are parsed record by record, Parquet batch by
batch, XLSX with openpyxl's read-only mode. Every input record gives exactly one row: a CSV row
with too many fields has the extra fields joined into its last column, a short row is padded with
empty strings, an unclosed quote at the end of the file closes at the end of the file, and a JSONL
line that is not a JSON object becomes a row holding the raw line (``_raw``) and the reason
(``_parse_error``). Blank lines (and wholly empty spreadsheet rows) are not records.

Writing is atomic: :class:`TableWriter` writes to a temporary file next to the target and moves it
into place only when the ``with`` block ends cleanly, so an error or Ctrl-C never leaves half a
file. Text cells that a spreadsheet would run as a formula are escaped in CSV, TSV and XLSX
output (:func:`escape_formula`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import difflib
import functools
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

__all__ = [
    "FORMATS",
    "PARSE_ERROR_COLUMN",
    "RAW_COLUMN",
    "TableWriter",
    "TabularError",
    "atomic_write",
    "detect_encoding",
    "detect_format",
    "escape_formula",
    "format_from_name",
    "list_columns",
    "missing_column_message",
    "read_chunks",
    "row_count_hint",
]

logger = logging.getLogger("ponzidetect.tabular")

FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx")
RAW_COLUMN = "_raw"
PARSE_ERROR_COLUMN = "_parse_error"

_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv",
    ".tsv": "tsv", ".tab": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
}
_DELIMITERS = {"csv": ",", "tsv": "\t"}
_TEXT_FORMATS = ("csv", "tsv", "jsonl")
_EXPORT_HINT = "export the table as CSV (UTF-8), TSV, JSONL, Parquet or XLSX and try again"
_ENCODING_HINT = "pass the file's encoding (CLI: --encoding), e.g. gb18030, big5, cp1252"

_SNIFF_BYTES = 8192
_SAMPLE_BYTES = 1 << 20
_SCAN_LIMIT = 64 << 20
_JSONL_SAMPLE_LINES = 1000
# Largest CSV field accepted: far above any real cell, low enough that an unclosed quote early in
# a multi-GB file fails with a clear message instead of swallowing the file into memory.
_CSV_FIELD_LIMIT = 64 << 20
_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_CELL = 32_767

# (magic bytes, what it is, what to do)
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "PDF", "extract the text first (the app reads PDFs), or " + _EXPORT_HINT),
    (b"PK\x03\x04", "ZIP", "if it is an Excel workbook rename it to .xlsx; otherwise unzip it"),
    (b"PK\x05\x06", "ZIP", "if it is an Excel workbook rename it to .xlsx; otherwise unzip it"),
    (b"\x89PNG\r\n\x1a\n", "PNG image", _EXPORT_HINT),
    (b"\xff\xd8\xff", "JPEG image", _EXPORT_HINT),
    (b"GIF87a", "GIF image", _EXPORT_HINT),
    (b"GIF89a", "GIF image", _EXPORT_HINT),
    (b"\x7fELF", "ELF", _EXPORT_HINT),
    (b"\x1f\x8b", "gzip", "decompress it first (gunzip)"),
    (b"\xfd7zXZ\x00", "xz", "decompress it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip", "extract it first"),
    (b"Rar!\x1a\x07", "RAR", "extract it first"),
    (b"\x28\xb5\x2f\xfd", "zstd", "decompress it first (unzstd)"),
    (b"PAR1", "Parquet", "rename it to .parquet or pass fmt='parquet'"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel .xls or password-protected Office file",
     "open it in Excel and save it as .xlsx (without a password) or CSV UTF-8"),
    (b"SQLite format 3\x00", "SQLite", "export the table with sqlite3 -csv"),
)


class TabularError(ValueError):
    """A table cannot be read or written; the message says what to do about it."""


# --------------------------------------------------------------------------------------------
# Formats and encodings
# --------------------------------------------------------------------------------------------


def format_from_name(path: str | os.PathLike[str]) -> str:
    """The table format implied by a file name's extension.

    Parameters
    ----------
    path : str or path-like
        A file name; the file need not exist.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    TabularError
        When the extension is not one we read or write.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise TabularError(f"{Path(path).name} is an old Excel .xls file; open it in Excel and "
                           "save it as .xlsx or CSV UTF-8")
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(_EXTENSIONS))
        raise TabularError(f"cannot tell the table format of {Path(path).name!r} from its "
                           f"extension; use one of {known}, or pass the format "
                           f"({', '.join(FORMATS)})") from None


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of an existing table file, from its extension, checked against its bytes.

    ``.txt`` is read as CSV and ``.json`` as JSON Lines.

    Parameters
    ----------
    path : str or path-like
        The file to read.

    Returns
    -------
    str
        One of ``csv``, ``tsv``, ``jsonl``, ``parquet``, ``xlsx``.

    Raises
    ------
    TabularError
        When the file is missing, the extension is unknown, or the content is not that format
        (for example ``input.csv`` that is really a PDF).
    """
    fmt = format_from_name(path)
    check_content(path, fmt)
    return fmt


def check_content(path: str | os.PathLike[str], fmt: str) -> None:
    """Refuse a file whose first bytes show it is not ``fmt`` (binary junk, wrong container).

    Raises
    ------
    TabularError
        With the kind of file it looks like and what to do.
    """
    path = Path(path)
    fmt = _check_fmt(fmt)
    head = _head(path)
    name, label = path.name, fmt.upper()
    if fmt == "parquet":
        if not head.startswith(b"PAR1"):
            raise TabularError(f"{name} is not a Parquet file (no PAR1 header); "
                               f"pass the right format or {_EXPORT_HINT}")
        return
    if fmt == "xlsx":
        if head.startswith(b"PK\x03\x04"):
            return
        kind = _magic(head)
        if kind:
            raise TabularError(f"{name} looks like a binary file ({kind[0]}), not XLSX; {kind[1]}")
        raise TabularError(f"{name} is not an XLSX workbook (not a ZIP container); if it is CSV, "
                           "rename it to .csv or pass fmt='csv'")
    kind = _magic(head)
    if kind:
        raise TabularError(f"{name} looks like a binary file ({kind[0]}), not {label}; {kind[1]}")
    if b"\x00" in head and _utf16_from_bytes(head) is None:
        raise TabularError(f"{name} looks like a binary file (it contains NUL bytes), not "
                           f"{label}; {_EXPORT_HINT}")
    if fmt == "jsonl" and _first_char(head, path) == "[":
        raise TabularError(f"{name} is a JSON array, not JSON Lines (one object per line); "
                           f"convert it with: jq -c '.[]' {name} > {path.stem}.jsonl")


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """Guess the text encoding of a CSV, TSV or JSONL file from a sample of its bytes.

    A byte-order mark decides (``utf-8-sig``, ``utf-16``, ``utf-32``); UTF-16 without a mark is
    recognised by its NUL pattern. Otherwise the first non-ASCII stretch of the file (within the
    first 64 MiB) is examined: valid UTF-8 gives ``utf-8``; bytes that decode as GB18030 into
    mostly common Chinese characters give ``gb18030`` (a superset of the GBK that Chinese Excel
    writes); anything else goes to charset-normalizer.

    Parameters
    ----------
    path : str or path-like
        The file to sample.

    Returns
    -------
    str
        A Python codec name.
    """
    path = Path(path)
    _head(path)  # exists, is a file, is not empty
    stat = path.stat()
    return _detect_encoding(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _detect_encoding(name: str, size: int, mtime_ns: int) -> str:
    """Cached by path, size and modification time: a run asks several times about one file."""
    path = Path(name)
    head = _head(path)
    bom = _bom_encoding(head)
    if bom:
        return bom
    utf16 = _utf16_from_bytes(head)
    if utf16:
        return utf16
    sample, at_eof = _non_ascii_sample(path)
    if not sample or sample.isascii():
        return "utf-8"
    if _decodes(sample, "utf-8", final=at_eof):
        return "utf-8"
    if _looks_chinese_gb(sample, final=at_eof):
        return "gb18030"
    from charset_normalizer import from_bytes

    matches = from_bytes(sample[: 256 << 10])
    best = matches.best()
    if best is None:
        return "latin-1"
    name = codecs.lookup(best.encoding).name
    if name in ("gbk", "gb2312", "hz"):
        return "gb18030"
    # short Western samples fit several code pages equally well; Windows-1252 is the usual one
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.1:
            return "cp1252"
    return name


def _check_fmt(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    fmt = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet", "tab": "tsv"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise TabularError(f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise TabularError(f"unknown encoding {encoding!r}; try utf-8, gb18030, big5, utf-16 "
                           "or cp1252") from None


def _head(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    if not path.exists():
        raise TabularError(f"{path} not found; check the path")
    if not path.is_file():
        raise TabularError(f"{path} is not a file")
    with path.open("rb") as handle:
        head = handle.read(size)
    if not head:
        raise TabularError(f"{path.name} is empty")
    return head


def _magic(head: bytes) -> tuple[str, str] | None:
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            return kind, advice
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "bzip2", "decompress it first (bunzip2)"
    return None


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_from_bytes(head: bytes) -> str | None:
    """``utf-16`` / ``utf-16-le`` / ``utf-16-be`` when the bytes look like UTF-16, else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even_nul = sample[0::2].count(0) / pairs
    odd_nul = sample[1::2].count(0) / pairs
    for encoding, text_nul, other_nul in (("utf-16-le", odd_nul, even_nul),
                                          ("utf-16-be", even_nul, odd_nul)):
        if text_nul > 0.1 and other_nul < text_nul / 4 and _decodes(sample, encoding, final=False):
            return encoding
    return None


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_sample(path: Path) -> tuple[bytes, bool]:
    """The first block of the file with non-ASCII bytes (within 64 MiB), and whether it is all.

    Returns the sample and whether it reaches the end of the file. A block after the first one
    starts at a line break so it does not begin inside a multi-byte character.
    """
    with path.open("rb") as handle:
        first = handle.read(_SAMPLE_BYTES)
        at_eof = len(first) < _SAMPLE_BYTES
        if not first.isascii() or at_eof:
            return first, at_eof
        scanned = len(first)
        while scanned < _SCAN_LIMIT:
            block = handle.read(_SAMPLE_BYTES)
            if not block:
                return b"", True
            scanned += len(block)
            if not block.isascii():
                # back up to the last line break before the non-ASCII bytes
                start = block[: _first_non_ascii(block)].rfind(b"\n") + 1
                block = block[start:] + handle.read(start)
                return block, len(block) < _SAMPLE_BYTES
    return b"", False


def _first_non_ascii(block: bytes) -> int:
    return next(i for i, byte in enumerate(block) if byte >= 0x80)


def _looks_chinese_gb(sample: bytes, *, final: bool) -> bool:
    """True when the bytes decode as GB18030 into mostly common Chinese text.

    Latin-1 or Big5 bytes often decode as GB18030 too, but into rare characters, kana, Greek or
    private-use code points; real GBK text is almost all GB2312 hanzi and punctuation.
    """
    try:
        text = codecs.getincrementaldecoder("gb18030")("strict").decode(sample, final)
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide:
        return False
    common = sum(1 for ch in wide if _is_common_chinese(ch))
    han = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
    return han > 0 and common / len(wide) >= 0.8


def _is_common_chinese(ch: str) -> bool:
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
            or ch in "“”‘’…—·"):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _first_char(head: bytes, path: Path) -> str:
    """The first non-blank character of a text file (decoded with its detected encoding)."""
    encoding = detect_encoding(path)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head, False)
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped[:1]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def list_columns(path: str | os.PathLike[str], fmt: str | None = None,
                 encoding: str | None = None) -> list[str]:
    """The column names of a table, reading only its header.

    Names are made unique the way pandas does (``text``, ``text.1``) and blank headers become
    ``Unnamed: <position>``. For JSONL (no header) these are the keys of the first 1,000 records,
    in first-seen order, plus ``_raw`` and ``_parse_error`` when one of them is not a JSON object.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        Force a format instead of using the extension.
    encoding : str, optional
        Force a text encoding (CSV, TSV, JSONL).

    Returns
    -------
    list of str
    """
    path, fmt, encoding = _resolve(path, fmt, encoding)
    if fmt in _DELIMITERS:
        with _open_text(path, encoding) as handle:
            reader = csv.reader(handle, delimiter=_DELIMITERS[fmt])
            header = _csv_header(reader, path, encoding)
        return header
    if fmt == "jsonl":
        return _jsonl_columns(path, encoding, limit=_JSONL_SAMPLE_LINES)
    if fmt == "parquet":
        return list(_parquet_file(path).schema_arrow.names)
    with _xlsx_sheet(path) as (_, rows):
        return _xlsx_header(rows)[0]


def row_count_hint(path: str | os.PathLike[str], fmt: str | None = None) -> int | None:
    """The number of data rows when it is cheap to know (Parquet exactly, XLSX roughly), else None.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        Force a format instead of using the extension.

    Returns
    -------
    int or None
    """
    path = Path(path)
    fmt = _check_fmt(fmt) if fmt else format_from_name(path)
    try:
        if fmt == "parquet":
            return int(_parquet_file(path).metadata.num_rows)
        if fmt == "xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = workbook.active or workbook.worksheets[0]
                return max(int(sheet.max_row or 0) - 1, 0) or None
            finally:
                workbook.close()
    except Exception:  # a hint only: reading will report the real problem
        return None
    return None


def read_chunks(path: str | os.PathLike[str], *, fmt: str | None = None,
                encoding: str | None = None, chunk_rows: int = 5000) -> Iterator[pd.DataFrame]:
    """Stream a table as pandas DataFrames of at most ``chunk_rows`` rows, in file order.

    At least one frame is produced (an empty one, with the columns, for a header-only table).
    Every frame of a file has the same columns. CSV/TSV cells are strings (``""`` for empty);
    JSONL and XLSX cells keep their JSON/Excel types in ``object`` columns (``None`` when absent);
    Parquet columns keep their Arrow types. JSONL is read twice (once to collect the keys of all
    records, once for the rows); memory stays flat for files of any size.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        ``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``xlsx``; by default from the extension.
    encoding : str, optional
        Text encoding of CSV/TSV/JSONL; detected by :func:`detect_encoding` when omitted.
    chunk_rows : int
        Rows per frame.

    Returns
    -------
    iterator of pandas.DataFrame

    Raises
    ------
    TabularError
        Up front for a missing, empty, binary or mislabelled file or an unknown encoding; while
        iterating for bytes that do not decode with the encoding or a corrupt file.
    """
    if chunk_rows < 1:
        raise TabularError(f"chunk_rows must be at least 1, not {chunk_rows}")
    path, fmt, encoding = _resolve(path, fmt, encoding)
    if fmt in _DELIMITERS:
        columns = list_columns(path, fmt, encoding)
        return _csv_chunks(path, _DELIMITERS[fmt], encoding, chunk_rows, columns)
    if fmt == "jsonl":
        return _jsonl_chunks(path, encoding, chunk_rows)
    if fmt == "parquet":
        return _parquet_chunks(path, chunk_rows)
    return _xlsx_chunks(path, chunk_rows)


def missing_column_message(column: str, columns: Sequence[str], where: str = "") -> str:
    """``column 'desc' not found in x.csv; columns are: id, text, url`` (with a close match).

    Parameters
    ----------
    column : str
        The column asked for.
    columns : sequence of str
        The columns there are.
    where : str
        The file name, for the message.

    Returns
    -------
    str
    """
    shown = ", ".join(columns[:50]) if columns else "(none)"
    if len(columns) > 50:
        shown += f", ... ({len(columns) - 50} more)"
    message = f"column {column!r} not found{f' in {where}' if where else ''}; columns are: {shown}"
    folded = [name for name in columns if name.strip().casefold() == column.strip().casefold()]
    close = folded or difflib.get_close_matches(column, list(columns), n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message


def _resolve(path: str | os.PathLike[str], fmt: str | None,
             encoding: str | None) -> tuple[Path, str, str]:
    path = Path(path)
    fmt = _check_fmt(fmt) if fmt else format_from_name(path)
    check_content(path, fmt)
    if fmt in _TEXT_FORMATS:
        encoding = _check_encoding(encoding) if encoding else detect_encoding(path)
    return path, fmt, encoding or ""


def _open_text(path: Path, encoding: str) -> IO[str]:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    return path.open("r", encoding=encoding, errors="strict", newline="")


def _unique_names(raw: Sequence[object]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for position, value in enumerate(raw):
        text = "" if value is None else str(value)
        base = text if text.strip() else f"Unnamed: {position}"
        name, suffix = base, 1
        while name in seen:
            name, suffix = f"{base}.{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names


def _decode_error(path: Path, encoding: str, exc: UnicodeDecodeError, where: str) -> TabularError:
    return TabularError(f"{path.name}: bytes {where} are not valid {encoding} ({exc.reason}); "
                        f"{_ENCODING_HINT}")


def _csv_records(reader: Any, path: Path, encoding: str) -> Iterator[list[str]]:
    """Rows from a csv.reader, with decoding and size errors turned into TabularError."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc, f"near line {reader.line_num + 1}") from exc
        except csv.Error as exc:
            raise TabularError(f"{path.name}: cannot parse near line {reader.line_num} ({exc}); "
                               "a quote that is never closed swallows the rest of the file; "
                               "fix that line or export the table again") from exc
        if row:  # blank lines are not records
            yield row


def _csv_header(reader: Any, path: Path, encoding: str) -> list[str]:
    for row in _csv_records(reader, path, encoding):
        return _unique_names(row)
    raise TabularError(f"{path.name} has no header row; the first line must name the columns")


def _csv_chunks(path: Path, delimiter: str, encoding: str, chunk_rows: int,
                columns: list[str]) -> Iterator[pd.DataFrame]:
    width = len(columns)
    fixed = 0

    def fitted(records: Iterator[list[str]]) -> Iterator[list[str]]:
        nonlocal fixed
        for row in records:
            if len(row) != width:
                fixed += 1
                row = _fit_row(row, width, delimiter)
            yield row

    with _open_text(path, encoding) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        records = _csv_records(reader, path, encoding)
        next(records)  # header
        yield from _frames(fitted(records), columns, chunk_rows)
    if fixed:
        logger.warning("%s: %d row(s) did not have %d fields; extra fields were joined into the "
                       "last column and missing ones left empty", path.name, fixed, width)


def _fit_row(row: list[str], width: int, delimiter: str) -> list[str]:
    """Join extra fields into the last column, or pad missing ones with empty strings."""
    if len(row) > width:
        return [*row[: width - 1], delimiter.join(row[width - 1:])]
    return row + [""] * (width - len(row))


def _jsonl_lines(path: Path, encoding: str) -> Iterator[tuple[int, str | None, str]]:
    """(line number, decoded text or None, raw text when undecodable) for non-blank lines.

    ASCII-compatible encodings are decoded line by line, so one undecodable line becomes one bad
    row instead of failing the file; UTF-16/32 files are decoded as a stream.
    """
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        with path.open("r", encoding=encoding, errors="strict", newline="\n") as handle:
            number = 0
            while True:
                try:
                    line = handle.readline()
                except UnicodeDecodeError as exc:
                    raise _decode_error(path, encoding, exc, f"near line {number + 1}") from exc
                if not line:
                    return
                number += 1
                if line.strip():
                    yield number, line.rstrip("\r\n"), ""
        return
    line_codec = "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            raw = raw.rstrip(b"\r\n")
            try:
                yield number, raw.decode(line_codec), ""
            except UnicodeDecodeError as exc:
                yield number, None, f"line is not valid {encoding}: {exc.reason}"


def _jsonl_records(path: Path, encoding: str) -> Iterator[dict[str, Any]]:
    """One dict per non-blank line; bad lines as ``{_raw: line, _parse_error: why}``."""
    decoder = json.JSONDecoder()
    for number, text, decode_error in _jsonl_lines(path, encoding):
        if text is None:
            yield {RAW_COLUMN: _lossy_line(path, number), PARSE_ERROR_COLUMN: decode_error}
            continue
        try:
            value = decoder.decode(text)
        except json.JSONDecodeError as exc:
            yield {RAW_COLUMN: text, PARSE_ERROR_COLUMN: f"line {number}: invalid JSON: {exc.msg} "
                   f"at column {exc.colno}"}
            continue
        if isinstance(value, dict):
            yield value
        else:
            yield {RAW_COLUMN: text, PARSE_ERROR_COLUMN: f"line {number}: JSON "
                   f"{type(value).__name__} is not an object"}


def _lossy_line(path: Path, number: int) -> str:
    with path.open("rb") as handle:
        for index, raw in enumerate(handle, start=1):
            if index == number:
                return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
    return ""


def _jsonl_columns(path: Path, encoding: str, *, limit: int | None = None) -> list[str]:
    keys: dict[str, None] = {}
    bad = False
    for count, record in enumerate(_jsonl_records(path, encoding), start=1):
        if PARSE_ERROR_COLUMN in record and RAW_COLUMN in record and len(record) == 2:
            bad = True
        else:
            keys.update(dict.fromkeys(record))
        if limit is not None and count >= limit:
            break
    if bad:
        keys.update(dict.fromkeys((RAW_COLUMN, PARSE_ERROR_COLUMN)))
    return list(keys)


def _jsonl_chunks(path: Path, encoding: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    columns = _jsonl_columns(path, encoding)
    rows = ([record.get(column) for column in columns]
            for record in _jsonl_records(path, encoding))
    yield from _frames(rows, columns, chunk_rows)


def _frames(rows: Iterable[list[Any]], columns: list[str],
            chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Group rows into frames of ``chunk_rows``; at least one (possibly empty) frame."""
    batch: list[list[Any]] = []
    produced = False
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk_rows:
            yield pd.DataFrame(batch, columns=columns, dtype=object)
            batch, produced = [], True
    if batch or not produced:
        yield pd.DataFrame(batch, columns=columns, dtype=object)


def _parquet_file(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:
        raise TabularError(f"{path.name} is not a readable Parquet file ({exc}); "
                           f"{_EXPORT_HINT}") from exc


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    parquet = _parquet_file(path)
    produced = False
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            produced = True
            yield batch.to_pandas(ignore_metadata=True)
        if not produced:
            yield parquet.schema_arrow.empty_table().to_pandas(ignore_metadata=True)
    finally:
        parquet.close()


@contextlib.contextmanager
def _xlsx_sheet(path: Path) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """The active sheet's title and its non-empty rows, as tuples of cell values."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise TabularError(f"{path.name} is not a readable XLSX workbook ({exc}); open it in "
                           "Excel and save it as .xlsx or CSV UTF-8") from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the stored size: read every cell there is
        rows = (row for row in sheet.iter_rows(values_only=True)
                if any(value is not None and value != "" for value in row))
        yield sheet.title, rows
    finally:
        workbook.close()


def _xlsx_header(rows: Iterator[tuple[Any, ...]]) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    for row in rows:
        values = list(row)
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        return _unique_names(values), rows
    return [], rows


def _xlsx_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    with _xlsx_sheet(path) as (_, rows):
        columns, rows = _xlsx_header(rows)
        width = len(columns)

        def padded() -> Iterator[list[Any]]:
            for row in rows:
                values = list(row)
                if len(values) > width:
                    extra = [value for value in values[width:] if value is not None]
                    values = values[:width]
                    if extra and width:
                        values[-1] = "\t".join(_text(v) for v in [values[-1], *extra]
                                               if v is not None)
                yield values + [None] * (width - len(values))

        yield from _frames(padded(), columns, chunk_rows)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def escape_formula(value: object) -> object:
    """Make a text cell safe to open in a spreadsheet (OWASP CSV-injection guidance).

    A string starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'`` so Excel and LibreOffice show it as text instead of running it as a formula. Other
    values (numbers, None, other strings) are returned unchanged.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        The value, escaped if it is a risky string.

    Examples
    --------
    >>> escape_formula("=SUM(A1)")
    "'=SUM(A1)"
    >>> escape_formula(-2)
    -2
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``path`` only if the block ends cleanly.

    Parameters
    ----------
    path : str or path-like
        The target file; an existing file is replaced.
    encoding : str
        Text encoding.
    newline : str, optional
        Passed to :func:`open`.

    Yields
    ------
    file object
        A handle on a temporary file in the same folder.
    """
    target = _AtomicTarget(Path(path))
    try:
        with open(target.temp, "w", encoding=encoding, newline=newline) as handle:
            yield handle
    except BaseException:
        target.discard()
        raise
    target.commit()


class _AtomicTarget:
    """A temporary file next to ``path`` that replaces it on commit and vanishes on discard."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            raise TabularError(f"{path} is a folder; give a file name for the output")
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        except FileNotFoundError:
            raise TabularError(f"folder {path.parent} does not exist; create it first") from None
        os.close(fd)
        self.temp = Path(temp)

    def commit(self) -> None:
        try:
            with self.temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                os.chmod(self.temp, self.path.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temp, 0o666 & ~umask)
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


class TableWriter:
    """Write DataFrame chunks to one table file, atomically.

    The file appears at ``path`` only when the ``with`` block exits without an exception; on an
    exception or Ctrl-C the temporary file is removed and an existing target is left untouched.
    The first chunk fixes the columns; later chunks must have the same ones (missing columns are
    written empty). CSV is UTF-8 with a BOM so Excel shows Chinese correctly; string cells in
    CSV, TSV and XLSX go through :func:`escape_formula`. Parquet keeps numeric, boolean and
    date-time columns typed and writes every other column as strings.

    Parameters
    ----------
    path : str or path-like
        The output file.
    fmt : str, optional
        ``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``xlsx``; by default from the extension.

    Examples
    --------
    >>> with TableWriter("scored.csv") as writer:  # doctest: +SKIP
    ...     for frame in read_chunks("input.csv"):
    ...         writer.write(frame)
    """

    def __init__(self, path: str | os.PathLike[str], fmt: str | None = None) -> None:
        self.path = Path(path)
        self.fmt = _check_fmt(fmt) if fmt else format_from_name(self.path)
        self.rows_written = 0
        self.columns: list[str] | None = None
        self._target: _AtomicTarget | None = None
        self._handle: IO[str] | None = None
        self._csv: Any = None
        self._parquet: Any = None
        self._schema: Any = None
        self._workbook: Any = None
        self._sheet: Any = None
        self._truncated = 0
        self._illegal: Any = None

    def __enter__(self) -> TableWriter:
        self._target = _AtomicTarget(self.path)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: pd.DataFrame) -> None:
        """Append a chunk of rows.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows to write; its index is not written.

        Raises
        ------
        TabularError
            When the chunk has columns the first chunk did not have, or XLSX is full.
        """
        if self._target is None:
            raise RuntimeError("use TableWriter in a with block")
        if not all(isinstance(column, str) for column in frame.columns):
            frame = frame.rename(columns=str)
        if self.columns is None:
            self.columns = list(frame.columns)
            self._open(frame, self._target.temp)
        else:
            extra = [column for column in frame.columns if column not in self.columns]
            if extra:
                raise TabularError(f"columns {extra} appeared after the header was written; "
                                   "every chunk must have the same columns")
            frame = frame.reindex(columns=self.columns)
        if self.fmt in _DELIMITERS:
            rows = ([_csv_cell(value) for value in row]
                    for row in frame.itertuples(index=False, name=None))
            self._csv.writerows(rows)
        elif self.fmt == "jsonl":
            self._write_jsonl(frame)
        elif self.fmt == "parquet":
            self._parquet.write_table(_arrow_table(frame, self._schema))
        else:
            self._write_xlsx(frame)
        self.rows_written += len(frame)

    def close(self) -> None:
        """Finish the file and move it onto the target path."""
        if self._target is None:
            return
        target, self._target = self._target, None
        try:
            if self.columns is None:
                self.columns = []
                self._open(pd.DataFrame(), target.temp)
            self._finish(target.temp)
        except BaseException:
            self._abandon()
            target.discard()
            raise
        target.commit()
        if self._truncated:
            logger.warning("%s: %d cell(s) were cut to Excel's limit of %s characters",
                           self.path.name, self._truncated, f"{_XLSX_MAX_CELL:,}")

    def abort(self) -> None:
        """Drop everything written so far; the target is left as it was."""
        if self._target is None:
            return
        target, self._target = self._target, None
        self._abandon()
        target.discard()

    def _open(self, frame: pd.DataFrame, temp: Path) -> None:
        columns = self.columns or []
        if self.fmt in _DELIMITERS:
            encoding = "utf-8-sig" if self.fmt == "csv" else "utf-8"
            self._handle = temp.open("w", encoding=encoding, newline="")
            self._csv = csv.writer(self._handle, delimiter=_DELIMITERS[self.fmt],
                                   lineterminator="\r\n" if self.fmt == "csv" else "\n")
            self._csv.writerow([_csv_cell(name) for name in columns])
        elif self.fmt == "jsonl":
            self._handle = temp.open("w", encoding="utf-8", newline="\n")
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            self._schema = _arrow_schema(frame)
            self._parquet = pq.ParquetWriter(temp, self._schema)
        else:
            from openpyxl import Workbook
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            self._illegal = ILLEGAL_CHARACTERS_RE
            self._workbook = Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet("Sheet1")
            self._sheet.append([self._xlsx_cell(name) for name in columns])

    def _write_jsonl(self, frame: pd.DataFrame) -> None:
        assert self._handle is not None and self.columns is not None
        names = self.columns
        lines = []
        for row in frame.itertuples(index=False, name=None):
            record = {name: _json_value(value) for name, value in zip(names, row, strict=True)}
            lines.append(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._handle.writelines(lines)

    def _write_xlsx(self, frame: pd.DataFrame) -> None:
        if self.rows_written + len(frame) + 1 > _XLSX_MAX_ROWS:
            raise TabularError(f"XLSX holds at most {_XLSX_MAX_ROWS:,} rows; write CSV or Parquet "
                               "instead")
        for row in frame.itertuples(index=False, name=None):
            self._sheet.append([self._xlsx_cell(value) for value in row])

    def _xlsx_cell(self, value: object) -> object:
        value = _plain(value)
        if value is None or isinstance(value, bool | int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.isoformat()
        if isinstance(value, dt.date | dt.time):
            return value
        text = escape_formula(_text(value))
        assert isinstance(text, str)
        text = self._illegal.sub("\ufffd", text)
        if len(text) > _XLSX_MAX_CELL:
            self._truncated += 1
            text = text[:_XLSX_MAX_CELL]
        return text

    def _finish(self, temp: Path) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._parquet is not None:
            self._parquet.close()
        if self._workbook is not None:
            self._workbook.save(temp)

    def _abandon(self) -> None:
        closers = [getattr(self._handle, "close", None), getattr(self._parquet, "close", None)]
        if self._sheet is not None:  # finish openpyxl's row stream and drop its temporary file
            closers += [self._sheet.close, self._sheet._writer.cleanup]
        for closer in closers:
            if closer is not None:
                with contextlib.suppress(Exception):
                    closer()
        self._handle = self._parquet = self._workbook = self._sheet = None


_PLAIN_TYPES = frozenset((str, int, bool))


def _plain(value: object) -> object:
    """numpy and pandas scalars as plain Python values; every kind of missing as None."""
    if type(value) in _PLAIN_TYPES:  # the common case, checked first for speed
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if item is not None and not isinstance(value, str | bytes) and getattr(value, "ndim", 1) == 0:
        value = item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _text(value: object) -> str:
    """A cell value as text: JSON for lists and dicts, ISO-like for dates, str otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "tolist"):  # numpy arrays (Parquet list columns)
        return json.dumps(value.tolist(), ensure_ascii=False, default=str)
    return str(value)


def _csv_cell(value: object) -> object:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, bool | int | float):
        return value
    return escape_formula(_text(value))


def _json_value(value: object) -> Any:
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _arrow_schema(frame: pd.DataFrame) -> Any:
    import pyarrow as pa

    fields = []
    for name in frame.columns:
        series = frame[name]
        arrow_type = pa.string()
        if (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)
                or pd.api.types.is_datetime64_any_dtype(series.dtype)):
            arrow_type = pa.array(series, from_pandas=True).type
            if pa.types.is_null(arrow_type):
                arrow_type = pa.string()
        fields.append(pa.field(str(name), arrow_type))
    return pa.schema(fields)


def _arrow_table(frame: pd.DataFrame, schema: Any) -> Any:
    import pyarrow as pa

    arrays = []
    for field, name in zip(schema, frame.columns, strict=True):
        series = frame[name]
        if pa.types.is_string(field.type):
            values = [None if (v := _plain(value)) is None else _text(v) for value in series]
            arrays.append(pa.array(values, type=pa.string()))
            continue
        try:
            arrays.append(pa.array(series, from_pandas=True).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            raise TabularError(f"column {field.name!r} was {field.type} in the first chunk but "
                               f"holds other values later ({exc}); write CSV or JSONL "
                               "instead") from exc
    return pa.Table.from_arrays(arrays, schema=schema)
