"""Read one document (plain text in any common encoding, HTML, PDF, DOCX) with bounded expansion.

Text files are decoded with the same sniffer as tables (:mod:`ponzidetect.io.sniff`). DOCX is
read straight from its XML (body, tables, text boxes, headers, footers, foot- and endnotes, in
that order) with a bound on unpacked bytes, so a small ZIP bomb cannot blow up memory; PDFs are
read page by page up to a page and character bound. A document with no text (a scanned PDF
without a text layer) is an error that says so, never an empty text that "raises no red flag".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .limits import DEFAULT_LIMITS, Limits
from .ooxml import BadPackage, Package, PartTooLarge, XmlStream, local_name
from .sniff import MARK, decode_marked, guess_encoding, looks_binary, magic_kind

__all__ = [
    "DOCUMENT_SUFFIXES",
    "DocumentText",
    "TextDecodeError",
    "decode_text",
    "document_text",
    "html_to_text",
    "read_document",
]

DOCUMENT_SUFFIXES = (".txt", ".md", ".csv", ".html", ".htm", ".pdf", ".docx")
_DOCX_XML_BYTES = 256 << 20
_WORD_PARTS = ("/header", "/footnotes", "/endnotes", "/footer")


class TextDecodeError(ValueError):
    """The bytes are not a readable text document; the message says what to do."""


@dataclass(frozen=True)
class DocumentText:
    """The text of one document and how it was read.

    Attributes
    ----------
    text : str
        The text.
    kind : str
        ``text``, ``html``, ``pdf`` or ``docx``.
    encoding : str
        The text encoding used (``""`` for PDF and DOCX).
    notes : tuple of str
        Warnings worth showing (bad bytes replaced, pages skipped).
    """

    text: str
    kind: str
    encoding: str = ""
    notes: tuple[str, ...] = ()


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, tuple[str, ...]]:
    if encoding:
        try:
            text = decode_marked(data, encoding)
        except LookupError as error:
            raise TextDecodeError(f"unknown encoding {encoding!r}; try utf-8, gb18030, big5, "
                                  "utf-16 or cp1252") from error
        chosen = encoding
    else:
        head = data[:8192]
        kind = magic_kind(head)
        if kind:
            raise TextDecodeError(f"this is a binary file ({kind[0]}), not text; {kind[1]}")
        if looks_binary(head):
            raise TextDecodeError("this looks like a binary file (NUL bytes), not text; if it is "
                                  "UTF-16 text pass --encoding utf-16-le (or utf-16-be)")
        chosen = guess_encoding(data, final=True)
        text = decode_marked(data, chosen)
    bad = text.count(MARK)
    if bad > max(3, len(text) // 100):
        raise TextDecodeError(f"{bad:,} byte sequences are not valid {chosen}; pass the right "
                              "encoding with --encoding (e.g. gb18030, big5, cp1252, utf-16-le)")
    notes: tuple[str, ...] = ()
    if bad:
        text = text.replace(MARK, "\ufffd")
        notes = (f"{bad:,} byte sequence(s) not valid {chosen} were shown as \ufffd",)
    return text.removeprefix("\ufeff"), chosen, notes


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """Decode plain-text bytes with the shared sniffer (BOM, UTF-16, UTF-8, GB18030, a guess).

    Parameters
    ----------
    data : bytes
        File content.
    encoding : str, optional
        Force an encoding instead of detecting one.

    Returns
    -------
    str

    Raises
    ------
    TextDecodeError
        For binary content or bytes the encoding does not read.
    """
    return _decode(data, encoding)[0]


def html_to_text(html: str) -> str:
    """Visible text of an HTML page (scripts and styles dropped)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


