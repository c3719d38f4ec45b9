"""Evidence files: attach scans and photos to a record, list them, open one, detach one.

Files are judged by content (base/filetypes.py), never by name: a PDF named .jpg is
refused, as is anything over the config's per-file limit. Each file is kept once in the
home's store by its SHA-256 (base/filestore.py); the record's attachment rows
(storage/attachments.py) name it. Every check runs on every file before anything is
written: a command attaching five files attaches five or none.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.filestore import FileStore
from fazhi_tui.base.filetypes import TYPES, FileTypeRefused, clean_file_name, name_fits, sniff
from fazhi_tui.base.i18n import t
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.storage import attachments
from fazhi_tui.storage.store import Actor, RecordNotFound, Store

__all__ = [
    "EvidenceFile",
    "check_file",
    "attach_files",
    "record_files",
    "detach_file",
    "file_lines",
    "files_json",
    "open_file",
    "stored_total",
    "size_text",
    "type_label",
]

CAPTION_LIMIT = 200


@dataclass(frozen=True)
class EvidenceFile:
    """A file read from disk and checked: its bytes, type and the name it will keep."""

    path: Path
    data: bytes
    type: str
    name: str


def type_label(kind: str) -> str:
    return TYPES.get(kind, (kind,))[0]


def size_text(size: int) -> str:
    """Bytes as a clerk reads them: 512 B, 1.5 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_file(path: Path, limit: int) -> EvidenceFile:
    """Read one file and check it (regular file, within ``limit`` bytes, an allowed type
    whose name fits it); ActionRefused naming the file and the reason."""
    shown = path.name
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ActionRefused("err.file_not_regular", name=shown)
        if info.st_size > limit:
            raise ActionRefused("err.file_too_big", name=shown, size=size_text(info.st_size), limit=size_text(limit))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ActionRefused("err.file_unreadable", name=shown, reason=exc.strerror or str(exc)) from exc
    if len(data) > limit:
        raise ActionRefused("err.file_too_big", name=shown, size=size_text(len(data)), limit=size_text(limit))
    try:
        kind = sniff(data)
    except FileTypeRefused as exc:
        raise ActionRefused("err.file_refused", name=shown, reason=t(exc.key)) from exc
    name = clean_file_name(clean_text(path.name))
    if name is None:
        raise ActionRefused("err.file_refused", name=shown, reason=t("err.file_name"))
    if not name_fits(name, kind):
        raise ActionRefused("err.file_refused", name=shown, reason=t("err.file_name_type", type=type_label(kind)))
    return EvidenceFile(path, data, kind, name)


def _record_kind(store: Store, record_uuid: str) -> str:
    kind = attachments.record_kind_of(store, record_uuid)
    if kind is None:
        raise ActionRefused("err.record_not_found", usage=True, uuid=record_uuid)
    return kind


def attach_files(home: Home, config: Config, store: Store, record_uuid: str, paths: list[Path], caption: str = "") -> list[dict[str, Any]]:
    """Attach ``paths`` to the live record ``record_uuid``: all of them, or none (the first
    refusal is raised). Returns the new attachment rows."""
    if config.hub is not None:
        raise ActionRefused("err.files_hub_read_only", usage=True)
    kind = _record_kind(store, record_uuid)
    checked = [check_file(Path(p), config.evidence.max_file_bytes) for p in paths]
    caption = clean_text(caption)[:CAPTION_LIMIT]
    files = FileStore(home.files)
    actor = Actor(config.operator, config.township_code)
    made = []
    for item in checked:
        try:
            digest, _written = files.put(item.data)
        except OSError as exc:
            raise ActionRefused("err.file_cannot_keep", name=item.name, reason=exc.strerror or str(exc)) from exc
        made.append(attachments.add_attachment(store, actor, {
            "record_kind": kind, "record_uuid": record_uuid, "sha256": digest, "size": len(item.data),
            "type": item.type, "name": item.name, "caption": caption,
        }))
    rows = {row["uuid"]: row for row in attachments.attachments_of(store, record_uuid)}
    return [rows[u] for u in made if u in rows]


def record_files(store: Store, record_uuid: str, township: str | None = None) -> list[dict[str, Any]]:
    """The live attachments of a record (at a hub: of one township's record)."""
    return attachments.attachments_of(store, record_uuid, township)


def detach_file(config: Config, store: Store, attachment_uuid: str) -> None:
    if config.hub is not None:
        raise ActionRefused("err.files_hub_read_only", usage=True)
    try:
        attachments.detach(store, Actor(config.operator, config.township_code), attachment_uuid)
    except RecordNotFound as exc:
        raise ActionRefused("err.record_not_found", usage=True, uuid=attachment_uuid) from exc


def file_lines(rows: list[dict[str, Any]], home: Home) -> list[str]:
    """One line a file: number, name, size, type, SHA-256 (and the caption), with a mark
    when the file itself has not arrived (at a hub) or is missing."""
    files = FileStore(home.files)
    out = []
    for number, row in enumerate(rows, 1):
        held = "" if files.has(row["sha256"]) else "  " + t("files.not_held")
        caption = f"  {row['caption']}" if row["caption"] else ""
        out.append(f"{number}  {row['name']}  {size_text(row['size'])}  {type_label(row['type'])}  {row['sha256']}{caption}{held}")
    return out


def files_json(rows: list[dict[str, Any]], home: Home) -> str:
    files = FileStore(home.files)
    return json.dumps(
        [{"n": number, "uuid": row["uuid"], "name": row["name"], "size": row["size"], "type": row["type"],
          "sha256": row["sha256"], "caption": row["caption"], "record_kind": row["record_kind"],
          "record_uuid": row["record_uuid"], "held": files.has(row["sha256"]), "path": str(files.path(row["sha256"]))}
         for number, row in enumerate(rows, 1)],
        ensure_ascii=False, indent=1,
    )


def _viewer_copy(home: Home, row: dict[str, Any]) -> Path:
    """A copy of the stored file under its own name (a viewer picks the program by the
    ending), in the home's ``files/open`` folder; checked against its SHA-256 first."""
    files = FileStore(home.files)
    try:
        data = files.read(row["sha256"])
    except OSError as exc:
        raise ActionRefused("err.file_not_held", name=row["name"]) from exc
    except ValueError as exc:
        raise ActionRefused("err.file_damaged_store", name=row["name"]) from exc
    folder = home.files / "open" / row["sha256"][:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / row["name"]
    if not target.is_file() or target.stat().st_size != len(data):
        target.write_bytes(data)
    return target


def open_file(home: Home, row: dict[str, Any], *, launch: bool = True) -> tuple[Path, bool]:
    """Open a file with the system's viewer: (where it lies, whether a viewer was started)."""
    path = _viewer_copy(home, row)
    if not launch:
        return path, False
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]  # noqa: S606
            return path, True
        opener = shutil.which("xdg-open") if sys.platform.startswith("linux") else shutil.which("open")
        if opener and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform == "darwin"):
            subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            return path, True
    except OSError:
        pass
    return path, False


def stored_total(home: Home) -> int:
    return FileStore(home.files).total_size()
