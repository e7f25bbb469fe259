"""Which text the single-text page scores: an uploaded document, else the text box."""

from __future__ import annotations

from ponzidetect.textio import TextDecodeError, document_text

DOCUMENT_TYPES = ("txt", "html", "htm", "pdf", "docx")

__all__ = ["DOCUMENT_TYPES", "TextDecodeError", "text_to_score"]


def text_to_score(typed: str | None, name: str | None = None, data: bytes | None = None) -> str:
    """The uploaded document's text when there is one, else the typed text (maybe empty).

    Raises
    ------
    TextDecodeError
        When the upload is not a readable .txt/.html/.pdf/.docx document.
    """
    if name is not None and data is not None:
        return document_text(name, data)
    return typed or ""
