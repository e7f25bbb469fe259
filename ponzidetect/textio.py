"""Read one document from bytes: plain text in any common encoding, HTML, PDF or DOCX."""

from __future__ import annotations

import io
from pathlib import Path

from charset_normalizer import from_bytes

BINARY_SIGNATURES = {
    b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF", b"\x7fELF": "ELF executable", b"MZ": "Windows executable",
}


class TextDecodeError(ValueError):
    """The bytes are not a readable text document."""


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """Decode plain-text bytes: BOMs, UTF-16, UTF-8, then GB18030 (Chinese Excel/Notepad), then a guess.

    Parameters
    ----------
    data : bytes
        File content.
    encoding : str, optional
        Force an encoding instead of detecting one.

    Raises
    ------
    TextDecodeError
        For binary content or bytes no encoding reads.
    """
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as error:
            raise TextDecodeError(f"cannot decode as {encoding}: {error}") from error
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise TextDecodeError(f"this is a binary file ({kind}), not text")
    if b"\x00" in data[:4096]:
        raise TextDecodeError("this looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise TextDecodeError("cannot tell the text encoding; pass one with --encoding")
    return str(best)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page (scripts and styles dropped)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def document_text(name: str, data: bytes, encoding: str | None = None) -> str:
    """Text of an uploaded document, by file extension: .txt/.md/.csv, .html/.htm, .pdf, .docx.

    Raises
    ------
    TextDecodeError
        When the file cannot be read as that kind of document.
    """
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        if suffix == ".docx":
            from docx import Document as DocxDocument

            return "\n".join(p.text for p in DocxDocument(io.BytesIO(data)).paragraphs)
    except Exception as error:  # library-specific parse errors
        raise TextDecodeError(f"cannot read {name}: {error}") from error
    text = decode_text(data, encoding)
    if suffix in {".html", ".htm"}:
        return html_to_text(text)
    return text
