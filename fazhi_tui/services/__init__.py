"""The services layer: one function per user action, called by both the command line and
the screens: ``office`` (a township's actions), ``hub`` (a hub's actions), and what they are
built from (the checklist in force and its report formats — text, and Excel/Word in
``checklist_files`` —, the hub report's formats, catalog parsing, the demo township, the
words of import verdicts, ``errors``); and the office files both ways: ``sheets``
(reading any spreadsheet, mapping its columns, remembered mappings), ``ledger_import``
(a township's Excel ledgers in), ``ledger`` (the year's ledger out as Excel) and
``annual_report`` (the T7 report draft as Word).

May import: ``fazhi_tui.sync``, ``fazhi_tui.storage``, ``fazhi_tui.domain``,
``fazhi_tui.base``. Never Textual.
"""
