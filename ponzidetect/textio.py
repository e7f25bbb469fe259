"""Compatibility names for reading documents; the code lives in :mod:`ponzidetect.io.documents`."""

from __future__ import annotations

from .io.documents import TextDecodeError, decode_text, document_text, html_to_text, read_document

__all__ = ["TextDecodeError", "decode_text", "document_text", "html_to_text", "read_document"]
