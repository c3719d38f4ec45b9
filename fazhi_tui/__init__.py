"""fazhi-tui: township rule-of-law records, offline checklists and USB sync.

Kept import-light on purpose: importing the package must not pull in Textual,
so the command line answers fast and the domain stays testable on its own.
"""

__version__ = "0.1.0"
