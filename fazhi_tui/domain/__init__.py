"""The domain layer: record kinds, dates, validation and the checklist rule engine.

Pure Python, fast to test: no database, no files, no Textual.

May import: ``fazhi_tui.base``.
"""
