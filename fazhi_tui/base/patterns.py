"""Files named on the command line: folders and wildcard patterns expanded by the program.

Neither cmd.exe nor PowerShell expands ``E:\\fazhi-up-*.fzb``: the program receives the
pattern itself. :func:`expand_files` expands it the same way on every platform (a shell
that did expand it first passes the names, which are kept as they are). A folder stands
for its files matching ``folder_pattern``. Each argument gives its regular files in name
order; a file named twice is kept once. A pattern or folder with no match is an error
that names it; a plain name that does not exist is passed on, for the command to report
in its line for that file.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from fazhi_tui.base.i18n import t

__all__ = ["NoMatch", "expand_files", "has_wildcard"]

_WILDCARDS = "*?["


class NoMatch(Exception):
    """A pattern or folder matched no file. ``message()`` names it, in the user's language."""

    def __init__(self, pattern: str, folder_pattern: str | None = None) -> None:
        super().__init__(pattern)
        self.pattern = pattern
        self.folder_pattern = folder_pattern

    def message(self) -> str:
        if self.folder_pattern is not None:
            return t("err.empty_folder", folder=self.pattern, pattern=self.folder_pattern)
        return t("err.no_match", pattern=self.pattern)


def has_wildcard(text: str) -> bool:
    return any(c in text for c in _WILDCARDS)


def _sort_key(path: Path) -> tuple[str, str]:
    return (path.name.casefold(), str(path))


def _regular_files(paths: Iterable[str | Path]) -> list[Path]:
    found = []
    for name in paths:
        path = Path(name)
        try:
            if path.is_file():
                found.append(path)
        except OSError:
            continue
    return sorted(found, key=_sort_key)


def expand_files(arguments: Iterable[str | os.PathLike[str]], folder_pattern: str = "*") -> list[Path]:
    """The files ``arguments`` name: each a file, a folder (its ``folder_pattern`` files)
    or a wildcard pattern (``*``, ``?``, ``[…]``; ``**`` for any depth). Raises NoMatch for
    a folder or pattern that gives no regular file."""
    result: list[Path] = []
    seen: set[str] = set()
    for argument in arguments:
        text = os.fspath(argument)
        path = Path(os.path.expanduser(text))
        if path.is_dir():
            files = _regular_files(glob.glob(os.path.join(glob.escape(str(path)), folder_pattern)))
            if not files:
                raise NoMatch(text, folder_pattern)
        elif not path.exists() and has_wildcard(text):
            files = _regular_files(glob.glob(str(path), recursive="**" in text))
            if not files:
                raise NoMatch(text)
        else:
            files = [path]  # a file, or a name that does not exist: the command reports it
        for file in files:
            key = os.path.normcase(os.path.abspath(file))
            if key not in seen:
                seen.add(key)
                result.append(file)
    return result
