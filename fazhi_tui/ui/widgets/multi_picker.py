"""A list of records to tick, with type-to-search (staff at a training, items covered)."""

from __future__ import annotations

import time

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton

from fazhi_tui.ui.format import plain

__all__ = ["MultiPicker"]

SEARCH_RESET_SECONDS = 1.2


class MultiPicker(SelectionList[str]):
    """Space ticks or unticks; typing letters or Chinese characters jumps to the first match.

    A ticked row shows ``X`` in its box, an unticked one a blank box: Textual draws the X on
    every row and tells them apart by colour alone, which a monochrome or 16-colour office
    terminal does not show (as :class:`~fazhi_tui.ui.widgets.tick.Tick` for one yes/no).
    """

    def __init__(self, options: list[tuple[str, str]], selected: list[str], **kwargs) -> None:
        chosen = set(selected)
        # Labels are records' words: Text, never markup, no control characters.
        super().__init__(*((plain(label, multiline=False), value, value in chosen) for label, value in options), **kwargs)
        self._labels = [label for label, _ in options]
        self._search = ""
        self._last_key = 0.0

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self._selected:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            segments[1] = Segment(" " * len(segments[1].text), segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if not character or not character.isprintable() or character == " " or event.key in ("enter", "tab"):
            return
        now = time.monotonic()
        if now - self._last_key > SEARCH_RESET_SECONDS:
            self._search = ""
        self._last_key = now
        self._search += character
        needle = self._search.casefold()
        for index, label in enumerate(self._labels):
            if needle in label.casefold():
                self.highlighted = index
                break
        event.stop()
        event.prevent_default()
