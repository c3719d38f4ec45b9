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
from textual.widgets import OptionList, RichLog, Select, Static

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.sheets import SPREADSHEET_PATTERNS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.widgets.file_pick import SheetPickScreen
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["ImportSheetScreen"]


class ImportSheetScreen(SheetPickScreen):
    NOTHING = "import.nothing"
    FILES_ID = "import-files"
    FILE_ENDINGS = tuple(pattern.removeprefix("*") for pattern in SPREADSHEET_PATTERNS)
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

    def compose(self) -> ComposeResult:
        yield Static(t("import.title"), id="title-bar")
        with Vertical(id="import-body"):
            yield Static(t("import.pick_kind"))
            yield Select([(kind_label(name), name) for name in KINDS], value=self.kind_name, allow_blank=False, compact=True, id="import-kind")
            yield self.folder_picker()
            yield Static(t("catalog.pick_file"))
            yield OptionList(id="import-files")
            yield RichLog(id="import-log", wrap=True, markup=False, min_width=20)
            yield Static(t("import.hint"))
        yield key_footer()

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value == self.kind_name:
            return
        self.kind_name = str(event.value)
        self.given = None
        self.colmap = None
        if self.path is not None:
            self._preview(self.path)

    def read(self, path: Path, given: dict[str, str] | None) -> None:
        self._read(path, self.kind_name, given)

    def column_specs(self) -> list:
        from fazhi_tui.services.ledger_import import import_specs

        return import_specs(KINDS[self.kind_name])

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

    @work(thread=True, exclusive=True, group="import-sheet")
    def _store(self, preview) -> None:
        from fazhi_tui.services.ledger_import import store_sheet

        app = self.app
        try:
            count = store_sheet(app.store, preview, app.actor, data_dir=app.home.data_dir)
        except DatabaseError as exc:
            app.call_from_thread(self._said, f"× {app.db_error_text(exc)}")
            return
        self.preview = None
        app.call_from_thread(self._said, "√ " + t("import.stored", count=count, kind=kind_label(preview.kind.name)))
