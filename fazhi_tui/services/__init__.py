"""The services layer: one function per user action, called by both the command line and
the screens: ``office`` (a township's actions), ``hub`` (a hub's actions), and what they are
built from (the checklist in force and its report formats, the hub report's formats,
catalog parsing, the demo township, the words of import verdicts, ``errors``).

May import: ``fazhi_tui.sync``, ``fazhi_tui.storage``, ``fazhi_tui.domain``,
``fazhi_tui.base``. Never Textual.
"""
