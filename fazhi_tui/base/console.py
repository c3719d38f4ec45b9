"""Output that never crashes on the console's encoding.

A Chinese Windows console (code page 936, GBK) cannot show every character GB18030 has —
a staff name with 䶮 — and an English one (cp1252) or a redirected ``C`` locale (ASCII)
shows no Chinese at all. Python's standard output refuses such characters with
``UnicodeEncodeError``; :func:`setup_console` makes it replace them instead (``?`` on
standard output, ``\\u4dae`` on standard error), keeping the console's own encoding.

Files are never written through the console: reports and exports are UTF-8 (CSV with a
BOM, for Excel and WPS), whatever the console is.
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["setup_console", "safe_text", "FILE_ENCODING", "CSV_ENCODING"]

FILE_ENCODING = "utf-8"
CSV_ENCODING = "utf-8-sig"  # Excel and WPS on Chinese Windows read a UTF-8 CSV right only with a BOM


def _reconfigure(stream: TextIO | None, errors: str) -> None:
    if stream is None:  # pythonw.exe: no console at all
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:  # replaced by a test harness or an IDE
        return
    try:
        reconfigure(errors=errors)
    except (ValueError, OSError):  # closed, or a stream that cannot change
        pass


def setup_console() -> None:
    """Make standard output and error replace what the console's encoding cannot show.

    Call it first thing in every entry point (``python -m fazhi_tui`` and the
    ``fazhi-tui`` command). Idempotent."""
    _reconfigure(sys.stdout, "replace")
    _reconfigure(sys.stderr, "backslashreplace")


def safe_text(text: str, stream: TextIO | None = None) -> str:
    """``text`` as ``stream`` (standard output by default) can show it: what its encoding
    cannot hold is replaced by ``?``. For a stream that cannot be reconfigured."""
    stream = stream if stream is not None else sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, errors="replace").decode(encoding, errors="replace")
    except LookupError:
        return text
