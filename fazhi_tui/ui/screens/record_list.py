"""The list of one record kind: page through it, filter it, open, add, delete and undo."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from fazhi_tui.base.i18n import choice_label, column_label, get_language, kind_label, t
from fazhi_tui.domain.kinds import CHOICES, KINDS, Field, Kind
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.storage.store import RecordNotFound
from fazhi_tui.ui.format import cell_text, plain, record_label, ref_label_key
from fazhi_tui.ui.helpers import kind_bindings, load_form_data
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.footer import key_footer
from fazhi_tui.ui.widgets.record_table import Column, RecordTable

__all__ = ["RecordListScreen", "list_column"]


# Choice sets that are a record's state: never cut, in either language.
STATUS_CHOICES = frozenset({"item_status", "attendance"})


def _is_code(f: Field) -> bool:
    """A text that is an identifier (an item code, a document or certificate number):
    a cut one could read as another valid value, so it is never cut."""
    return f.type == "text" and (f.name == "code" or f.name.endswith("_no"))


def list_column(kind: Kind, f: Field) -> Column:
    """The list column of a field. Codes, numbers, dates, yes/no and choices (statuses)
    are fixed: always as wide as their longest value in the interface language."""
    label = column_label(kind.name, f.name)
    if f.type == "choice":
        width = max(cell_len(choice_label(f.choices or "", code)) for code in CHOICES[f.choices or ""])
        if f.choices in STATUS_CHOICES or width <= f.list_width:
            return Column(f.name, label, width, fixed=True)
        # a long category (an English meeting kind): whole when there is room, else cut with "…"
        return Column(f.name, label, width, minimum=f.list_width)
    if f.type == "bool":
        return Column(f.name, label, max(cell_len(t("bool.yes")), cell_len(t("bool.no"))), fixed=True)
    if f.type in ("date", "int", "float", "refs") or _is_code(f):
        return Column(f.name, label, f.list_width, fixed=True)
    return Column(f.name, label, f.list_width)

FILTER_DELAY_SECONDS = 0.25


class RecordListScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "key.open"),
        Binding("n", "new", "key.new"),
        Binding("slash", "filter", "key.filter", key_display="/"),
        Binding("delete", "delete", "key.delete", key_display="Del"),
        Binding("u", "undo", "key.undo"),
        Binding("escape", "back", "key.back", key_display="Esc"),
        *kind_bindings(),
    ]

    def __init__(self, kind: Kind) -> None:
        super().__init__(id=f"list-{kind.name}")
        self.kind = kind
        self.filter_text = ""
        self._filter_timer: Timer | None = None
        self._after_load: str | None = None  # uuid to put the cursor on after the next reload
        self._saved_note = False  # the next count says "saved" (a form just saved a record)

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        filter_input = Input(placeholder=t("list.filter"), id="filter", compact=True)
        filter_input.display = False
        yield filter_input
        columns = [list_column(self.kind, f) for f in self.kind.list_fields]
        table = RecordTable(columns, self._cell, id="records")
        yield Static(plain(table.header()), id="column-header")
        empty = Static(id="empty-message")
        empty.display = False
        yield empty
        yield table
        yield Static(id="row-detail")
        yield key_footer()

    @on(RecordTable.LaidOut)
    def _laid_out(self, event: RecordTable.LaidOut) -> None:
        self.query_one("#column-header", Static).update(plain(event.table.header()))

    @on(RecordTable.RowShown)
    def _row_shown(self, event: RecordTable.RowShown) -> None:
        """The detail line: the whole text of the cursor row's free-text columns (a cut
        cell ends in "…"; here it reads whole)."""
        row = event.row
        parts = []
        if row is not None:
            for column in event.table.columns:
                value = self._cell(column.key, row)
                if value and not column.fixed:
                    parts.append(f"{column.label}：{value}" if get_language() == "zh" else f"{column.label}: {value}")
        self.query_one("#row-detail", Static).update(plain("  ".join(parts)))

    def _cell(self, field_name: str, row: dict[str, Any]) -> str:
        return cell_text(self.kind, field_name, row)

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    # -- loading ---------------------------------------------------------------------------

    def reload(self, select_uuid: str | None = None) -> None:
        """Count the (filtered) records again and drop every cached row."""
        self._after_load = select_uuid
        self._count(self.filter_text)

    @work(thread=True, exclusive=True, group="list-count")
    def _count(self, text: str) -> None:
        store = self.app.store
        try:
            total = store.count(self.kind, text)
            position = store.position(self.kind, self._after_load, text) if self._after_load else None
        except DatabaseError as exc:
            self.app.call_from_thread(self._db_error, exc)
            return
        self.app.call_from_thread(self._counted, text, total, position)

    def _counted(self, text: str, total: int, position: int | None) -> None:
        if text != self.filter_text:
            return  # the filter changed again while counting
        self._after_load = None
        self.table.reset(total)
        if position is not None:
            self.table.move_to(position)
        if self.filter_text:
            status = t("list.status_filtered", text=self.filter_text, total=total)
        else:
            status = t("list.status", total=total)
        if self._saved_note:
            status += " · " + t("form.saved")
            self._saved_note = False
        config = self.app.config
        # The filter is what the clerk typed: "[/]" is a search for those three characters.
        self.query_one("#title-bar", Static).update(plain(f"{kind_label(self.kind.name)} · {config.township_name} · {status}"))
        empty = self.query_one("#empty-message", Static)
        empty.update(plain(t("list.no_match", text=self.filter_text) if self.filter_text else t("list.empty")))
        empty.display = total == 0

    @on(RecordTable.BlockWanted)
    def _block_wanted(self, event: RecordTable.BlockWanted) -> None:
        self._load_block(event.generation, event.offset, event.limit, self.filter_text)

    @work(thread=True, group="list-blocks")
    def _load_block(self, generation: int, offset: int, limit: int, text: str) -> None:
        store = self.app.store
        try:
            rows = store.page(self.kind, offset, limit, text)
            for f in self.kind.list_fields:
                if f.type == "ref":
                    labels = store.labels(KINDS[f.ref], [r[f.name] for r in rows if r[f.name]])
                    for row in rows:
                        row[ref_label_key(f.name)] = labels.get(row[f.name], "")
        except DatabaseError as exc:
            self.app.call_from_thread(self._db_error, exc)
            return
        self.app.call_from_thread(self.table.add_block, generation, offset, rows)

    def _db_error(self, exc: DatabaseError) -> None:
        self.notify(self.app.db_error_text(exc), severity="error", timeout=10)

    # -- filter ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY_SECONDS, self._apply_filter)

    def _apply_filter(self) -> None:
        text = self.query_one("#filter", Input).value.strip()
        if text != self.filter_text:
            self.filter_text = text
            self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_filter()
        if not self.filter_text:
            event.input.display = False
        self.table.focus()

    def _clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self.table.focus()
        if self.filter_text:
            self.filter_text = ""
            self.reload()

    def action_back(self) -> None:
        """Esc clears a filter first; with no filter it goes back home."""
        if self.filter_text or self.query_one("#filter", Input).display:
            self._clear_filter()
        else:
            self.app.pop_screen()

    # -- open / new ------------------------------------------------------------------------

    def action_open(self) -> None:
        row = self.table.current_row
        if row is not None:
            self._prepare_form(row["uuid"])

    def action_new(self) -> None:
        self._prepare_form(None)

    @work(thread=True, exclusive=True, group="list-form")
    def _prepare_form(self, record_uuid: str | None) -> None:
        """Load the record and the choices of its pickers off the interface thread."""
        try:
            record, options = load_form_data(self.app.store, self.kind, record_uuid)
        except RecordNotFound:
            self.app.call_from_thread(self.notify, t("err.not_found"), severity="warning")
            self.app.call_from_thread(self.reload)
            return
        except DatabaseError as exc:
            self.app.call_from_thread(self._db_error, exc)
            return
        self.app.call_from_thread(self._show_form, record, options)

    def _show_form(self, record: dict[str, Any] | None, options: dict[str, list[tuple[str, str]]]) -> None:
        from fazhi_tui.ui.screens.record_form import RecordFormScreen

        self.app.push_screen(RecordFormScreen(self.kind, record, options, announce=False), self._form_closed)

    def _form_closed(self, saved_uuid: str | None) -> None:
        if saved_uuid:
            # "saved" in the title bar, not a toast over the rows (the cursor is on the record)
            self._saved_note = True
            self.reload(select_uuid=saved_uuid)

    # -- delete / undo -----------------------------------------------------------------------

    def action_delete(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        label = record_label(self.kind, row)

        def answered(yes: bool | None) -> None:
            if yes:
                self._tombstone(row["uuid"], label)

        self.app.push_screen(ConfirmScreen(t("list.confirm_delete", label=label)), answered)

    @work(thread=True, exclusive=True, group="list-write")
    def _tombstone(self, record_uuid: str, label: str) -> None:
        try:
            self.app.store.tombstone(self.kind, record_uuid, self.app.actor)
        except RecordNotFound:
            self.app.call_from_thread(self.notify, t("err.not_found"), severity="warning")
        except DatabaseError as exc:
            self.app.call_from_thread(self._db_error, exc)
            return
        else:
            self.app.call_from_thread(self.app.remember_deleted, self.kind.name, record_uuid, label)
            self.app.call_from_thread(self.notify, t("list.deleted", label=label))
        self.app.call_from_thread(self.reload)

    def action_undo(self) -> None:
        """u: undo the newest deletion of the session, from whichever list (the app's)."""
        self.app.action_undo()

    def record_restored(self, kind_name: str, record_uuid: str) -> None:
        if kind_name == self.kind.name:
            self.reload(record_uuid)
