"""USB exchange at the township: export a bundle to a stick, read the county's files from it."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, RichLog, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.services.office import export_bundle, exported_line, last_folder, read_stick, remember_folder
from fazhi_tui.services.verdicts import MARKS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer
from fazhi_tui.ui.widgets.tick import Tick

__all__ = ["SyncScreen"]


class SyncScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+e", "export", "key.export", priority=True),
        Binding("ctrl+o", "import", "key.import", priority=True),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(plain(t("sync.title", name=self.app.config.office_name)), id="title-bar")
        with VerticalScroll(id="sync-body"):
            yield FolderPicker(last_folder(self.app.home), id="picker")
            yield Tick(t("sync.full_export"), False, id="full", compact=True)
            yield Static(t("sync.hint"), id="sync-hint")
            yield RichLog(id="sync-log", wrap=True, markup=False, auto_scroll=True, min_width=20)
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one("#folders").focus()

    def say(self, text: str) -> None:
        """A line in the log: it may quote files of the stick, so it is shown as plain text."""
        self.query_one(RichLog).write(plain(text))

    def action_export(self) -> None:
        folder = self.query_one(FolderPicker).path
        self._export(folder, self.query_one("#full", Checkbox).value)

    @work(thread=True, exclusive=True, group="sync")
    def _export(self, folder: Path, full: bool) -> None:
        app = self.app
        try:
            result = export_bundle(app.home, app.config, app.store, folder, full=full)
        except BundleRefused as exc:
            app.call_from_thread(self.say, f"× {exc.message()}")
            return
        except DatabaseError as exc:
            app.call_from_thread(self.say, f"× {app.db_error_text(exc)}")
            return
        except OSError as exc:
            app.call_from_thread(self.say, "× " + t("err.export_write", path=folder, reason=os_error_words(exc)))
            return
        remember_folder(app.home, folder)
        app.call_from_thread(self.say, "√ " + exported_line(result))

    def action_import(self) -> None:
        self._import(self.query_one(FolderPicker).path)

    def _confirm_replacement(self, folder: Path, warning: str) -> None:
        """The enrolment file on the stick is signed by another county's key: say so, naming
        both, and enrol with it only if the clerk answers yes."""
        self.say(f"! {warning}")

        def answered(yes: bool | None) -> None:
            if yes:
                self._import(folder, replace=True)
            else:
                self.say(t("sync.replace_declined"))

        self.app.push_screen(ConfirmScreen(warning + "\n\n" + t("sync.replace_question")), answered)

    @work(thread=True, exclusive=True, group="sync")
    def _import(self, folder: Path, replace: bool = False) -> None:
        """Load this office's enrolment file and the county's down-bundles found in ``folder``
        (an enrolment from another county's key only once the clerk has confirmed it)."""
        app = self.app
        try:
            for verdict, line in read_stick(app.home, app.config, app.store, folder, replace=replace):
                if verdict == "confirm":
                    app.call_from_thread(self._confirm_replacement, folder, line)
                    return
                app.call_from_thread(self.say, line if verdict == "nothing" else f"{MARKS[verdict]} {line}")
                if verdict == "nothing" or (verdict == "refused" and not folder.is_dir()):
                    return
        except DatabaseError as exc:
            app.call_from_thread(self.say, f"× {app.db_error_text(exc)}")
            return
        remember_folder(app.home, folder)
