"""A problem the program cannot work around: say what it is and what to do.

When the database cannot be used (damaged, or from a newer program) the automatic
backups are listed here: Enter on one puts it back (the damaged file is kept aside) and
the program opens it.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.storage.database import DatabaseError, list_backups, restore_backup
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["FatalScreen"]


class FatalScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.quit", "key.quit"),
    ]

    def __init__(self, message: str, offer_backups: bool = False) -> None:
        super().__init__()
        self.message = message
        self.offer_backups = offer_backups

    def compose(self) -> ComposeResult:
        backups = list_backups(self.app.home.backups) if self.offer_backups else []
        with Vertical(id="fatal-box"):
            yield Static(plain(self.message), id="fatal-message")
            if backups:
                yield Static(t("restore.pick"), id="restore-hint")
                yield OptionList(*(Option(plain(p.name), id=str(p)) for p in backups), id="backups")

    def on_mount(self) -> None:
        for backups in self.query("#backups"):
            backups.focus()
        self.mount(key_footer())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = Path(event.option.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self._restore(chosen)

        self.app.push_screen(ConfirmScreen(t("restore.confirm", name=chosen.name)), answered)

    @work(thread=True, exclusive=True, group="restore")
    def _restore(self, backup: Path) -> None:
        app = self.app
        try:
            kept = restore_backup(backup, app.home.database, app.home.backups)
        except (DatabaseError, OSError) as exc:
            reason = app.db_error_text(exc) if isinstance(exc, DatabaseError) else os_error_words(exc)
            app.call_from_thread(self.notify, t("restore.failed", reason=reason), severity="error", timeout=10)
            return
        app.call_from_thread(self._restored, kept)

    def _restored(self, kept: Path) -> None:
        self.app.fatal_message = None
        self.app.notify(t("restore.done_screen", kept=kept.name), timeout=10)
        self.app.pop_screen()
        self.app.reopen_store()
