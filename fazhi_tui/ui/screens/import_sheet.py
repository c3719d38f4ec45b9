"""At a township: bring an existing ledger (a staff list, a list of meetings...) in from a
spreadsheet. Pick the kind and the file; the preview says which column holds which field,
each refused row by its number and why, each duplicate; the mapping step (m, or by itself
when needed) lets the clerk point at columns the program did not recognise; Ctrl+S stores
the good rows in one transaction."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, RichLog, Select, Static

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.office import last_folder
from fazhi_tui.services.sheets import SPREADSHEET_PATTERNS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import files_in, show_files
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["ImportSheetScreen"]


class ImportSheetScreen(Screen[None]):
    DEFAULT_CSS = """
    #import-body { padding: 0 1; height: 1fr; }
    #import-kind { width: 40; }
    #import-files { height: auto; max-height: 5; }
    #import-log { height: 1fr; border: round $primary; }
    """

    BINDINGS = [
        Binding("ctrl+s", "store", "key.import_store", priority=True),
        Binding("m", "map_columns", "key.map_columns"),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self, kind: str = "staff") -> None:
        super().__init__(id="import-sheet")
        self.kind_name = kind
        self.preview = None
        self.path: Path | None = None
        self.given: dict[str, str] | None = None
        self.colmap = None

    def compose(self) -> ComposeResult:
        yield Static(t("import.title"), id="title-bar")
        with Vertical(id="import-body"):
            yield Static(t("import.pick_kind"))
            yield Select([(kind_label(name), name) for name in KINDS], value=self.kind_name, allow_blank=False, compact=True, id="import-kind")
            yield FolderPicker(last_folder(self.app.home), id="picker")
            yield Static(t("catalog.pick_file"))
            yield OptionList(id="import-files")
            yield RichLog(id="import-log", wrap=True, markup=False, min_width=20)
            yield Static(t("import.hint"))
        yield key_footer()

    def on_mount(self) -> None:
        self._list_files()
        self.query_one("#folders").focus()

    @on(Input.Changed, "#folder-path")
    def _folder_changed(self) -> None:
        self._list_files()

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value == self.kind_name:
            return
        self.kind_name = str(event.value)
        self.given = None
        self.colmap = None
        if self.path is not None:
            self._preview(self.path)

    def _list_files(self) -> None:
        endings = [pattern.removeprefix("*") for pattern in SPREADSHEET_PATTERNS]
        show_files(self.query_one("#import-files", OptionList), files_in(self.query_one(FolderPicker).path, endings))

    @on(OptionList.OptionSelected, "#import-files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._preview(Path(event.option.id))

    def _preview(self, path: Path, given: dict[str, str] | None = None) -> None:
        if path != self.path:
            self.given = None
        self.path = path
        self._read(path, self.kind_name, given or self.given)

    @work(thread=True, exclusive=True, group="import-sheet")
    def _read(self, path: Path, kind_name: str, given: dict[str, str] | None) -> None:
        from fazhi_tui.services.hub import mapping_needed_lines
        from fazhi_tui.services.ledger_import import preview_lines, preview_sheet
        from fazhi_tui.services.sheets import MappingNeeded, SheetError

        app = self.app
        kind = KINDS[kind_name]
        try:
            preview = preview_sheet(app.store, kind, path, today=app.today, limits=app.limits, given=given, data_dir=app.home.data_dir)
        except MappingNeeded as exc:
            lines = mapping_needed_lines(exc)
            app.call_from_thread(self._show, None, [f"× {path.name}: {lines[0]}", *lines[1:]])
            app.call_from_thread(self._ask_mapping, exc.colmap)
            return
        except SheetError as exc:
            app.call_from_thread(self._show, None, [f"× {path.name}: {exc.message()}"])
            return
        except DatabaseError as exc:
            app.call_from_thread(self._show, None, [f"× {app.db_error_text(exc)}"])
            return
        marks = {"refused": "× ", "duplicate": "= "}
        lines = [marks.get(verdict, "") + line for verdict, line in preview_lines(preview, path.name)]
        if preview.good:
            lines.append(t("catalog.store_hint", count=len(preview.good)))
        app.call_from_thread(self._show, preview if preview.good else None, lines)
        colmap = preview.colmap
        app.call_from_thread(setattr, self, "colmap", colmap)
        if given is None and colmap.unknown and len(colmap.columns) < len(kind.fields):
            app.call_from_thread(self._ask_mapping, colmap)

    def _show(self, preview, lines: list[str]) -> None:
        self.preview = preview
        log = self.query_one(RichLog)
        log.clear()
        for line in lines:
            log.write(plain(line))  # lines quote the file and its cells

    def _ask_mapping(self, colmap) -> None:
        from fazhi_tui.services.ledger_import import import_specs
        from fazhi_tui.ui.screens.column_map import ColumnMapScreen

        self.colmap = colmap
        path = self.path

        def mapped(mapping: dict[str, str] | None) -> None:
            if mapping is not None and path is not None:
                self.given = mapping
                self._preview(path, mapping)

        self.app.push_screen(ColumnMapScreen(import_specs(KINDS[self.kind_name]), colmap), mapped)

    def action_map_columns(self) -> None:
        if self.colmap is None:
            self.notify(t("import.nothing"), severity="warning")
            return
        self._ask_mapping(self.colmap)

    def action_store(self) -> None:
        if self.preview is None:
            self.notify(t("import.nothing"), severity="warning")
            return
        self._store(self.preview)

    @work(thread=True, exclusive=True, group="import-sheet")
    def _store(self, preview) -> None:
        from fazhi_tui.services.ledger_import import store_sheet

        app = self.app
        try:
            count = store_sheet(app.store, preview, app.actor, data_dir=app.home.data_dir)
        except DatabaseError as exc:
            app.call_from_thread(self.query_one(RichLog).write, plain(f"× {app.db_error_text(exc)}"))
            return
        self.preview = None
        app.call_from_thread(self.query_one(RichLog).write, plain("√ " + t("import.stored", count=count, kind=kind_label(preview.kind.name))))
