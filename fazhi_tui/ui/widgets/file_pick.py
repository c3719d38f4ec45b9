"""The part the screens that take a file share (the catalog at a hub, a ledger
spreadsheet, evidence scans): a folder picker (USB sticks first) above a list of the picked
folder's files with the wanted endings, kept up to date as the folder changes; Enter on a
file calls :meth:`FilePickScreen.file_chosen`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on
from textual.screen import Screen
from textual.widgets import Input, OptionList, RichLog

from fazhi_tui.base.i18n import t
from fazhi_tui.services.office import last_folder
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import files_in, show_files
from fazhi_tui.ui.widgets.folder_picker import FolderPicker

__all__ = ["FilePickScreen", "SheetPickScreen"]

Answer = TypeVar("Answer")


class FilePickScreen(Screen[Answer]):
    FILES_ID: ClassVar[str]  # the id of the OptionList of files the subclass composes
    FILE_ENDINGS: ClassVar[Iterable[str]]  # ".xlsx", ".pdf"…
    NO_FILES: ClassVar[str] = "catalog.no_files"  # i18n key: the folder has none of them

    def folder_picker(self) -> FolderPicker:
        """The picker to compose, opened on the folder used last."""
        return FolderPicker(last_folder(self.app.home), id="picker")

    def on_mount(self) -> None:
        self._list_files()
        self.query_one("#folders").focus()

    @on(Input.Changed, "#folder-path")
    def _folder_changed(self) -> None:
        self._list_files()

    def _list_files(self) -> None:
        show_files(self.query_one(f"#{self.FILES_ID}", OptionList), files_in(self.query_one(FolderPicker).path, self.FILE_ENDINGS), self.NO_FILES)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != self.FILES_ID:
            return
        event.stop()
        if event.option.id:
            self.file_chosen(Path(event.option.id))

    def file_chosen(self, path: Path) -> None:
        raise NotImplementedError


class SheetPickScreen(FilePickScreen[None]):
    """A file picker for a spreadsheet that is previewed before it is stored (the catalog
    at a hub, a ledger at a township): Enter reads the file in a worker and shows what it
    would store and what it refuses; ``m`` asks which column holds which field (also by
    itself when the columns were not recognised); Ctrl+S stores what the preview showed.

    A subclass reads (:meth:`read`, starting its worker), names the fields to map
    (:meth:`column_specs`), stores (:meth:`_store`, a worker) and says "nothing to store"
    with :attr:`NOTHING`."""

    NOTHING: ClassVar[str]  # i18n key: no file read yet, or nothing in it to store

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.preview = None  # what the last file read would store (None: nothing)
        self.path: Path | None = None
        self.given: dict[str, str] | None = None  # the mapping the clerk confirmed for self.path
        self.colmap = None  # the columns of the last file read (for m)

    def file_chosen(self, path: Path) -> None:
        self._preview(path)

    def _preview(self, path: Path, given: dict[str, str] | None = None) -> None:
        if path != self.path:
            self.given = None
        self.path = path
        self.read(path, given or self.given)

    def read(self, path: Path, given: dict[str, str] | None) -> None:
        raise NotImplementedError

    def column_specs(self) -> list:
        raise NotImplementedError

    def _show(self, preview, lines: list[str]) -> None:
        self.preview = preview
        log = self.query_one(RichLog)
        log.clear()
        for line in lines:
            log.write(plain(line))  # lines quote the file and its cells

    def _ask_mapping(self, colmap) -> None:
        from fazhi_tui.ui.screens.column_map import ColumnMapScreen

        self.colmap = colmap
        path = self.path

        def mapped(mapping: dict[str, str] | None) -> None:
            if mapping is not None and path is not None:
                self.given = mapping
                self._preview(path, mapping)

        self.app.push_screen(ColumnMapScreen(self.column_specs(), colmap), mapped)

    def action_map_columns(self) -> None:
        if self.colmap is None:
            self.notify(t(self.NOTHING), severity="warning")
            return
        self._ask_mapping(self.colmap)

    def action_store(self) -> None:
        if self.preview is None:
            self.notify(t(self.NOTHING), severity="warning")
            return
        self._store(self.preview)

    def _store(self, preview) -> None:
        """Store ``preview`` (a worker), then say so with :meth:`_said`."""
        raise NotImplementedError

    def _said(self, line: str) -> None:
        """A line under the preview (a worker's answer: stored, or why not)."""
        self.query_one(RichLog).write(plain(line))
