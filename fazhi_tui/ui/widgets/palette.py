"""Textual's own words in the interface language: the command palette, and the key hints
Textual's widgets put in the footer (a dropdown's ``esc Dismiss menu``).

The palette lists the program's own actions only (``FazhiApp.get_system_commands``), with
a placeholder and a "no matches" line in words; Textual's system commands (Keys, Maximize,
Screenshot, Theme, Quit) are not offered: each has the program's own key or does not apply.
"""

from __future__ import annotations

from dataclasses import replace

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.command import CommandList, CommandPalette
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import t

__all__ = ["Palette", "TEXTUAL_WORDS", "translate_textual_widgets"]

# Textual's words that can reach the screen (a footer shows a focused widget's keys marked
# show=True), each with the catalog key of ours that says it.
TEXTUAL_WORDS = {
    "Dismiss menu": "key.dismiss_menu",
    "Exit the command palette": "key.close_palette",
}
_TRANSLATED = (SelectOverlay, CommandPalette)
_ORIGINAL: dict[type, BindingsMap] = {}


def translate_textual_widgets() -> None:
    """Put the footer words of Textual's widgets into the current language. Widgets made
    from now on take them (each copies its class's keys when it is made)."""
    for cls in _TRANSLATED:
        original = _ORIGINAL.setdefault(cls, cls._merged_bindings.copy())
        cls._merged_bindings = BindingsMap.from_keys(
            {key: [_in_words(binding) for binding in bindings] for key, bindings in original.key_to_bindings.items()}
        )


def _in_words(binding: Binding) -> Binding:
    key = TEXTUAL_WORDS.get(binding.description)
    return replace(binding, description=t(key)) if key else binding


class Palette(CommandPalette):
    """Textual's command palette, speaking the interface language."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the "no matches" line in words."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.no_match"), style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
