"""At the hub: the evidence files of one township's record, read-only. Enter opens one with
the system's viewer (every byte was verified at import and is checked again on opening);
a file whose bundle part has not arrived yet is marked so."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from fazhi_tui.base.i18n import t
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.widgets.evidence_list import EvidenceList
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["RecordFilesScreen"]


class RecordFilesScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", key_display="Esc")]

    def __init__(self, township: str, record_uuid: str, label: str) -> None:
        super().__init__(id="record-files")
        self.township = township
        self.record_uuid = record_uuid
        self.label = label

    def compose(self) -> ComposeResult:
        yield Static(plain(f"{self.township} · {self.label} · {t('files.title')}", multiline=False), id="title-bar")
        yield Static(t("hub.read_only"))
        yield EvidenceList(self.record_uuid, township=self.township, read_only=True, id="evidence-files")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(EvidenceList).focus()
