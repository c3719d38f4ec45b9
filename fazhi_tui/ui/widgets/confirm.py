"""A small yes/no question that answers with dismiss(True/False)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.ui.format import plain

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; Y or Enter on 是 answers yes, N or Esc answers no."""

    BINDINGS = [
        Binding("y", "answer(True)", "key.yes"),
        Binding("n", "answer(False)", "key.no"),
        Binding("escape", "answer(False)", "key.no", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.question), id="confirm-question")  # it may quote a record
            with Horizontal(id="confirm-buttons"):
                yield Button(t("confirm.yes"), id="yes", variant="error")
                yield Button(t("confirm.no"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
