"""F1 on any screen: what the screen is for and every key it answers to."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from fazhi_tui.base.i18n import CATALOG, kind_label, t
from fazhi_tui.base.logs import log_path
from fazhi_tui.domain.kinds import KIND_ORDER
from fazhi_tui.ui.helpers import KIND_KEYS_SHOWN, kind_key

__all__ = ["HelpScreen", "screen_keys", "our_actions"]


def our_actions(screen: Screen):
    """The active bindings this program defines (not Textual's own scrolling or copying),
    as (key, ActiveBinding), once per action."""
    ours = {t(key) for key in CATALOG if key.startswith(("key.", "kind."))}
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.description in ours and binding.action not in seen:
            seen.add(binding.action)
            yield key, active


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, what it does) for every key of this program active on ``screen``. The number
    keys of the record lists make one line: ``1-9 a-k  1 会议  2 人员 … a …``."""
    keys = []
    kinds = {f"app.open_kind('{k.name}')": (kind_key(k.name), kind_label(k.name)) for k in KIND_ORDER}
    for _key, active in our_actions(screen):
        binding = active.binding
        if binding.action in kinds:
            if binding.description == t("key.kinds"):
                keys.append((binding.key_display or KIND_KEYS_SHOWN, "  ".join(f"{n} {label}" for n, label in kinds.values())))
            continue
        shown = binding.key_display or screen.app.get_key_display(binding)
        keys.append((shown, binding.description))
    return keys


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "key.back", key_display="Esc"),
        Binding("f1", "dismiss", "key.back", show=False),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.about = screen

    def compose(self) -> ComposeResult:
        name = type(self.about).__name__
        purpose_key = f"help.{name}"
        purpose = t(purpose_key) if purpose_key in CATALOG else t("help.generic")
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for shown, description in screen_keys(self.about):
            keys.add_row(shown, description)
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-scroll"):
                yield Static(Text(t("help.title"), style="bold"))
                yield Static(purpose, id="help-purpose")
                yield Static(keys, id="help-keys")
                yield Static(Text(t("help.log", path=log_path(self.app.home))), id="help-log")
            # how to close, always in sight (not scrolled away at 80x24)
            yield Static(t("help.footer"), id="help-footer")

    def action_dismiss(self) -> None:
        self.dismiss(None)
