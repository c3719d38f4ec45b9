"""The command line, on click: ``fazhi-tui`` (root.py: opening the program, the township's
commands in office.py, and its office files in files.py: ``ledger``, ``annual-report``,
``import-sheet``), ``fazhi-tui hub`` (hub.py) and ``fazhi-tui hub catalog`` (catalog.py). Each command parses its arguments and calls one use case of
:mod:`fazhi_tui.services`; help texts come from :mod:`fazhi_tui.base.i18n`.

``fazhi-tui`` alone (or with only ``--home DIR``) opens the interface without click
(start.py): nothing of the command line is imported for it (issue 20).

The top layer: may import every other layer. Textual is imported only when the interface
opens, so the other commands answer fast.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence

__all__ = ["main", "root"]


def _interface_only(args: Sequence[str]) -> tuple[bool, str | None]:
    """(True, the ``--home`` given or None) when ``args`` ask only to open the interface:
    nothing, ``--home DIR`` or ``--home=DIR``. Anything else goes through click."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--home" and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--home="):
        return True, args[0].split("=", 1)[1]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fazhi-tui ARGV``: the exit code (0 done, 1 failed, 2 asked wrongly; 130 on
    Ctrl+C). ``--help`` and ``--version`` raise SystemExit(0), a usage error SystemExit(2)."""
    args = list(sys.argv[1:] if argv is None else argv)
    only, home = _interface_only(args)
    if only:
        import gc

        gc.disable()  # before the first import: see start.run_app (open_interface turns it back on)
        from fazhi_tui.cli.start import open_interface

        return open_interface(args, home)
    from fazhi_tui.cli.root import main as run_command

    return run_command(args)


class _Package(types.ModuleType):
    """``fazhi_tui.cli.root`` is the top click group (``root.make_context(...)``), as it
    always was, but imported only when asked for: importing the package must not import
    click. (The import system names the submodule root.py here too; the group stays.)"""

    @property
    def root(self):
        from fazhi_tui.cli.root import root

        return root

    @root.setter
    def root(self, _submodule) -> None:
        pass


sys.modules[__name__].__class__ = _Package
