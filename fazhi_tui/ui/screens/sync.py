"""USB exchange at the township: export a bundle to a stick, read the county's files from it."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, RichLog, Static

from fazhi_tui.base.files import atomic_write_text
from fazhi_tui.base.i18n import t
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer
from fazhi_tui.ui.widgets.tick import Tick

__all__ = ["SyncScreen", "last_folder", "remember_folder"]


def last_folder(app) -> Path | None:
    try:
        text = (app.home.last_folder).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def remember_folder(app, folder: Path) -> None:
    try:
        atomic_write_text(app.home.last_folder, str(folder))
    except OSError:
        pass  # only a convenience


class SyncScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+e", "export", t("key.export"), priority=True),
        Binding("ctrl+o", "import", t("key.import"), priority=True),
        Binding("escape", "app.pop_screen", t("key.back"), key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(plain(t("sync.title", name=self.app.config.office_name)), id="title-bar")
        with VerticalScroll(id="sync-body"):
            yield FolderPicker(last_folder(self.app), id="picker")
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
        from fazhi_tui.sync.export import export_up

        app = self.app
        try:
            result = export_up(app.home, app.config, app.store, folder, full=full)
        except BundleRefused as exc:
            app.call_from_thread(self.say, f"× {exc.message()}")
            return
        except DatabaseError as exc:
            app.call_from_thread(self.say, f"× {app.db_error_text(exc)}")
            return
        except OSError as exc:
            app.call_from_thread(self.say, "× " + t("err.export_write", path=folder, reason=exc.strerror or str(exc)))
            return
        remember_folder(app, folder)
        kind = t("sync.full") if result.full else t("sync.delta")
        app.call_from_thread(self.say, "√ " + t("sync.exported", path=result.path, seq=result.seq, kind=kind, records=result.records))

    def action_import(self) -> None:
        self._import(self.query_one(FolderPicker).path)

    @work(thread=True, exclusive=True, group="sync")
    def _import(self, folder: Path) -> None:
        """Load this office's enrolment file and the county's down-bundles found in ``folder``."""
        from fazhi_tui.services.verdicts import MARKS, down_line
        from fazhi_tui.sync.keys import load_enrolment, parse_enrolment
        from fazhi_tui.sync.member import enroll, import_down

        app = self.app
        code = app.config.office_code
        if not folder.is_dir():
            app.call_from_thread(self.say, "× " + t("err.export_no_folder", path=folder))
            return
        enrol_file = folder / f"fazhi-enrol-{code}.json"
        downs = sorted(folder.glob(f"fazhi-down-{code}-*.fzb"))
        if not enrol_file.exists() and not downs:
            app.call_from_thread(self.say, t("sync.nothing_found", path=folder, code=code))
            return
        if enrol_file.exists():
            current = load_enrolment(app.home)
            try:
                offered = parse_enrolment(enrol_file.read_text(encoding="utf-8-sig"))
                if current is None or offered.generation > current.generation or offered.hub_code != current.hub_code:
                    enrolment = enroll(app.home, app.config, enrol_file)
                    app.call_from_thread(
                        self.say,
                        "√ " + t("sync.enrolled", hub=enrolment.hub_name, code=enrolment.hub_code, generation=enrolment.generation),
                    )
            except (BundleRefused, OSError, UnicodeDecodeError) as exc:
                reason = exc.message() if isinstance(exc, BundleRefused) else str(exc)
                app.call_from_thread(self.say, "× " + t("sync.refused", path=enrol_file.name, reason=reason))
        for path in downs:
            try:
                outcome = import_down(app.home, app.config, app.store, path)
            except DatabaseError as exc:
                app.call_from_thread(self.say, f"× {app.db_error_text(exc)}")
                return
            verdict, line = down_line(outcome, path.name)
            line = f"{MARKS[verdict]} {line}"
            app.call_from_thread(self.say, line)
        remember_folder(app, folder)

