"""What kind of file an evidence file is, judged by its content (never by its name).

Allowed: PDF, JPEG, PNG, Word/WPS/Excel as OOXML (a ZIP whose ``[Content_Types].xml``
names a word-processing document or a spreadsheet) and the legacy OLE compound files
(.doc, .xls, .wps). An OOXML file is opened as an archive and refused when it has too many
members, a member that climbs out (``../``) or expands to far more than its size (a zip
bomb), before anything is expanded. :func:`sniff` answers the type or raises
:class:`FileTypeRefused` with an i18n key naming the reason.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["TYPES", "FileTypeRefused", "sniff", "name_fits", "clean_file_name"]

# type → (label, extensions a file of this type may carry)
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("PDF", (".pdf",)),
    "jpeg": ("JPEG", (".jpg", ".jpeg", ".jpe")),
    "png": ("PNG", (".png",)),
    "docx": ("Word", (".docx", ".wps", ".docm")),
    "xlsx": ("Excel", (".xlsx", ".et", ".xlsm")),
    "ole": ("Word/Excel (97-2003)", (".doc", ".xls", ".wps", ".et", ".dot", ".xlt")),
}

OOXML_MAX_MEMBERS = 2000
OOXML_MAX_EXPANDED = 200 * 1024 * 1024
OOXML_MAX_RATIO = 100
OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class FileTypeRefused(ValueError):
    """A file this program does not keep. ``key``: the i18n key of the reason."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail


def sniff(data: bytes) -> str:
    """The type of ``data`` (a key of :data:`TYPES`), or FileTypeRefused."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(OLE_SIGNATURE):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    raise FileTypeRefused("err.file_type", "not a PDF, JPEG, PNG, Word or Excel file")


def _ooxml(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise FileTypeRefused("err.file_damaged", f"archive is damaged: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > OOXML_MAX_MEMBERS:
            raise FileTypeRefused("err.file_bomb", f"{len(infos)} members")
        total = 0
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
                raise FileTypeRefused("err.file_damaged", f"member {name!r} climbs out")
            total += info.file_size
            if info.file_size > OOXML_MAX_RATIO * max(info.compress_size, 1024):
                raise FileTypeRefused("err.file_bomb", f"member {name!r} expands {info.file_size} from {info.compress_size}")
        if total > OOXML_MAX_EXPANDED:
            raise FileTypeRefused("err.file_bomb", f"expands to {total} bytes")
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError:
            raise FileTypeRefused("err.file_type", "a ZIP archive, not a Word or Excel file") from None
        try:
            with archive.open(info) as handle:
                types = handle.read(1024 * 1024 + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise FileTypeRefused("err.file_damaged", f"[Content_Types].xml: {exc}") from exc
    if b"wordprocessingml.document" in types or b"ms-word.document" in types or b"wordprocessingml.template" in types:
        return "docx"
    if b"spreadsheetml.sheet" in types or b"ms-excel.sheet" in types or b"spreadsheetml.template" in types:
        return "xlsx"
    raise FileTypeRefused("err.file_type", "an Office archive of another kind")


def name_fits(name: str, kind: str) -> bool:
    """Whether the file's name ends as a file of ``kind`` does (a name with no extension fits)."""
    lower = name.lower()
    if "." not in lower:
        return True
    return lower.endswith(TYPES[kind][1])


def clean_file_name(name: str) -> str | None:
    """The name as kept (no folder, no controls, at most 120 characters); None if nothing is left
    or it names a path (``a/b``, ``..``) — a name from a bundle must be a bare name."""
    if not isinstance(name, str) or not name or len(name) > 255:
        return None
    if "/" in name or "\\" in name or ":" in name or name in (".", "..") or not name.isprintable():
        return None
    return name.strip()[:120] or None
