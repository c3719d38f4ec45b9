"""Sample files for the evidence tests: valid ones and hostile ones."""

from __future__ import annotations

import io
import zipfile

from fazhi_tui.services.evidence_samples import tiny_pdf, tiny_png

__all__ = ["tiny_pdf", "tiny_png", "docx", "xlsx", "zip_bomb_docx", "ole"]

_WORD = b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
_EXCEL = b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'


def _ooxml(override: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types>' + override + b"</Types>")
        archive.writestr("word/document.xml" if override is _WORD else "xl/workbook.xml", b"<doc/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return _ooxml(_WORD)


def xlsx() -> bytes:
    return _ooxml(_EXCEL)


def zip_bomb_docx() -> bytes:
    """A .docx whose one extra member expands 1000 times its compressed size (200 MB of zeros
    would be the real thing; 20 MB shows the ratio just the same)."""
    return _ooxml(_WORD, {"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})


def ole() -> bytes:
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
