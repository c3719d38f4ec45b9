"""A list of records to tick, with type-to-search (staff at a training, items covered)."""

from __future__ import annotations

import time

from textual import events
from textual.widgets import SelectionList

from fazhi_tui.ui.format import plain

__all__ = ["MultiPicker"]

SEARCH_RESET_SECONDS = 1.2


class MultiPicker(SelectionList[str]):
    """Space ticks or unticks; typing letters or Chinese characters jumps to the first match."""

    def __init__(self, options: list[tuple[str, str]], selected: list[str], **kwargs) -> None:
        chosen = set(selected)
        # Labels are records' words: Text, never markup, no control characters.
        super().__init__(*((plain(label, multiline=False), value, value in chosen) for label, value in options), **kwargs)
        self._labels = [label for label, _ in options]
        self._search = ""
        self._last_key = 0.0

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
