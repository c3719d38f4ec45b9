"""At a county hub: load the delegated-items catalog from a spreadsheet, see what it
refuses and why, and only then store it for the next publish."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, RichLog, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.services.office import last_folder
from fazhi_tui.services.sheets import SPREADSHEET_PATTERNS as SPREADSHEETS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import files_in, show_files
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["CatalogScreen"]



class CatalogScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "store", "key.catalog_store", priority=True),
        Binding("m", "map_columns", "key.map_columns"),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__(id="catalog")
        self.preview = None
        self.path: Path | None = None
        self.given: dict[str, str] | None = None  # the mapping the clerk confirmed for self.path
        self.colmap = None  # the columns of the last file read (for m)

    def compose(self) -> ComposeResult:
        yield Static(t("catalog.title"), id="title-bar")
        with Vertical(id="catalog-body"):
            yield FolderPicker(last_folder(self.app.home), id="picker")
            yield Static(t("catalog.pick_file"))
            yield OptionList(id="catalog-files")
            yield RichLog(id="catalog-log", wrap=True, markup=False, min_width=20)
        yield key_footer()

    def on_mount(self) -> None:
        self._list_files()
        self.query_one("#folders").focus()

    @on(Input.Changed, "#folder-path")
    def _folder_changed(self) -> None:
        self._list_files()

    def _list_files(self) -> None:
        endings = [pattern.removeprefix("*") for pattern in SPREADSHEETS]
        show_files(self.query_one("#catalog-files", OptionList), files_in(self.query_one(FolderPicker).path, endings))

    @on(OptionList.OptionSelected, "#catalog-files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._preview(Path(event.option.id))

    def _preview(self, path: Path, given: dict[str, str] | None = None) -> None:
        if path != self.path:
            self.given = None
        self.path = path
        self._read(path, given or self.given)

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

    def _ask_mapping(self, colmap) -> None:
        from fazhi_tui.services.catalog_import import catalog_specs
        from fazhi_tui.ui.screens.column_map import ColumnMapScreen

        self.colmap = colmap
        path = self.path

        def mapped(mapping: dict[str, str] | None) -> None:
            if mapping is not None and path is not None:
                self.given = mapping
                self._preview(path, mapping)

        self.app.push_screen(ColumnMapScreen(catalog_specs(), colmap), mapped)

    def action_map_columns(self) -> None:
        if self.colmap is None:
            self.notify(t("catalog.nothing"), severity="warning")
            return
        self._ask_mapping(self.colmap)

    def _show(self, preview, lines: list[str]) -> None:
        self.preview = preview
        log = self.query_one(RichLog)
        log.clear()
        for line in lines:
            log.write(plain(line))  # lines quote the file and its cells

    def action_store(self) -> None:
        if self.preview is None:
            self.notify(t("catalog.nothing"), severity="warning")
            return
        self._store(self.preview)

    @work(thread=True, exclusive=True, group="catalog")
    def _store(self, preview) -> None:
        from fazhi_tui.services.hub import store_previewed_catalog

        app = self.app
        try:
            stored = store_previewed_catalog(app.store, preview, home=app.home)
        except DatabaseError as exc:
            app.call_from_thread(self.query_one(RichLog).write, plain(f"× {app.db_error_text(exc)}"))
            return
        self.preview = None
        app.call_from_thread(self.query_one(RichLog).write, "√ " + stored)
