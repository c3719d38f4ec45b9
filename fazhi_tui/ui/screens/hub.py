"""The hub (county or city) screen: every enrolled office, its last bundle, and the USB
exchange — read the up-bundles on a stick, write the down-bundles to it."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, RichLog, Static

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.services.hub import import_up_files, is_silent, publish_bundles
from fazhi_tui.services.office import last_folder, remember_folder
from fazhi_tui.services.verdicts import MARKS
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.folder_picker import FolderPicker
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["HubScreen", "ConflictsScreen", "ImportsScreen"]


class HubScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+o", "import", "key.hub_import", priority=True),
        Binding("ctrl+e", "publish", "key.hub_publish", priority=True),
        Binding("m", "matrix", "key.matrix"),
        Binding("k", "conflicts", "key.conflicts"),
        Binding("w", "changes", "key.changes"),
        Binding("c", "catalog", "key.catalog"),
        Binding("r", "refresh", "key.refresh"),
    ]

    def compose(self) -> ComposeResult:
        hub = self.app.config.hub
        yield Static(plain(t("hub.title", name=hub.name, code=hub.code, level=t(f"hub.level.{hub.level}"))), id="title-bar")
        table: DataTable = DataTable(id="members", cursor_type="row", zebra_stripes=True)
        for key, width in (("code", 9), ("name", 10), ("devices", 4), ("last", 10), ("bundles", 4), ("records", 6), ("conflicts", 4)):
            table.add_column(t(f"hub.col.{key}"), key=key, width=width)
        yield table
        with Vertical(id="hub-exchange"):
            yield FolderPicker(last_folder(self.app.home), id="picker")
            yield ProgressBar(id="import-progress", show_eta=False)
            hint = Static(t("hub.path_hint"), id="path-hint")
            hint.display = False
            yield hint
            yield RichLog(id="sync-log", wrap=True, markup=False, auto_scroll=True, min_width=20)
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """While the path is typed, letters go into it and their keys leave the footer:
        say how to get them back."""
        self.query_one("#path-hint").display = isinstance(event.widget, Input)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, Input):
            self.query_one("#path-hint").display = False

    def say(self, text: str) -> None:
        """A line in the log: it may quote files of the stick, so it is shown as plain text."""
        self.query_one(RichLog).write(plain(text))

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="hub-load")
    def _load(self) -> None:
        from fazhi_tui.sync.hub import member_overview

        try:
            members = member_overview(self.app.store)
        except DatabaseError as exc:
            self.app.call_from_thread(self.say, f"× {self.app.db_error_text(exc)}")
            return
        self.app.call_from_thread(self._show, members)

    def _show(self, members) -> None:
        table = self.query_one(DataTable)
        table.clear()
        interval = self.app.config.thresholds.report_interval_days
        for m in members:
            silent = is_silent(m.last_import, self.app.today, interval)
            last = Text((m.last_import or "")[:10] or t("hub.never"), style="bold yellow" if silent else "")
            if silent:
                last.append(" !", style="bold yellow")
            conflicts = Text(str(m.conflicts), style="bold red" if m.conflicts else "")
            # Every cell is Text: a DataTable reads a str as markup, and names come from bundles.
            table.add_row(plain(m.code), plain(m.name, multiline=False), plain(m.devices), last, plain(m.bundles), plain(m.records), conflicts, key=m.code)
        if not members:
            self.say(t("hub.no_members"))

    def action_import(self) -> None:
        self._import(self.query_one(FolderPicker).path)

    @work(thread=True, exclusive=True, group="hub-sync")
    def _import(self, folder: Path) -> None:
        """Runs in a thread: the screen stays responsive; with more than one file a
        progress bar counts them (hidden again when the run ends)."""
        app = self.app
        files = sorted(folder.glob("fazhi-up-*.fzb")) if folder.is_dir() else []
        if not files:
            app.call_from_thread(self.say, t("hub.nothing_found", path=folder))
            return

        def progress(done: int, total: int | None, what: str = "") -> None:
            app.call_from_thread(self._show_progress, done, total)

        try:
            for _, lines in import_up_files(app.home, app.config, app.store, files, progress=progress if len(files) > 1 else None):
                for verdict, line in lines:
                    app.call_from_thread(self.say, f"{MARKS[verdict]} {line}")
        except DatabaseError as exc:
            app.call_from_thread(self.say, f"× {app.db_error_text(exc)}")
            return
        finally:
            app.call_from_thread(self._show_progress, None, None)
        remember_folder(app.home, folder)
        app.call_from_thread(self.action_refresh)

    def _show_progress(self, done: int | None, total: int | None) -> None:
        """``done`` of ``total`` files imported; None: the run is over, the bar goes."""
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = done is not None
        if done is not None:
            bar.update(total=total, progress=done)

    def action_publish(self) -> None:
        self._publish(self.query_one(FolderPicker).path)

    @work(thread=True, exclusive=True, group="hub-sync")
    def _publish(self, folder: Path) -> None:
        app = self.app
        try:
            lines = publish_bundles(app.home, app.config, app.store, folder)
        except BundleRefused as exc:
            app.call_from_thread(self.say, f"× {exc.message()}")
            return
        except (DatabaseError, OSError) as exc:
            reason = app.db_error_text(exc) if isinstance(exc, DatabaseError) else os_error_words(exc)
            app.call_from_thread(self.say, f"× {reason}")
            return
        for line in lines:
            app.call_from_thread(self.say, "√ " + line)
        remember_folder(app.home, folder)

    def action_conflicts(self) -> None:
        self.app.push_screen(ConflictsScreen())

    def action_catalog(self) -> None:
        self.app.open_catalog()

    def action_changes(self) -> None:
        self.app.push_screen(ImportsScreen())

    def action_matrix(self) -> None:
        self.app.open_matrix()


class ConflictsScreen(Screen[None]):
    """Records two devices of one office both changed: the version kept and the one set aside."""

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", key_display="Esc")]

    def compose(self) -> ComposeResult:
        yield Static(t("hub.conflicts_title"), id="title-bar")
        table: DataTable = DataTable(id="conflicts", cursor_type="row")
        for key, width in (("at", 10), ("member", 9), ("kind", 8), ("record", 18), ("kept", 8), ("set_aside", 8)):
            table.add_column(t(f"hub.conflict.{key}"), key=key, width=width)
        yield table
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="conflicts")
    def _load(self) -> None:
        from fazhi_tui.sync.hub import conflict_list

        rows = conflict_list(self.app.store)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows) -> None:
        table = self.query_one(DataTable)
        for row in rows:
            label = row["winner"].get("title") or row["winner"].get("name") or row["record_uuid"][:8]
            # The record's words are a township's: Text, never markup ("[/]" must not crash).
            table.add_row(
                plain(row["at"][:10]), plain(row["member"]), plain(kind_label(row["table_name"])), plain(label, multiline=False),
                plain(row["winner_device"][:8]), plain(row["loser_device"][:8]),
            )
        if not rows:
            table.add_row("", "", plain(t("hub.no_conflicts")), "", "", "")


class ImportsScreen(Screen[None]):
    """What each import did: added, changed, deleted, conflicts (the command line's
    ``hub changes --since --until`` gives the same per township between two dates)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", key_display="Esc")]

    def compose(self) -> ComposeResult:
        yield Static(t("changes.title"), id="title-bar")
        table: DataTable = DataTable(id="imports", cursor_type="row", zebra_stripes=True)
        table.add_column(t("changes.col.at"), width=16)
        table.add_column(t("changes.col.member"), width=10)
        table.add_column(t("changes.col.seq"), width=4)
        for name in ("added", "changed", "deleted", "conflicts"):
            table.add_column(t(f"summary.{name}"), width=6)
        yield table
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="imports")
    def _load(self) -> None:
        from fazhi_tui.sync.hub import import_history

        rows = import_history(self.app.store)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows) -> None:
        table = self.query_one(DataTable)
        for row in rows:
            totals = row["totals"]
            table.add_row(
                row["imported_at"][:16].replace("T", " "), plain((row["member_name"] or row["member"])[:5], multiline=False), str(row["seq"]),
                str(totals["added"]), str(totals["changed"]), str(totals["deleted"]), str(totals["conflicts"]),
            )
