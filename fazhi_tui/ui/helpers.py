"""What several screens share: status colours, the record-kind keys, a form's data, and key
labels put into words when shown.

Key labels: a screen's ``BINDINGS`` give i18n keys as descriptions (``Binding("p", "print",
"key.print")``), never ``t(...)`` evaluated at import. :func:`translate_keys` puts them into
words: the app does it for every screen it shows (``push_screen``, ``switch_screen``) and
again for all of them when the language changes (:meth:`FazhiApp.use_language`), and the
footer words of Textual's own widgets with them (:func:`translate_textual_widgets`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.widgets import OptionList
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import CATALOG, t
from fazhi_tui.domain.kinds import KIND_ORDER, KINDS, Kind
from fazhi_tui.ui.format import plain

__all__ = ["STATUS_STYLES", "translate_keys", "TEXTUAL_WORDS", "translate_textual_widgets", "kind_bindings", "kind_key", "KIND_KEYS", "KIND_KEYS_SHOWN", "load_form_data", "load_view_data", "files_in", "show_files"]

STATUS_STYLES = {"met": "bold green", "not_met": "bold red", "at_risk": "bold yellow", "not_applicable": "dim"}


def _in_words(binding: Binding) -> Binding:
    if binding.description in CATALOG:
        return replace(binding, description=t(binding.description))
    return binding


def translate_keys(node: DOMNode) -> None:
    """Put the key labels of ``node``'s own BINDINGS into words in the current language.
    Keys added to the node at run time (Textual's palette key) are left as they are."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    own = node._bindings.key_to_bindings
    for key, bindings in merged.key_to_bindings.items():
        own[key] = [_in_words(binding) for binding in bindings]


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
            {key: [_textual_in_words(binding) for binding in bindings] for key, bindings in original.key_to_bindings.items()}
        )


def _textual_in_words(binding: Binding) -> Binding:
    key = TEXTUAL_WORDS.get(binding.description)
    return replace(binding, description=t(key)) if key else binding


# The key of each record kind, in KIND_ORDER: the digits, then letters no screen that shows
# the kinds' keys binds otherwise (c checklist, e exchange, n new, u undo).
KIND_KEYS = "123456789abdfghijk"
KIND_KEYS_SHOWN = "1-9 a-k"
assert len(KIND_KEYS) >= len(KIND_ORDER) and not set(KIND_KEYS) & set("cenu")


def kind_key(kind_name: str) -> str:
    """The key that opens the list of ``kind_name``."""
    return KIND_KEYS[[k.name for k in KIND_ORDER].index(kind_name)]


def kind_bindings() -> list[Binding]:
    """Keys 1-9, then a-k, open the record kinds (one footer entry); c opens the checklist."""
    return [
        # The footer shows one entry "1-9 a-k 台账"; help (F1) and the palette list each kind.
        *(
            Binding(key, f"app.open_kind('{k.name}')", "key.kinds", key_display=KIND_KEYS_SHOWN)
            if i == 0
            else Binding(key, f"app.open_kind('{k.name}')", f"kind.{k.name}", show=False)
            for i, (key, k) in enumerate(zip(KIND_KEYS, KIND_ORDER))
        ),
        Binding("c", "app.open_checklist", "key.checklist"),
    ]


def load_form_data(store, kind: Kind, record_uuid: str | None) -> tuple[dict[str, Any] | None, dict[str, list[tuple[str, str]]]]:
    """The record (None for a new one) and the choices of its pickers. Blocking: call it
    from a worker thread. Raises RecordNotFound or DatabaseError."""
    record = store.get(kind, record_uuid) if record_uuid else None
    options = {f.name: store.options(KINDS[f.ref]) for f in kind.fields if f.ref}
    return record, options


def load_view_data(store, kind: Kind, record_uuid: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The record (tombstones too: evidence may name one) and the labels of the records
    it links to. Blocking: call it from a worker thread."""
    record = store.get(kind, record_uuid, include_deleted=True)
    labels: dict[str, str] = {}
    for f in kind.fields:
        if f.ref:
            value = record.get(f.name)
            uuids = [value] if f.type == "ref" and value else list(value or []) if f.type == "refs" else []
            labels.update(store.labels(KINDS[f.ref], uuids))
    return record, labels


def files_in(folder: Path, endings: Iterable[str]) -> list[Path]:
    """The regular files of ``folder`` whose name ends in one of ``endings`` (".xlsx", …,
    case ignored), sorted by name; none when the folder cannot be read (a stick pulled out)."""
    wanted = {ending.lower() for ending in endings}
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in wanted and p.is_file()) if folder.is_dir() else []
    except OSError:
        return []


def show_files(options: OptionList, files: Sequence[Path], none: str = "catalog.no_files") -> None:
    """List ``files`` by name in ``options`` (their paths as ids), the first highlighted; the
    line ``none`` (an i18n key) saying there are none otherwise. Names are shown as plain text."""
    options.set_options([Option(plain(p.name, multiline=False), id=str(p)) for p in files] or [Option(t(none), disabled=True)])
    if files:
        options.highlighted = 0
