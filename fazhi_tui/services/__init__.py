"""The services layer: one function per user action, called by both the command line and
the screens (the checklist in force and its report, the hub's matrix and report, catalog
import, the demo township, the words of import verdicts).

May import: ``fazhi_tui.sync``, ``fazhi_tui.storage``, ``fazhi_tui.domain``,
``fazhi_tui.base``. Never Textual.
"""
