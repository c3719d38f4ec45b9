"""First start: ask for the township code and name, then write the config."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from fazhi_tui.base.config import Config, save_config
from fazhi_tui.base.division import check_township_code, county_of
from fazhi_tui.base.i18n import t
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["SetupScreen"]


class SetupScreen(Screen[Config | None]):
    """Answers with the saved Config, or None if the clerk left (Esc) without saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True),
        Binding("escape", "app.quit", "key.quit", show=False),
    ]

    def __init__(self, home: Home) -> None:
        super().__init__()
        self.home = home

    def compose(self) -> ComposeResult:
        with Vertical(id="setup-box"):
            yield Static(t("setup.title"), id="setup-title")
            yield Static(t("setup.intro"), id="setup-intro")
            yield Label(t("setup.code"))
            yield Input(placeholder=t("setup.example", example="640302100"), id="setup-code", max_length=12, compact=True)
            yield Static("", id="err-code", classes="field-error")
            yield Label(t("setup.name"))
            yield Input(placeholder=t("setup.example", example="金星镇"), id="setup-name", max_length=50, compact=True)
            yield Static("", id="err-name", classes="field-error")
            yield Label(t("setup.operator"))
            yield Input(id="setup-operator", max_length=50, compact=True)
            yield Static(t("setup.save"), id="setup-hint")
        yield key_footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves."""
        event.stop()
        if event.input.id == "setup-operator":
            self.action_save()
        else:
            self.focus_next()

    def _error(self, name: str, message: str) -> None:
        label = self.query_one(f"#err-{name}", Static)
        label.update(plain(message))
        label.display = bool(message)

    def action_save(self) -> None:
        raw_code = self.query_one("#setup-code", Input).value
        name = clean_text(self.query_one("#setup-name", Input).value).strip()
        operator = clean_text(self.query_one("#setup-operator", Input).value).strip()
        code = check_township_code(raw_code)
        self._error("code", "" if code else t("err.township_code"))
        self._error("name", "" if name else t("err.township_name"))
        if code is None:
            self.query_one("#setup-code", Input).focus()
            return
        if not name:
            self.query_one("#setup-name", Input).focus()
            return
        config = Config(township_code=code, township_name=name, county_code=county_of(code), operator=operator)
        self.home.ensure()
        save_config(self.home.config, config)
        self.dismiss(config)
