"""The command line, on click: ``fazhi-tui`` (root.py: opening the program, the township's
commands in office.py, and its office files in files.py: ``ledger``, ``annual-report``,
``import-sheet``), ``fazhi-tui hub`` (hub.py) and ``fazhi-tui hub catalog`` (catalog.py). Each command parses its arguments and calls one use case of
:mod:`fazhi_tui.services`; help texts come from :mod:`fazhi_tui.base.i18n`.

The top layer: may import every other layer. Textual is imported only when the interface
opens, so the other commands answer fast.
"""

from fazhi_tui.cli.root import main, root

__all__ = ["main", "root"]
