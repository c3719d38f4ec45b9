"""Progress of long work (importing many bundles, migrating a database, building the kit).

The protocol is one callable: ``progress(done, total, what)`` — ``done`` steps of
``total`` are finished (``total`` None when unknown) and ``what`` names the step just
started or finished. Work that may take more than a second accepts ``progress=`` and calls
it before the first step (``done=0``) and after each one; :data:`NO_PROGRESS` does
nothing. No Textual here: the command line draws it with :class:`ConsoleProgress`, the
interface forwards it to a ProgressBar with ``call_from_thread``.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TextIO, TypeVar

__all__ = ["Progress", "NO_PROGRESS", "ConsoleProgress", "steps", "RecordingProgress"]

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, done: int, total: int | None, what: str = "") -> None: ...


def _nothing(done: int, total: int | None, what: str = "") -> None:
    return None


NO_PROGRESS: Progress = _nothing


def steps(items: Iterable[T], progress: Progress | None, label: Callable[[T], str] = str) -> Iterator[T]:
    """Yield ``items`` and report after each one: ``for path in steps(paths, progress): ...``."""
    progress = progress or NO_PROGRESS
    items = list(items)
    total = len(items)
    progress(0, total, "")
    for done, item in enumerate(items, start=1):
        yield item
        progress(done, total, label(item))


class RecordingProgress:
    """Keeps every report, for tests and for a caller that shows them later."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int | None, str]] = []

    def __call__(self, done: int, total: int | None, what: str = "") -> None:
        self.reports.append((done, total, what))


def _columns(stream: TextIO) -> int:
    """The terminal's width (a bar longer than it would wrap, and could not be redrawn in place)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    # A terminal that does not say its size (0: a new pseudo-terminal): COLUMNS, or 80.
    return columns if columns > 0 else shutil.get_terminal_size().columns


def _clip(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` terminal columns (a Chinese character takes two)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > columns:
            return text[:index]
    return text


class ConsoleProgress:
    """Draws progress on a console stream (standard error by default).

    On a terminal: one line redrawn in place, ``[#####.....]  5/10  name``, finished with a
    newline when done reaches total. Redirected to a file or a pipe: a plain line per step
    (``5/10 name``), nothing redrawn, so a log stays readable. ``is_terminal`` overrides
    the stream's own ``isatty()``.
    """

    def __init__(self, stream: TextIO | None = None, *, is_terminal: bool | None = None, width: int = 30, label: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if is_terminal is None:
            try:
                is_terminal = bool(self.stream.isatty())
            except (AttributeError, ValueError, OSError):
                is_terminal = False
        self.is_terminal = is_terminal
        self.width = width
        self.label = label
        self._last_draw = 0.0
        self._open_line = False

    def __call__(self, done: int, total: int | None, what: str = "") -> None:
        finished = total is not None and done >= total
        if self.is_terminal:
            now = time.monotonic()
            if not finished and done and now - self._last_draw < 0.05:
                return  # at most 20 redraws a second
            self._last_draw = now
            self._write("\r\x1b[K" + _clip(self._bar(done, total, what), _columns(self.stream) - 1))
            self._open_line = True
            if finished:
                self._write("\n")
                self._open_line = False
        else:
            if done == 0 and not what:
                return  # the start: nothing done yet, nothing to say
            count = f"{done}/{total}" if total is not None else str(done)
            prefix = f"{self.label} " if self.label else ""
            self._write(f"{prefix}{count} {what}".rstrip() + "\n")

    def _bar(self, done: int, total: int | None, what: str) -> str:
        prefix = f"{self.label} " if self.label else ""
        if not total:
            return f"{prefix}{done} {what}".rstrip()
        filled = min(self.width, round(self.width * done / total))
        bar = "#" * filled + "." * (self.width - filled)
        digits = len(str(total))
        return f"{prefix}[{bar}] {done:>{digits}}/{total} {what}".rstrip()

    def clear(self) -> None:
        """Take a terminal's bar off its line, so that a line of output can be printed there;
        the next report draws it again at once (unthrottled). Nothing when redirected."""
        if self.is_terminal and self._open_line:
            self._write("\r\x1b[K")
            self._open_line = False
            self._last_draw = 0.0

    def close(self) -> None:
        """End an unfinished bar's line (after an error or Ctrl+C)."""
        if self._open_line:
            self._write("\n")
            self._open_line = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # progress is never worth failing the work for
