"""Where a USB stick shows up, per platform, for the folder picker.

Windows: drive letters the system reports as removable. Linux: folders under the usual
mount points of desktop environments (/media/USER, /run/media/USER, /media, /mnt).
macOS: /Volumes. Nothing here is required to work: a clerk can always type a path.
"""

from __future__ import annotations

import getpass
import os
import string
import sys
from pathlib import Path

__all__ = ["removable_folders"]


def _windows_drives() -> list[Path]:
    try:
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        mask = kernel.GetLogicalDrives()
    except (AttributeError, OSError):
        return []
    drives = []
    for index, letter in enumerate(string.ascii_uppercase):
        if mask & (1 << index):
            root = f"{letter}:\\"
            if kernel.GetDriveTypeW(root) == 2:  # DRIVE_REMOVABLE
                drives.append(Path(root))
    return drives


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and os.access(p, os.R_OK))
    except OSError:
        return []


def removable_folders() -> list[Path]:
    """Folders that are probably USB sticks, most likely first (may be empty)."""
    if sys.platform.startswith("win"):
        return _windows_drives()
    if sys.platform == "darwin":
        return [p for p in _subfolders(Path("/Volumes")) if p.name != "Macintosh HD"]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    found: list[Path] = []
    for base in (Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")):
        for folder in _subfolders(base):
            if folder not in found and folder.name != user:
                found.append(folder)
    return found
