"""Reading parts of Office Open XML packages (XLSX, DOCX) without trusting their sizes.

A part is unpacked block by block with a byte budget, and parsed by expat in streaming mode with
document type declarations refused (no entity tricks). Callers see element local names
(namespaces and prefixes dropped), so ``x:row`` and ``row`` read the same.
"""

from __future__ import annotations

import functools
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

__all__ = ["BLOCK_BYTES", "BadPackage", "Package", "PartTooLarge", "XmlStream", "attribute",
           "local_name"]

BLOCK_BYTES = 1 << 16


class PartTooLarge(Exception):
    """A part unpacks to more bytes than the budget allows."""


class BadPackage(Exception):
    """The ZIP container or one of its XML parts is corrupt; the message says which."""


@functools.lru_cache(maxsize=4096)
def local_name(name: str) -> str:
    """``namespace}local`` (expat's form) or ``prefix:local`` -> ``local``."""
    return name.rpartition("}")[2].rpartition(":")[2]


def attribute(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by local name, whatever its namespace (``r:id`` -> ``id``)."""
    value = attrs.get(name)
    if value is not None:
        return value
    for key, found in attrs.items():
        if local_name(key) == name:
            return found
    return None


class Package:
    """An opened ZIP container.

    Parameters
    ----------
    source : Path or binary file
        The file.
    """

    def __init__(self, source: Path | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BadPackage(f"not a readable ZIP container ({exc})") from exc
        self.names = {info.filename: info for info in self.zip.infolist()}

    def close(self) -> None:
        """Close the container."""
        self.zip.close()

    def has(self, name: str) -> bool:
        """Whether the container holds a part of that name."""
        return name in self.names

    def blocks(self, name: str, max_bytes: int) -> Iterator[bytes]:
        """The unpacked bytes of a part, block by block.

        Raises
        ------
        PartTooLarge
            After ``max_bytes`` unpacked bytes (what the ZIP directory claims is not trusted).
        BadPackage
            When the part is corrupt.
        """
        total = 0
        try:
            with self.zip.open(name) as handle:
                while True:
                    block = handle.read(BLOCK_BYTES)
                    if not block:
                        return
                    total += len(block)
                    if total > max_bytes:
                        raise PartTooLarge(f"{name} unpacks to more than {max_bytes:,} bytes")
                    yield block
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise BadPackage(f"{name} is corrupt ({exc})") from exc

    def read(self, name: str, max_bytes: int) -> bytes:
        """The whole unpacked part (for small parts: relationships, workbook, styles)."""
        return b"".join(self.blocks(name, max_bytes))

    def relationships(self, part: str, max_bytes: int = 16 << 20) -> dict[str, tuple[str, str]]:
        """``{id: (type, target part name)}`` of a part's ``_rels`` file (empty when none)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        found: dict[str, tuple[str, str]] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if local_name(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

        stream = XmlStream(start=start)
        stream.feed_all(self.blocks(rels_name, max_bytes))
        return found


class XmlStream:
    """A streaming expat parser that refuses DTDs; handlers get expat's names (see
    :func:`local_name`).

    Parameters
    ----------
    start : callable, optional
        ``start(name, attributes)``.
    end : callable, optional
        ``end(name)``.
    text : callable, optional
        ``text(characters)``; may be called several times for one text node.
    """

    def __init__(self, start: Callable[[str, dict[str, str]], None] | None = None,
                 end: Callable[[str], None] | None = None,
                 text: Callable[[str], None] | None = None) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.buffer_size = BLOCK_BYTES
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        if start is not None:
            parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        self._parser = parser

    @staticmethod
    def _refuse(*_: object) -> None:
        raise BadPackage("the XML declares a document type or entities, which Office files never "
                         "do")

    def feed(self, block: bytes, final: bool = False) -> None:
        """Parse one more block."""
        try:
            self._parser.Parse(block, final)
        except expat.ExpatError as exc:
            raise BadPackage(f"broken XML ({exc})") from exc

    def feed_all(self, blocks: Iterator[bytes]) -> None:
        """Parse every block, then finish."""
        for block in blocks:
            self.feed(block)
        self.feed(b"", True)
