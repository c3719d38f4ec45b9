"""The log: what was opened, imported, exported, refused, and the tracebacks of errors.

Standard library only. Every module logs to ``logging.getLogger(__name__)``; all of them sit
under the ``fazhi_tui`` logger, which :func:`setup_logging` sends to a rotating file in the
home, ``logs/fazhi-tui.log`` (UTF-8, 1 MB a part, 5 older parts kept), and, with
``verbose``, to standard error as well. An IT person reads it after "it didn't work".
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from fazhi_tui.base.paths import Home

__all__ = ["LOG_NAME", "ROOT_LOGGER", "log_path", "setup_logging", "ensure_logging", "close_logging", "log_unexpected", "logging_home"]

LOG_NAME = "fazhi-tui.log"
ROOT_LOGGER = "fazhi_tui"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"

_MARK = "_fazhi_tui_handler"  # set on the handlers this module adds, to replace them cleanly
_configured_for: Path | None = None


def log_path(home: Home) -> Path:
    """Where the log of ``home`` is written (it may not exist yet)."""
    return home.logs / LOG_NAME


def logging_home() -> Path | None:
    """The log file currently written to, if logging is set up."""
    return _configured_for


def _ours(handler: logging.Handler) -> bool:
    return getattr(handler, _MARK, False)


class _HomeLogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file of a home that may not exist yet (``demo`` and ``hub init``
    make it): nothing is written, and no folder made, until the home's data folder exists
    (the command line's log never creates a home of its own)."""

    def __init__(self, path: Path, home_folder: Path) -> None:
        self.home_folder = home_folder
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            try:
                if not self.home_folder.is_dir():
                    return
                Path(self.baseFilename).parent.mkdir(exist_ok=True)
            except OSError:
                return
        super().emit(record)


def setup_logging(home: Home, verbose: bool = False, *, create: bool = True) -> Path | None:
    """Send the program's log to ``logs/fazhi-tui.log`` in ``home`` (and to standard error
    when ``verbose``). Returns the log file, or None when the folder cannot be written (a
    read-only stick): the program goes on without a file then. ``create=False``: a home
    that does not exist yet is not made for the log; it gets its log once something else
    makes it. Calling it again replaces the handlers set up before."""
    global _configured_for
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in [h for h in logger.handlers if _ours(h)]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    formatter = logging.Formatter(FORMAT)
    path: Path | None = log_path(home)
    try:
        if create or home.data_dir.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = _HomeLogFile(path, home.data_dir)
    except OSError:
        path = None
    else:
        file_handler.setFormatter(formatter)
        file_handler.setLevel(logging.INFO)
        setattr(file_handler, _MARK, True)
        logger.addHandler(file_handler)
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.setLevel(logging.DEBUG)
        setattr(stream, _MARK, True)
        logger.addHandler(stream)
    _configured_for = path
    if path is not None:
        logger.debug("log file %s (pid %d)", path, os.getpid())
    return path


def ensure_logging(home: Home) -> Path | None:
    """Set up logging for ``home`` unless it already is (keeps a ``--verbose`` mirror set
    up by the command line)."""
    if _configured_for is not None and _configured_for == log_path(home):
        return _configured_for
    return setup_logging(home)


def close_logging() -> None:
    """Close the handlers :func:`setup_logging` added (the end of a command run in-process:
    the file is flushed and the next run starts afresh)."""
    global _configured_for
    logger = logging.getLogger(ROOT_LOGGER)
    for handler in [h for h in logger.handlers if _ours(h)]:
        logger.removeHandler(handler)
        handler.close()
    _configured_for = None


def log_unexpected(exc: BaseException, what: str = "unexpected error") -> None:
    """Write ``exc`` with its traceback to the log."""
    logging.getLogger(ROOT_LOGGER).error("%s: %s", what, exc, exc_info=(type(exc), exc, exc.__traceback__))
