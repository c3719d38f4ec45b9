"""The checklist rule engine: which of the plan's tasks a township meets in a year.

Public API of three modules, by job:

- :mod:`fazhi_tui.domain.rule_file`: rules as data (``fazhi_tui/rules.toml`` or a copy
  the county sends); :func:`load_rules` reads and validates them strictly.
- :mod:`fazhi_tui.domain.evaluation`: :func:`evaluate` applies them to the records of one
  township (rule types and statuses are described there).
- :mod:`fazhi_tui.domain.needs`: :func:`record_needs`, what evaluation reads, so a store
  reads no more.

All are pure: no Textual, no database, no clock.
"""

from __future__ import annotations

from fazhi_tui.domain.evaluation import AT_RISK, MET, NOT_APPLICABLE, NOT_MET, STATUSES, RuleResult, evaluate
from fazhi_tui.domain.needs import RecordNeed, record_needs
from fazhi_tui.domain.rule_file import (
    NON_EMPTY,
    RULE_TYPES,
    Link,
    Rule,
    RuleFileError,
    RuleSet,
    builtin_rules,
    builtin_rules_text,
    load_rules,
)

__all__ = [
    "RuleFileError",
    "Link",
    "Rule",
    "RuleSet",
    "RuleResult",
    "load_rules",
    "builtin_rules",
    "builtin_rules_text",
    "evaluate",
    "RecordNeed",
    "record_needs",
    "RULE_TYPES",
    "STATUSES",
    "MET",
    "NOT_MET",
    "AT_RISK",
    "NOT_APPLICABLE",
    "NON_EMPTY",
]
