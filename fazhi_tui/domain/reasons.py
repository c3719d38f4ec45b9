"""Reasons the program itself writes into a record's reason field.

A delegated item the county took back gets the reason "no longer in the county's
catalog (date)". Were that sentence stored, the record would say it in the language of
whoever imported the down-bundle, and go to the county so. It is stored as a code
(``@catalog_withdrawn:2026-03-05``) and put into words where records are read for
showing, in the language of whoever reads; text a clerk typed is stored and shown as
typed. The words given back (a form saved unchanged) are stored as the code again.
"""

from __future__ import annotations

import re
from functools import cache

from fazhi_tui.base.i18n import CATALOG, t

__all__ = ["CATALOG_WITHDRAWN", "REASON_FIELDS", "reason_code", "reason_text", "reason_value"]

CATALOG_WITHDRAWN = "catalog_withdrawn"  # the county's catalog no longer lists the item
# (kind, field) of the free-text fields that may hold a reason code
REASON_FIELDS = frozenset({("delegated_item", "status_reason")})

_WORDS = {CATALOG_WITHDRAWN: "sync.catalog_withdrawn_reason"}  # each with a {date}
_CODE = re.compile(r"@(?P<code>[a-z_]+):(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})")


def reason_code(code: str, date: str) -> str:
    """The stored value of reason ``code`` given on ``date`` (YYYY-MM-DD)."""
    if code not in _WORDS:
        raise ValueError(f"unknown reason code: {code}")
    value = f"@{code}:{date}"
    if not _CODE.fullmatch(value):
        raise ValueError(f"not a date: {date}")
    return value


def reason_text(value: str | None) -> str | None:
    """A stored value as it reads: a reason code in words (current language), else as stored."""
    if not value or value[0] != "@":
        return value
    found = _CODE.fullmatch(value)
    if found is None or found["code"] not in _WORDS:
        return value
    return t(_WORDS[found["code"]], date=found["date"])


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(code, the words of the code in either language as a pattern with the date)."""
    out = []
    for code, key in _WORDS.items():
        for words in CATALOG[key]:
            head, tail = (re.escape(part) for part in words.split("{date}"))
            out.append((code, re.compile(f"{head}(?P<date>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}){tail}")))
    return out


def reason_value(text: str | None) -> str | None:
    """The value to store for ``text``: the words of a reason code (in either language)
    become the code again; anything else is stored as it is."""
    if not text:
        return text
    for code, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return reason_code(code, found["date"])
    return text
