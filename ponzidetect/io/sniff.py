"""What a file is, from its bytes: magic numbers and text encoding, for tables and documents alike.

One sniffer serves the table readers and the document reader, so a file is never guessed two
ways. Encodings are guessed from a sample: a byte-order mark decides; UTF-16 without a mark is
recognised by its NUL pattern or, for Chinese without ASCII, by what it decodes to; bytes that
are mostly valid UTF-8 are UTF-8 (a stray bad byte becomes one row's error, not a reason to read
the whole file in another code page); mostly common Chinese in GB18030 is GB18030; anything
else goes to charset-normalizer.

Undecodable bytes are decoded as :data:`MARK` (a lone surrogate no codec produces), so a reader
can tell, line by line, where the bytes were bad and turn each such line into a row error.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
from pathlib import Path

from .formats import EXPORT_HINT, TabularError, format_hint

__all__ = [
    "MARK",
    "bom_encoding",
    "check_encoding",
    "decode_marked",
    "detect_encoding",
    "guess_encoding",
    "looks_binary",
    "magic_kind",
    "read_head",
    "utf16_encoding",
]

SNIFF_BYTES = 8192
SAMPLE_BYTES = 1 << 20
SCAN_LIMIT = 64 << 20
MARK = "\ud800"
"""What an undecodable byte sequence decodes to under the ``ponzidetect-mark`` error handler."""
MARK_ERRORS = "ponzidetect-mark"
ENCODING_HINT = "pass the file's encoding (--encoding on the command line), e.g. gb18030, big5, cp1252"

_ZIP_ADVICE = "if it is an Excel workbook rename it to .xlsx; otherwise unzip it"
# (magic bytes, what it is, what to do)
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "PDF", "extract the text first (ponzidetect flags and the app read PDFs), or "
     + EXPORT_HINT),
    (b"PK\x03\x04", "ZIP", _ZIP_ADVICE),
    (b"PK\x05\x06", "ZIP", _ZIP_ADVICE),
    (b"\x89PNG\r\n\x1a\n", "PNG image", EXPORT_HINT),
    (b"\xff\xd8\xff", "JPEG image", EXPORT_HINT),
    (b"GIF87a", "GIF image", EXPORT_HINT),
    (b"GIF89a", "GIF image", EXPORT_HINT),
    (b"\x7fELF", "ELF", EXPORT_HINT),
    (b"\x1f\x8b", "gzip", "decompress it first (gunzip)"),
    (b"\xfd7zXZ\x00", "xz", "decompress it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip", "extract it first"),
    (b"Rar!\x1a\x07", "RAR", "extract it first"),
    (b"\x28\xb5\x2f\xfd", "zstd", "decompress it first (unzstd)"),
    (b"PAR1", "Parquet", f"rename it to .parquet ({format_hint('parquet')})"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel .xls, .doc or password-protected Office file",
     "open it in Excel or Word and save it as .xlsx / .docx (without a password) or CSV UTF-8"),
    (b"SQLite format 3\x00", "SQLite", "export the table with sqlite3 -csv"),
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK_OR_ASCII = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u303f"
                           r"\u4e00-\u9fff\uff00-\uffef]")


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return MARK, error.end


codecs.register_error(MARK_ERRORS, _mark)


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of a file that exists, is a file and is not empty.

    Raises
    ------
    TabularError
        Saying which of those it is not.
    """
    if not path.exists():
        raise TabularError(f"{path} not found; check the path")
    if not path.is_file():
        raise TabularError(f"{path} is not a file")
    with path.open("rb") as handle:
        head = handle.read(size)
    if not head:
        raise TabularError(f"{path.name} is empty")
    return head


def magic_kind(head: bytes) -> tuple[str, str] | None:
    """``(what it is, what to do)`` when the first bytes are a known binary format, else None.

    Examples
    --------
    >>> magic_kind(b"%PDF-1.7")[0]
    'PDF'
    >>> magic_kind(b"id,text") is None
    True
    """
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            return kind, advice
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "bzip2", "decompress it first (bunzip2)"
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "Windows executable", EXPORT_HINT
    return None


