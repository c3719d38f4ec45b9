"""Attach files to a record: pick a folder (USB sticks are listed first), then a file in it;
Enter attaches it with the caption typed above. The screen stays for more files; Esc
goes back to the form, which lists what was attached.

A scan of many megabytes takes a slow PC a while to read, check and keep, so files are
attached in a worker thread, one after another in the order Enter was pressed; the
screen keeps answering meanwhile, and Esc pressed while one is still being saved goes back
once it is."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.worker import Worker, WorkerState

from fazhi_tui.base.filetypes import TYPES
from fazhi_tui.base.i18n import t
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.services.evidence import attach_files
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.file_pick import FilePickScreen
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["AttachFilesScreen"]

ENDINGS = {ending for _, endings in TYPES.values() for ending in endings}


class AttachFilesScreen(FilePickScreen[int]):
    """Answers with the number of files attached."""

    FILES_ID = "attach-files"
    FILE_ENDINGS = ENDINGS
    NO_FILES = "files.no_files"

    DEFAULT_CSS = """
    #attach-body { padding: 0 1; height: 1fr; }
    #attach-files { height: auto; max-height: 10; }
    """

    BINDINGS = [Binding("escape", "done", "key.back", key_display="Esc")]

    def __init__(self, record_uuid: str) -> None:
        super().__init__(id="attach-files")
        self.record_uuid = record_uuid
        self.attached = 0
        self._waiting: deque[tuple[Path, str]] = deque()  # (file, caption) in the order chosen
        self._saving = False
        self._leave_when_saved = False

    def compose(self) -> ComposeResult:
        yield Static(t("files.title"), id="title-bar")
        with Vertical(id="attach-body"):
            yield self.folder_picker()
            yield Input("", placeholder=t("files.caption"), id="attach-caption", compact=True, max_length=200)
            yield Static(t("files.pick"))
            yield OptionList(id="attach-files")
            yield Static("", id="attach-status")
        yield key_footer()

    def file_chosen(self, path: Path) -> None:
        self._waiting.append((path, self.query_one("#attach-caption", Input).value))
        self._say("… " + t("files.saving", name=path.name))
        if not self._saving:
            self._saving = True
            self._save_waiting()

    @work(thread=True, group="attach")
    def _save_waiting(self) -> None:
        app = self.app
        while self._waiting:
            path, caption = self._waiting.popleft()
            try:
                rows = attach_files(app.home, app.config, app.store, self.record_uuid, [path], caption)
            except ActionRefused as exc:
                app.call_from_thread(self._say, "× " + exc.message())
                continue
            except DatabaseError as exc:
                app.call_from_thread(self._say, "× " + app.db_error_text(exc))
                continue
            app.call_from_thread(self._saved, len(rows), path)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Only once the worker has ended: leaving the screen while it still ran would cancel it.
        if event.worker.group == "attach" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self._all_saved()

    def _say(self, line: str) -> None:
        self.query_one("#attach-status", Static).update(plain(line))  # the line quotes a file name

    def _saved(self, count: int, path: Path) -> None:
        self.attached += count
        self._say("✓ " + t("files.attached_one", name=path.name))

    def _all_saved(self) -> None:
        if self._waiting:  # chosen after the worker's last look
            self._save_waiting()
            return
        self._saving = False
        if self._leave_when_saved:
            self.dismiss(self.attached)

    def action_done(self) -> None:
        if self._saving:
            self._leave_when_saved = True
            self._say("… " + t("files.saving_then_back"))
            return
        self.dismiss(self.attached)
