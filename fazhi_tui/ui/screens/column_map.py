"""The mapping step: for each field a sheet may fill, pick the column that holds it, each
column shown with its header and a few sample values. Used by the catalog import (hub)
and the ledger import (township). Answers with ``dismiss(mapping)`` — field → the
column's header text (its letter where the header cell is empty or repeated) — or
``dismiss(None)`` on Esc."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.services.sheets import ColumnMap, FieldSpec, column_letter, normalise
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["ColumnMapScreen"]


class ColumnMapScreen(ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = """
    ColumnMapScreen { align: center middle; }
    #map-box { width: 100; max-width: 98%; height: 90%; padding: 0 1; border: thick $accent; background: $surface; }
    #map-fields { height: 1fr; }
    .map-row { height: auto; margin-bottom: 0; }
    .map-row Label { width: 24; padding-top: 0; }
    .map-row Select { width: 1fr; }
    #map-problem { color: $error; height: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "confirm", "key.map_confirm", priority=True),
        Binding("escape", "cancel", "key.back", key_display="Esc"),
    ]

    def __init__(self, specs: Sequence[FieldSpec], colmap: ColumnMap) -> None:
        super().__init__(id="column-map")
        self.specs = list(specs)
        self.colmap = colmap

    def compose(self) -> ComposeResult:
        columns = [c for c in self.colmap.all_columns if c.header or c.samples]
        options = [(plain(c.describe(), multiline=False), c.index) for c in columns]
        with Vertical(id="map-box"):
            yield Static(t("map.title"), classes="section-title")
            yield Static(plain(t("sheet.columns_found", row=self.colmap.header_row)))
            with VerticalScroll(id="map-fields"):
                for spec in self.specs:
                    with Horizontal(classes="map-row"):
                        yield Label(plain(t("map.field", field=spec.title) if spec.required else spec.title, multiline=False))
                        current = self.colmap.columns.get(spec.name)
                        yield Select(
                            options, prompt=t("map.unused"), allow_blank=True, compact=True, id=f"map-{spec.name}",
                            value=current if current is not None and any(c.index == current for c in columns) else Select.BLANK,
                        )
            yield Static("", id="map-problem")
        yield key_footer()

    def on_mount(self) -> None:
        first = next((s for s in self.specs if s.name in self.colmap.missing), self.specs[0])
        self.query_one(f"#map-{first.name}", Select).focus()

    def chosen(self) -> dict[str, int]:
        out = {}
        for spec in self.specs:
            value = self.query_one(f"#map-{spec.name}", Select).value
            if value is not Select.BLANK and value is not None:
                out[spec.name] = int(value)
        return out

    def action_confirm(self) -> None:
        chosen = self.chosen()
        problem = self.query_one("#map-problem", Static)
        missing = [s.title for s in self.specs if s.required and s.name not in chosen]
        if missing:
            problem.update(plain(t("map.required", fields="、".join(missing))))
            return
        used: dict[int, str] = {}
        for name, index in chosen.items():
            if index in used:
                problem.update(plain(t("map.twice", column=column_letter(index))))
                return
            used[index] = name
        headers = {c.index: c.header for c in self.colmap.all_columns}
        counts: dict[str, int] = {}
        for header in headers.values():
            counts[normalise(header)] = counts.get(normalise(header), 0) + 1
        mapping = {}
        for name, index in chosen.items():
            header = headers.get(index, "")
            unique = header and counts.get(normalise(header)) == 1 and len(normalise(header)) > 0
            mapping[name] = header if unique and not _looks_like_letter(header) else column_letter(index)
        self.dismiss(mapping)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _looks_like_letter(text: str) -> bool:
    """A header such as "A" or "BC" would read as a column letter: the letter is given instead."""
    return text.strip().isascii() and text.strip().isalpha() and len(text.strip()) <= 3
