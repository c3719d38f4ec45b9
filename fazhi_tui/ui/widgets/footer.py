"""The footer every screen shows: the keys of the screen in front, fitted to the window.

Textual's footer shows every key and lets the window cut the last ones off: at 80 columns
the clerk lost ``^q 退出`` and ``F1 帮助``. This one shows the screen's keys in the order the
screen declares them (the most used first) as far as they fit, and always ends with the
program's own keys (Ctrl+Q, F1) — F1 lists every key, the ones left out too.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from fazhi_tui.base.i18n import CATALOG, t

__all__ = ["FittedFooter", "fit_keys", "key_footer", "in_words"]


def in_words(description: str) -> str:
    """A key's label as the clerk reads it: a catalogue key ("key.attach") put into words,
    for a widget whose keys were not put into words when it was made."""
    return t(description) if description.startswith("key.") and description in CATALOG else description

GAP = 1  # cells after each key in the compact footer
ALWAYS = ("f1", "ctrl+q")  # shown whatever the width, at the end: help lists the rest


def fit_keys(entries: list[tuple[str, str, str]], width: int) -> list[tuple[str, str, str]]:
    """Which (key, shown key, description) fit ``width`` cells: the ALWAYS keys, and the
    others in their order as long as there is room."""
    def cells(entry: tuple[str, str, str]) -> int:
        _, shown, description = entry
        return cell_len(shown) + (1 + cell_len(description) if description else 0) + GAP

    always = [e for e in entries if e[0] in ALWAYS]
    room = width + GAP - sum(cells(e) for e in always)
    chosen = []
    for entry in entries:
        if entry[0] in ALWAYS:
            continue
        if cells(entry) > room:
            break  # keep the order: a later, shorter key does not jump an earlier one
        chosen.append(entry)
        room -= cells(entry)
    return chosen + sorted(always, key=lambda e: ALWAYS.index(e[0]), reverse=True)


class FittedFooter(Footer):
    """A compact footer that never cuts a key: see the module's words.

    Textual's footer composes its keys again after every change of the screen's bindings,
    and this one after every resize too: a screen opening asked for three or four such
    recomposes (each mounting every key and styling it), about 30 ms of CPU after the first
    frame (issue 20). Here the requests made before the next refresh come to one, and that
    one recomposes only if the keys to show are not the ones shown."""

    _recompose_asked = False
    _shown: tuple | None = None  # what the keys on screen were composed from

    def _keys(self) -> tuple[list[tuple[str, str, str]], dict[str, tuple[Binding, bool, str]]]:
        """(the entries that fit the width, the screen's bindings shown by key)."""
        bindings: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in {b.action for b, _, _ in bindings.values()}:
                bindings[binding.key] = (binding, enabled, tooltip)
        entries = [(key, self.app.get_key_display(b), in_words(b.description)) for key, (b, _, _) in bindings.items()]
        width = self.size.width or self.app.size.width
        return fit_keys(entries, width), bindings

    def _state(self, shown: list[tuple[str, str, str]], bindings: dict[str, tuple[Binding, bool, str]]) -> tuple:
        return tuple((*entry, bindings[entry[0]][0].action, *bindings[entry[0]][1:]) for entry in shown)

    def compose(self) -> ComposeResult:
        # Nothing until the screen's bindings are settled (as Textual's footer): the keys
        # come right after the screen's first frame, which is not held up by mounting and
        # styling them (~9 ms of a start's first frame, issue 20)
        if not self._bindings_ready:
            return
        shown, bindings = self._keys()
        self._shown = self._state(shown, bindings)
        self.styles.grid_size_columns = len(shown)
        for key, display, description in shown:
            binding, enabled, tooltip = bindings[key]
            yield FooterKey(
                binding.key, display, description, binding.action, disabled=not enabled, tooltip=tooltip
            ).data_bind(compact=Footer.compact)

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._recompose_soon()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready:
            self._recompose_soon()

    def _recompose_soon(self) -> None:
        if not self._recompose_asked:
            self._recompose_asked = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_asked = False
        if self.is_attached and self._state(*self._keys()) != self._shown:
            await self.recompose()


def key_footer() -> Footer:
    # The command palette (Ctrl+P) still works; its footer entry is left out to leave
    # room for the screen's own keys at 80 columns.
    return FittedFooter(show_command_palette=False, compact=True)
