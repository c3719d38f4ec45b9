"""The evidence files of one record, listed in its form (and read-only at the hub).

One line a file: name, size, type and caption. Enter opens the file with the system's
viewer (or says where it lies); at a township ``a`` attaches files from a folder (a USB
stick too) and Del detaches the highlighted one after asking (a tombstone, with audit).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import t
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.services.evidence import detach_file, open_file, record_files, size_text, type_label
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import translate_keys
from fazhi_tui.ui.widgets.confirm import ConfirmScreen

__all__ = ["EvidenceList", "file_line"]


def file_line(row: dict[str, Any]) -> Text:
    """A file as one line of plain text (its name and caption are the township's words)."""
    caption = f"  {row['caption']}" if row["caption"] else ""
    return plain(f"{row['name']}  {size_text(row['size'])}  {type_label(row['type'])}{caption}", multiline=False)


class EvidenceList(OptionList):
    DEFAULT_CSS = """
    EvidenceList { height: auto; max-height: 8; }
    """

    BINDINGS = [
        Binding("a", "attach", "key.attach"),
        Binding("delete", "detach", "key.detach", key_display="Del"),
    ]

    def __init__(self, record_uuid: str, *, township: str | None = None, read_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_keys(self)  # its keys show in the footer while it has the focus
        self.record_uuid = record_uuid
        self.township = township
        self.read_only = read_only
        self.rows: list[dict[str, Any]] = []

    def on_mount(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("attach", "detach") and self.read_only:
            return False
        return True

    def reload(self) -> None:
        self.rows = record_files(self.app.store, self.record_uuid, self.township)
        self.set_options([Option(file_line(row), id=row["uuid"]) for row in self.rows] or [Option(t("files.none"), disabled=True)])
        if self.rows:
            self.highlighted = 0

    def _current(self) -> dict[str, Any] | None:
        if self.highlighted is None or not self.rows or self.highlighted >= len(self.rows):
            return None
        return self.rows[self.highlighted]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self._current()
        if row is None:
            return
        try:
            path, opened = open_file(self.app.home, row)
        except (ActionRefused, OSError) as exc:
            self.app.notify(exc.message() if isinstance(exc, ActionRefused) else str(exc), severity="error", markup=False)
            return
        self.app.notify(t("files.opened" if opened else "files.lies_at", path=str(path)), markup=False)

    def action_attach(self) -> None:
        from fazhi_tui.ui.screens.attach_files import AttachFilesScreen

        self.app.push_screen(AttachFilesScreen(self.record_uuid), lambda _count: self.reload())

    def action_detach(self) -> None:
        row = self._current()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                detach_file(self.app.config, self.app.store, row["uuid"])
            except ActionRefused as exc:
                self.app.notify(exc.message(), severity="error", markup=False)
                return
            except DatabaseError as exc:
                self.app.notify(self.app.db_error_text(exc), severity="error", markup=False)
                return
            self.app.notify(t("files.detached", name=row["name"]), markup=False)
            self.reload()

        self.app.push_screen(ConfirmScreen(t("files.confirm_detach", name=row["name"])), answered)