class _WordText:
    """expat handlers gathering the visible text of a WordprocessingML part."""

    def __init__(self, max_chars: int, name: str) -> None:
        self.pieces: list[str] = []
        self.chars = 0
        self.max_chars = max_chars
        self.name = name
        self.in_text = False
        self.fallback = 0

    def _add(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.max_chars:
            raise TextDecodeError(f"{self.name} holds more than {self.max_chars:,} characters of "
                                  "text; split it into smaller documents")
        self.pieces.append(text)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "Fallback":
            self.fallback += 1
        elif self.fallback:
            return
        elif local == "t":
            self.in_text = True
        elif local == "tab":
            self._add("\t")
        elif local in ("br", "cr"):
            self._add("\n")
        elif local == "noBreakHyphen":
            self._add("-")

    def end(self, name: str) -> None:
        local = local_name(name)
        if local == "Fallback":
            self.fallback -= 1
        elif self.fallback:
            return
        elif local == "t":
            self.in_text = False
        elif local in ("p", "tr"):
            self._add("\n")
        elif local == "tc":
            self._add("\t")

    def text(self, data: str) -> None:
        if self.in_text and not self.fallback:
            self._add(data)


def _docx_text(name: str, data: bytes, limits: Limits) -> str:
    try:
        package = Package(io.BytesIO(data))
    except BadPackage as error:
        raise TextDecodeError(f"cannot read {name}: {error}") from error
    try:
        root = package.relationships("")
        main = next((target for kind, target in root.values()
                     if kind.endswith("/officeDocument")), "word/document.xml")
        if not package.has(main):
            raise TextDecodeError(f"cannot read {name}: it is a ZIP file but not a Word document")
        related = package.relationships(main)
        by_kind = {kind: sorted(target for rel_kind, target in related.values()
                                if rel_kind.endswith(kind) and package.has(target))
                   for kind in _WORD_PARTS}
        parts = [*by_kind["/header"], main, *by_kind["/footnotes"], *by_kind["/endnotes"],
                 *by_kind["/footer"]]
        gatherer = _WordText(limits.document_chars, name)
        budget = _DOCX_XML_BYTES
        for part in parts:
            stream = XmlStream(gatherer.start, gatherer.end, gatherer.text)
            for block in package.blocks(part, budget):
                budget -= len(block)
                stream.feed(block)
            stream.feed(b"", True)
            gatherer._add("\n")
        return "".join(gatherer.pieces).rstrip("\n")
    except PartTooLarge as error:
        raise TextDecodeError(f"{name} unpacks to more than {_DOCX_XML_BYTES >> 20} MB of XML "
                              "(a ZIP bomb?); it was not read") from error
    except BadPackage as error:
        raise TextDecodeError(f"cannot read {name}: {error}") from error
    finally:
        package.close()


def _pdf_text(name: str, data: bytes, limits: Limits) -> tuple[str, tuple[str, ...]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = reader.pages
        count = len(pages)
        pieces: list[str] = []
        chars = 0
        for index in range(min(count, limits.pdf_pages)):
            text = pages[index].extract_text() or ""
            chars += len(text)
            if chars > limits.document_chars:
                raise TextDecodeError(f"{name} holds more than {limits.document_chars:,} "
                                      "characters of text; split it into smaller documents")
            pieces.append(text)
    except TextDecodeError:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on broken or hostile files
        raise TextDecodeError(f"cannot read {name}: {error}") from error
    notes: tuple[str, ...] = ()
    if count > limits.pdf_pages:
        notes = (f"only the first {limits.pdf_pages:,} of {count:,} pages were read",)
    return "\n".join(pieces), notes


def read_document(name: str, data: bytes, encoding: str | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> DocumentText:
    """The text of an uploaded document, by file extension: .txt/.md/.csv, .html/.htm, .pdf, .docx.

    Parameters
    ----------
    name : str
        The file name (its extension decides how it is read).
    data : bytes
        The content.
    encoding : str, optional
        Force the text encoding of a text or HTML file.
    limits : Limits
        ``document_bytes``, ``document_chars`` and ``pdf_pages``.

    Returns
    -------
    DocumentText

    Raises
    ------
    TextDecodeError
        When the file cannot be read as that kind of document, is over a limit, or holds no
        text at all.
    """
    if len(data) > limits.document_bytes:
        raise TextDecodeError(f"{name} is larger than {limits.document_bytes >> 20} MB; split it "
                              "or extract the part to check")
    suffix = Path(name).suffix.lower()
    notes: tuple[str, ...] = ()
    used = ""
    if suffix == ".pdf":
        kind = "pdf"
        text, notes = _pdf_text(name, data, limits)
    elif suffix == ".docx":
        kind = "docx"
        text = _docx_text(name, data, limits)
    else:
        kind = "html" if suffix in (".html", ".htm") else "text"
        text, used, notes = _decode(data, encoding)
        if kind == "html":
            text = html_to_text(text)
        if len(text) > limits.document_chars:
            raise TextDecodeError(f"{name} holds more than {limits.document_chars:,} characters "
                                  "of text; split it into smaller documents")
    if not text.strip():
        if kind == "pdf":
            raise TextDecodeError(f"no text could be read from {name}: the PDF has no text layer "
                                  "(a scan or images?); run OCR on it first, then check the text")
        raise TextDecodeError(f"no text could be read from {name}: it is empty")
    return DocumentText(text=text, kind=kind, encoding=used, notes=notes)


def document_text(name: str, data: bytes, encoding: str | None = None) -> str:
    """The text of a document (see :func:`read_document`).

    Raises
    ------
    TextDecodeError
        When the file cannot be read, is over a limit, or holds no text.
    """
    return read_document(name, data, encoding).text
