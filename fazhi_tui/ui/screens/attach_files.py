"""Attach files to a record: pick a folder (USB sticks are listed first), then a file in it;
Enter attaches it with the caption typed above. The screen stays for more files; Esc
goes back to the form, which lists what was attached."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from fazhi_tui.base.filetypes import TYPES
from fazhi_tui.base.i18n import t
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.services.evidence import attach_files
from fazhi_tui.services.office import last_folder
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import files_in, show_files
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["AttachFilesScreen"]

ENDINGS = {ending for _, endings in TYPES.values() for ending in endings}


class AttachFilesScreen(Screen[int]):
    """Answers with the number of files attached."""

    DEFAULT_CSS = """
    #attach-body { padding: 0 1; height: 1fr; }
    #attach-files { height: auto; max-height: 10; }
    """

    BINDINGS = [Binding("escape", "done", "key.back", key_display="Esc")]

    def __init__(self, record_uuid: str) -> None:
        super().__init__(id="attach-files")
        self.record_uuid = record_uuid
        self.attached = 0

    def compose(self) -> ComposeResult:
        yield Static(t("files.title"), id="title-bar")
        with Vertical(id="attach-body"):
            yield FolderPicker(last_folder(self.app.home), id="picker")
            yield Input("", placeholder=t("files.caption"), id="attach-caption", compact=True, max_length=200)
            yield Static(t("files.pick"))
            yield OptionList(id="attach-files")
            yield Static("", id="attach-status")
        yield key_footer()

    def on_mount(self) -> None:
        self._list_files()
        self.query_one("#folders").focus()

    @on(Input.Changed, "#folder-path")
    def _folder_changed(self) -> None:
        self._list_files()

    def _list_files(self) -> None:
        show_files(self.query_one("#attach-files", OptionList), files_in(self.query_one(FolderPicker).path, ENDINGS))

    @on(OptionList.OptionSelected, "#attach-files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not event.option.id:
            return
        app = self.app
        caption = self.query_one("#attach-caption", Input).value
        status = self.query_one("#attach-status", Static)
        try:
            rows = attach_files(app.home, app.config, app.store, self.record_uuid, [Path(event.option.id)], caption)
        except ActionRefused as exc:
            status.update(plain("× " + exc.message()))
            return
        except DatabaseError as exc:
            status.update(plain("× " + app.db_error_text(exc)))
            return
        self.attached += len(rows)
        status.update(plain("✓ " + t("files.attached", count=len(rows), uuid=Path(event.option.id).name)))

    def action_done(self) -> None:
        self.dismiss(self.attached)
