"""Names of the files sync writes on a stick: never one that is there already."""

from __future__ import annotations

from pathlib import Path

__all__ = ["free_name"]


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or if a file of that name exists ``stem-2``, ``stem-3``, ...:
    nothing sync writes replaces a file already on the stick."""
    path = folder / f"{stem}{suffix}"
    number = 1
    while path.exists() or path.is_symlink():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path
