"""How stored values read on screen, in the chosen language.

Text from data (records, names of offices and files, rule names from a county's
rules.toml, what the clerk typed into a filter) is shown as ``rich.text.Text``, never as
markup, and through :func:`~fazhi_tui.base.text.visible`, so a ``[/]`` reads as itself and
no control character reaches the terminal. :func:`plain` does both.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from fazhi_tui.base.i18n import choice_label, t
from fazhi_tui.base.text import visible
from fazhi_tui.domain.kinds import Kind

__all__ = ["cell_text", "record_label", "ref_label_key", "plain", "visible"]


def plain(value: object, style: str = "", *, multiline: bool = True) -> Text:
    """``value`` as text to show, never read as markup, controls made visible."""
    return Text(visible(str(value), multiline=multiline), style=style)


def ref_label_key(field_name: str) -> str:
    """Where a list row keeps the label of the record a ``ref`` field points at."""
    return f"{field_name}__label"


def cell_text(kind: Kind, field_name: str, row: dict[str, Any]) -> str:
    """The text of one list cell."""
    f = kind.field(field_name)
    value = row.get(field_name)
    if f.type == "choice":
        return choice_label(f.choices, value)
    if f.type == "bool":
        return t("bool.yes") if value else t("bool.no")
    if f.type == "ref":
        return str(row.get(ref_label_key(field_name)) or "")
    if f.type == "refs":
        return str(len(value or []))
    if f.type == "float" and value is not None:
        return f"{value:g}"
    if value is None:
        return ""
    return visible(str(value))  # one line: every line break a space, controls shown


def record_label(kind: Kind, row: dict[str, Any]) -> str:
    """A short name of a record for messages: its label fields joined."""
    parts = [cell_text(kind, name, row) for name in kind.label_fields]
    return " ".join(p for p in parts if p)
