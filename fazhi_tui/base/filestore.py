"""The home's store of evidence files, named by content: ``files/ab/abcdef….bin`` where
``abcdef…`` is the file's SHA-256. The same scan attached twice is kept once; each file is
written whole under a hidden name, flushed, then renamed (base/files.py), and a file whose
bytes no longer match its name is reported as damaged rather than shown."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fazhi_tui.base.files import atomic_write_bytes

__all__ = ["FileStore", "sha256_hex", "is_sha256"]

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


class FileStore:
    """Files kept by their SHA-256 in ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if not is_sha256(digest):
            raise ValueError(f"not a SHA-256: {digest!r}")
        return self.root / digest[:2] / f"{digest}.bin"

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def put(self, data: bytes, digest: str | None = None) -> tuple[str, bool]:
        """Keep ``data``; (its digest, whether it was written now — False: held already)."""
        actual = sha256_hex(data)
        if digest is not None and digest != actual:
            raise ValueError("content does not match its digest")
        target = self.path(actual)
        if target.is_file() and target.stat().st_size == len(data):
            return actual, False
        atomic_write_bytes(target, data, mode=0o600)
        return actual, True

    def read(self, digest: str) -> bytes:
        """The file's bytes, checked against its name (OSError if missing, ValueError if damaged)."""
        data = self.path(digest).read_bytes()
        if sha256_hex(data) != digest:
            raise ValueError(f"stored file {digest} is damaged")
        return data

    def total_size(self) -> int:
        """Bytes of all files kept (the home screen shows it)."""
        if not self.root.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.root.glob("??/*.bin") if p.is_file())
