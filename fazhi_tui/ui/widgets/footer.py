"""The footer every screen shows: the keys of the screen in front, compact to fit 80 columns."""

from __future__ import annotations

from textual.widgets import Footer

__all__ = ["key_footer"]


def key_footer() -> Footer:
    # The command palette (Ctrl+P) still works; its footer entry is left out to leave
    # room for the screen's own keys at 80 columns.
    return Footer(show_command_palette=False, compact=True)
