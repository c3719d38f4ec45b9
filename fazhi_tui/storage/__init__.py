"""The storage layer: every line of SQL the program runs.

Opening, migrating, backing up and restoring the database (``database``), the township's
record store (``store``) and the hub's tables. Nothing outside this package calls
``.execute(``.

May import: ``fazhi_tui.domain``, ``fazhi_tui.base``.
"""
