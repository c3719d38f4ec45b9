"""The storage layer: every line of SQL the program runs.

Opening, migrating, backing up and restoring the database (``database``); the record
store (``store``); the one INSERT of a record row and of an audit row, and the reads sync
does on the record tables (``records``); the ``meta`` keys (``meta``); a township's export
log (``export_log``); the hub's tables and the queries its screens read (``hub_store``).
Nothing outside this package calls ``.execute(``. Bulk writes and paged reads go through
sqlite-utils (``Store.db``, imported on first use); the schema is schema.sql's alone.

May import: ``fazhi_tui.domain``, ``fazhi_tui.base``.
"""
