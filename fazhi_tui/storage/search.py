"""The list filter: which rows show a word the clerk typed, matched as the list shows them.

A row matches a filter when each of its words (split at spaces) appears in something the
clerk can see of the row: a text column, a date as displayed (``2026-10``), a number as
displayed, the label of a choice or of yes/no in the interface language (``部分``,
``行政会议``), or the name of a linked record (a person, an item). Chinese matches from one
character, Latin letters without regard to case.

Everything runs in SQLite, over the whole table, without loading it: choice and yes/no
labels are matched in Python against the few labels there are and become ``IN (codes)``;
linked names become a sub-query on the linked table. Measured on the 10-year, 20,000-record
demo township (≈ 9,000 meetings), counting the rows of a one-word filter takes ≈ 10 ms and
a page of 100 rows less — a trigram index would not pay for its upkeep on every write and
import, and could not see labels or linked names at all.
"""

from __future__ import annotations

from typing import Any

from fazhi_tui.base.i18n import choice_label, t
from fazhi_tui.domain.kinds import CHOICES, KINDS, Field, Kind

__all__ = ["filter_where", "searched_fields"]

_TEXT_TYPES = ("text", "longtext", "date")


def searched_fields(kind: Kind) -> tuple[Field, ...]:
    """The fields a filter looks in: every list column, the kind's text fields and its links."""
    names = {f.name for f in kind.list_fields} | set(kind.search_fields)
    return tuple(f for f in kind.fields if f.name in names or f.type in ("ref", "refs"))


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _label_columns(kind: Kind, alias: str) -> str:
    """SQL for the label of a record as pickers show it (its label fields joined)."""
    parts = [f"COALESCE(CAST({alias}.{name} AS TEXT), '')" for name in kind.label_fields]
    return " || ' ' || ".join(parts)


def _word_clause(kind: Kind, word: str) -> tuple[str, list[Any]]:
    """SQL true for a row that shows ``word`` somewhere, and its parameters."""
    folded = word.casefold()
    pattern = _like(word)
    ors: list[str] = []
    params: list[Any] = []
    for f in searched_fields(kind):
        if f.type in _TEXT_TYPES:
            ors.append(f"{f.name} LIKE ? ESCAPE '\\'")
            params.append(pattern)
        elif f.type == "int":
            ors.append(f"CAST({f.name} AS TEXT) LIKE ? ESCAPE '\\'")
            params.append(pattern)
        elif f.type == "float":
            ors.append(f"printf('%g', {f.name}) LIKE ? ESCAPE '\\'")
            params.append(pattern)
        elif f.type == "choice":
            codes = [c for c in CHOICES[f.choices or ""] if folded in choice_label(f.choices or "", c).casefold()]
            if codes:
                ors.append(f"{f.name} IN ({', '.join('?' for _ in codes)})")
                params.extend(codes)
        elif f.type == "bool":
            if folded in t("bool.yes").casefold():
                ors.append(f"{f.name} = 1")
            if folded in t("bool.no").casefold():
                ors.append(f"COALESCE({f.name}, 0) = 0")
        elif f.type == "ref":
            linked = KINDS[f.ref or ""]
            ors.append(
                f"{f.name} IN (SELECT r.uuid FROM {linked.name} r"
                f" WHERE {_label_columns(linked, 'r')} LIKE ? ESCAPE '\\')"
            )
            params.append(pattern)
        elif f.type == "refs":
            linked = KINDS[f.ref or ""]
            ors.append(
                f"({f.name} IS NOT NULL AND {f.name} != '[]' AND EXISTS (SELECT 1 FROM json_each({f.name}) j"
                f" JOIN {linked.name} r ON r.uuid = j.value WHERE {_label_columns(linked, 'r')} LIKE ? ESCAPE '\\'))"
            )
            params.append(pattern)
    if not ors:
        return "0", []
    return "(" + " OR ".join(ors) + ")", params


def filter_where(kind: Kind, text: str) -> tuple[str, list[Any]]:
    """WHERE clause (live rows showing every word of ``text``) and its parameters."""
    where, params = ["deleted_at IS NULL"], []
    for word in text.split():
        clause, word_params = _word_clause(kind, word)
        where.append(clause)
        params.extend(word_params)
    return " AND ".join(where), params
