"""The base layer: what every other layer needs and that knows nothing of records.

Paths of a home (``paths``), the config file (``config``), statistical division codes
(``division``, needed by the config), atomic file writes (``files``), translations
(``i18n``), the list of removable drives (``removable``) and the one rule for text people
typed or files brought: stored clean, shown harmless (``text``).

May import: the standard library and third-party packages only — nothing else of fazhi_tui.
"""