def check_encoding(encoding: str) -> str:
    """The codec's canonical name, or a clear error for an unknown one.

    Raises
    ------
    TabularError
        For a name Python has no codec for.
    """
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise TabularError(f"unknown encoding {encoding!r}; try utf-8, gb18030, big5, utf-16 "
                           "or cp1252") from None


def bom_encoding(head: bytes) -> str | None:
    """``utf-8-sig``, ``utf-16`` or ``utf-32`` when the bytes start with that byte-order mark."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode_marked(data: bytes, encoding: str, *, final: bool = True) -> str:
    """Decode, turning every undecodable sequence into :data:`MARK`.

    Parameters
    ----------
    data : bytes
        The bytes.
    encoding : str
        A codec name.
    final : bool
        False when ``data`` may stop inside a multi-byte character (a sample).

    Returns
    -------
    str
    """
    return codecs.getincrementaldecoder(encoding)(MARK_ERRORS).decode(data, final)


def _plausible_share(text: str) -> float:
    """Share of characters that are ASCII, Latin, punctuation, CJK or full-width forms."""
    if not text:
        return 0.0
    return len(_CJK_OR_ASCII.findall(text)) / len(text)


def _valid_utf8(sample: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, False)
    except UnicodeDecodeError:
        return False
    return True


def utf16_encoding(sample: bytes, *, final: bool = False) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when BOM-less bytes read as UTF-16 text, else None.

    Two signals. Text with ASCII in it has a NUL byte beside every ASCII character, all on one
    side: at least 4 of them and 1% of the code units. Chinese without ASCII has no such
    pattern; it must then not be valid UTF-8, not look like ASCII bytes (ASCII read two bytes
    at a time also lands in the CJK block), and decode strictly into almost only CJK
    characters.
    """
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    units = len(sample) // 2
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    candidates = []
    for encoding, text_nul, other_nul in (("utf-16-le", odd_nul, even_nul),
                                          ("utf-16-be", even_nul, odd_nul)):
        try:
            text = codecs.getincrementaldecoder(encoding)("strict").decode(sample, final)
        except UnicodeDecodeError:
            continue
        candidates.append((encoding, text, text_nul >= 4 and text_nul >= units / 100
                           and other_nul <= text_nul / 2))
    for encoding, text, pattern in candidates:
        if pattern and _plausible_share(text) >= 0.8:
            return encoding
    if not candidates or len(sample) < 16 or _valid_utf8(sample):
        return None
    printable = sum(1 for byte in sample if 0x20 <= byte < 0x7f or byte in (9, 10, 13))
    if printable > 0.8 * len(sample):
        return None
    best = max(candidates, key=lambda item: _plausible_share(item[1]))
    return best[0] if _plausible_share(best[1]) >= 0.95 else None


def looks_binary(head: bytes) -> bool:
    """Whether NUL bytes say the file is binary: more than 1% of the bytes (or 16 of them),
    and it is not UTF-16 text. A stray NUL in a large text file stays in its cell.
    """
    nuls = head.count(0)
    if not nuls or (nuls <= 16 and nuls * 100 <= len(head)):
        return False
    return not bom_encoding(head) and not utf16_encoding(head)


def guess_encoding(sample: bytes, *, final: bool) -> str:
    """The most likely text encoding of a sample of bytes.

    Parameters
    ----------
    sample : bytes
        Bytes of the file (its start, or its first non-ASCII stretch).
    final : bool
        Whether the sample reaches the end of the file.

    Returns
    -------
    str
        A Python codec name.

    Examples
    --------
    >>> guess_encoding("保本保息，日息".encode("gbk"), final=True)
    'gb18030'
    >>> guess_encoding("café ".encode() * 20 + b"\\xff", final=True)
    'utf-8'
    """
    bom = bom_encoding(sample)
    if bom:
        return bom
    utf16 = utf16_encoding(sample, final=final)
    if utf16:
        return utf16
    if sample.isascii():
        return "utf-8"
    text = decode_marked(sample, "utf-8", final=final)
    marks = text.count(MARK)
    good = len(_NON_ASCII.findall(text)) - marks
    if marks == 0 or good >= 2 * marks or (good == 0 and marks <= 3):
        return "utf-8"  # UTF-8 with a few damaged bytes: they become row errors
    if _looks_chinese_gb(sample, final=final):
        return "gb18030"
    return _charset_normalizer(sample)


