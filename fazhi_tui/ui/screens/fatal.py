"""A problem the program cannot work around: say what it is and what to do, then quit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from fazhi_tui.ui.widgets.footer import key_footer
from fazhi_tui.i18n import t

__all__ = ["FatalScreen"]


class FatalScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.quit", t("key.quit")),
        Binding("enter", "app.quit", t("key.quit"), show=False),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="fatal-box"):
            yield Static(self.message, id="fatal-message")
        yield key_footer()
