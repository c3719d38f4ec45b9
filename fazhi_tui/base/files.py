"""Atomic file writes: a half-written file never takes the place of a whole one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "StagedFile", "stage_bytes", "fsync_path"]


class StagedFile:
    """Bytes already written and flushed to disk under a temporary name beside ``path``,
    waiting to take that name: :meth:`commit` renames, :meth:`discard` removes.

    Lets a caller make a file appear only once something else is done — an export's row
    in the database is committed first, so a bundle on the stick always has its row.
    """

    def __init__(self, path: Path, temp: Path) -> None:
        self.path = path
        self.temp = temp
        self.done = False

    def commit(self) -> None:
        """Give the file its name (atomically), then make the rename itself durable."""
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        self.done = True
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            os.unlink(self.temp)
        except FileNotFoundError:
            pass


def stage_bytes(path: Path, data: bytes, mode: int = 0o644) -> StagedFile:
    """Write ``data`` to a temporary file beside ``path`` and flush it to disk.

    The temporary name starts with a dot and ends in ``.tmp``: no program looking for the
    real name (``fazhi-up-*.fzb``) ever picks it up. It is removed if anything fails.
    ``mode`` sets the file's permissions where the file system has them (0o600 for keys).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            os.fchmod(fd, mode)
        except (AttributeError, OSError):  # Windows, or a FAT stick
            pass
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return StagedFile(path, Path(tmp_name))


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename.

    A crash or a pulled USB stick leaves either the old file or the new one, never a
    mixture. The temporary file is removed if anything fails. ``mode`` sets the file's
    permissions where the file system has them (0o600 for private keys).
    """
    stage_bytes(Path(path), data, mode).commit()


def atomic_write_text(path: Path, text: str, mode: int = 0o644) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def fsync_path(path: Path) -> None:
    """Ask the system to put ``path`` (a file, or on POSIX a folder) on the disk now; a
    system that cannot is not an error."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    if os.name == "posix":
        fsync_path(folder)