def _looks_chinese_gb(sample: bytes, *, final: bool) -> bool:
    """True when the bytes decode as GB18030 into mostly common Chinese text.

    Latin-1 or Big5 bytes often decode as GB18030 too, but into rare characters, kana, Greek or
    private-use code points; real GBK text is almost all GB2312 hanzi and punctuation. A few
    undecodable bytes are tolerated (they become row errors).
    """
    text = decode_marked(sample, "gb18030", final=final)
    marks = text.count(MARK)
    wide = [ch for ch in _NON_ASCII.findall(text) if ch != MARK]
    if not wide or marks * 20 > len(wide):
        return False
    common = sum(1 for ch in wide if _is_common_chinese(ch))
    han = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
    return han > 0 and common / len(wide) >= 0.8


@functools.lru_cache(maxsize=8192)
def _is_common_chinese(ch: str) -> bool:
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
            or ch in "“”‘’…—·"):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _charset_normalizer(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = from_bytes(sample[: 256 << 10])
    best = matches.best()
    if best is None:
        return "utf-8"  # nothing reads it: UTF-8, with every bad line an error
    name = codecs.lookup(best.encoding).name
    if name in ("gbk", "gb2312", "hz"):
        return "gb18030"
    # short Western samples fit several code pages equally well; Windows-1252 is the usual one
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.1:
            return "cp1252"
    return name


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """Guess the text encoding of a CSV, TSV or JSONL file from a sample of its bytes.

    A byte-order mark decides; UTF-16 without a mark is recognised from the first bytes;
    otherwise the first non-ASCII stretch of the file (within its first 64 MiB) goes to
    :func:`guess_encoding`.

    Parameters
    ----------
    path : str or path-like
        The file to sample.

    Returns
    -------
    str
        A Python codec name.

    Raises
    ------
    TabularError
        When the file is missing or empty.
    """
    path = Path(path)
    read_head(path)
    stat = path.stat()
    return _detect_encoding(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _detect_encoding(name: str, size: int, mtime_ns: int) -> str:
    """Cached by path, size and modification time: a run asks several times about one file."""
    path = Path(name)
    head = read_head(path)
    bom = bom_encoding(head)
    if bom:
        return bom
    utf16 = utf16_encoding(head, final=len(head) < SNIFF_BYTES)
    if utf16:
        return utf16
    sample, at_eof = _non_ascii_sample(path)
    if not sample:
        return "utf-8"
    return guess_encoding(sample, final=at_eof)


def _non_ascii_sample(path: Path) -> tuple[bytes, bool]:
    """The first block of the file with non-ASCII bytes (within 64 MiB), and whether it is all.

    A block after the first one starts at a line break so it does not begin inside a
    multi-byte character.
    """
    with path.open("rb") as handle:
        first = handle.read(SAMPLE_BYTES)
        at_eof = len(first) < SAMPLE_BYTES
        if not first.isascii() or at_eof:
            return first, at_eof
        scanned = len(first)
        while scanned < SCAN_LIMIT:
            block = handle.read(SAMPLE_BYTES)
            if not block:
                return b"", True
            scanned += len(block)
            if not block.isascii():
                position = next(i for i, byte in enumerate(block) if byte >= 0x80)
                start = block[:position].rfind(b"\n") + 1
                block = block[start:] + handle.read(start)
                return block, len(block) < SAMPLE_BYTES
    return b"", False
