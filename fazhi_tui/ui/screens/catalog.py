"""At a county hub: load the delegated-items catalog from a spreadsheet, see what it
refuses and why, and only then store it for the next publish."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, RichLog, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.services.sheets import SPREADSHEET_PATTERNS as SPREADSHEETS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.widgets.file_pick import SheetPickScreen
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["CatalogScreen"]



class CatalogScreen(SheetPickScreen):
    NOTHING = "catalog.nothing"
    FILES_ID = "catalog-files"
    FILE_ENDINGS = tuple(pattern.removeprefix("*") for pattern in SPREADSHEETS)

    BINDINGS = [
        Binding("ctrl+s", "store", "key.catalog_store", priority=True),
        Binding("m", "map_columns", "key.map_columns"),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__(id="catalog")

    def compose(self) -> ComposeResult:
        yield Static(t("catalog.title"), id="title-bar")
        with Vertical(id="catalog-body"):
            yield self.folder_picker()
            yield Static(t("catalog.pick_file"))
            yield OptionList(id="catalog-files")
            yield RichLog(id="catalog-log", wrap=True, markup=False, min_width=20)
        yield key_footer()

    def read(self, path: Path, given: dict[str, str] | None) -> None:
        self._read(path, given)

    def column_specs(self) -> list:
        from fazhi_tui.services.catalog_import import catalog_specs

        return catalog_specs()

    @work(thread=True, exclusive=True, group="catalog")
    def _read(self, path: Path, given: dict[str, str] | None) -> None:
        from fazhi_tui.services.catalog_import import CatalogError, MappingNeeded
        from fazhi_tui.services.hub import catalog_preview_lines, mapping_needed_lines, preview_catalog

        app = self.app
        try:
            preview = preview_catalog(app.config, app.store, path, given=given, home=app.home)
        except MappingNeeded as exc:
            # the needed columns: the clerk picks them (the mapping step)
            app.call_from_thread(self._show, None, [f"× {path.name}: {line}" if i == 0 else line for i, line in enumerate(mapping_needed_lines(exc))])
            app.call_from_thread(self._ask_mapping, exc.colmap)
            return
        except CatalogError as exc:
            app.call_from_thread(self._show, None, [f"× {path.name}: {exc.message()}"])
            return
        except DatabaseError as exc:
            app.call_from_thread(self._show, None, [f"× {app.db_error_text(exc)}"])
            return
        lines = [f"× {line}" if verdict == "refused" else line for verdict, line in catalog_preview_lines(preview, path.name)]
        if preview.good:
            lines.append(t("catalog.store_hint", count=len(preview.good)))
        app.call_from_thread(self._show, preview if preview.good else None, lines)
        from fazhi_tui.services.catalog_import import FIELDS

        colmap = preview.colmap
        app.call_from_thread(setattr, self, "colmap", colmap)
        if given is None and colmap is not None and colmap.unknown and len(colmap.columns) < len(FIELDS):
            app.call_from_thread(self._ask_mapping, colmap)  # columns the words did not know, fields still without one

    @work(thread=True, exclusive=True, group="catalog")
    def _store(self, preview) -> None:
        from fazhi_tui.services.hub import store_previewed_catalog

        app = self.app
        try:
            stored = store_previewed_catalog(app.store, preview, home=app.home)
        except DatabaseError as exc:
            app.call_from_thread(self._said, f"× {app.db_error_text(exc)}")
            return
        self.preview = None
        app.call_from_thread(self._said, "√ " + stored)
