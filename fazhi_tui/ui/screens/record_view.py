"""One record read only, every field as the township entered it, and below them its evidence
files (at a hub: the county reads a township's record behind a checklist rule and opens the
scans behind it, and can change neither)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from fazhi_tui.base.i18n import choice_label, field_label, get_language, kind_label, t
from fazhi_tui.domain.kinds import Kind
from fazhi_tui.ui.format import visible
from fazhi_tui.ui.widgets.evidence_list import EvidenceList
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["RecordViewScreen", "field_text"]


def field_text(f, value: Any, labels: dict[str, str]) -> str:
    """A field's value in words, whole (a long text keeps its lines)."""
    if f.type == "choice":
        return choice_label(f.choices, value)
    if f.type == "bool":
        return t("bool.yes") if value else t("bool.no")
    if f.type == "ref":
        return labels.get(value, "") if value else ""
    if f.type == "refs":
        return "、".join(labels.get(u, u) for u in value or []) if get_language() == "zh" else "; ".join(labels.get(u, u) for u in value or [])
    if f.type == "float" and value is not None:
        return f"{value:g}"
    return "" if value is None else str(value)


class RecordViewScreen(Screen[None]):
    """Label and value of every field that applies, nothing to edit."""

    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", key_display="Esc")]

    def __init__(self, kind: Kind, record: dict[str, Any], labels: dict[str, str], whose: str = "", township: str | None = None) -> None:
        super().__init__(id="record-view")
        self.kind = kind
        self.record = record
        self.labels = labels
        self.whose = whose
        self.township = township  # at a hub: whose evidence files to list

    def compose(self) -> ComposeResult:
        title = f"{kind_label(self.kind.name)} · {t('view.read_only')}"
        yield Static(Text(visible(f"{self.whose} · {title}" if self.whose else title)), id="title-bar")
        with VerticalScroll(id="record-fields"):
            for f in self.kind.fields:
                if f.only_if is not None and self.record.get(f.only_if[0]) != f.only_if[1]:
                    continue  # does not apply to this record (as the form hides it)
                value = field_text(f, self.record.get(f.name), self.labels)
                line = Text.assemble((field_label(self.kind.name, f.name), "bold"), "  ")
                line.append(visible(value, multiline=True) if value else t("view.empty"), style="" if value else "dim")
                yield Static(line, classes="view-field")
        if self.township is not None:
            yield Static(Text(t("files.title"), style="bold"), id="view-files-title")
            # Enter opens a scan with the system's viewer (every byte verified); Tab to the fields
            yield EvidenceList(self.record["uuid"], township=self.township, read_only=True, id="evidence-files")
        yield key_footer()

    def on_mount(self) -> None:
        if self.township is not None:
            self.query_one(EvidenceList).focus()
        else:
            self.query_one("#record-fields").focus()
