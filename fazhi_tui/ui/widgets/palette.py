"""Textual's command palette in the interface language (the key hints Textual's widgets put
in the footer, a dropdown's ``esc Dismiss menu``, are put into words by
:func:`fazhi_tui.ui.helpers.translate_textual_widgets`: at start, without this module).

The palette lists the program's own actions only (``FazhiApp.get_system_commands``), with
a placeholder and a "no matches" line in words; Textual's system commands (Keys, Maximize,
Screenshot, Theme, Quit) are not offered: each has the program's own key or does not apply.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import t

__all__ = ["Palette"]


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
