"""Forgiving date parsing for clerks who type dates in many ways."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DateParseError", "parse_date", "format_date"]


class DateParseError(ValueError):
    """The text is not a date: either not in a known form, or impossible (2024-02-30)."""

    def __init__(self, text: str, impossible: bool) -> None:
        super().__init__(text)
        self.text = text
        self.impossible = impossible


_FULLWIDTH = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")

# year, month, day separated by -, /, . or the Chinese 年 月 日 (日 optional);
# or eight digits in a row.
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(text: str) -> dt.date:
    """Parse ``2024-03-05``, ``20240305``, ``2024/3/5``, ``2024.3.5`` or ``2024年3月5日``.

    Full-width digits (typed with a Chinese input method) are accepted.
    Raises :class:`DateParseError` with ``impossible=True`` when the form is right but
    the date does not exist.
    """
    cleaned = text.strip().translate(_FULLWIDTH)
    match = _SEPARATED.fullmatch(cleaned) or _COMPACT.fullmatch(cleaned)
    if not match:
        raise DateParseError(text, impossible=False)
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(text, impossible=True) from None


def format_date(value: dt.date | str | None) -> str:
    """ISO form used for storage and display: ``2024-03-05`` (empty for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.isoformat()
