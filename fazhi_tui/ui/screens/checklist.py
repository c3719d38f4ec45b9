"""The checklist of a year: one row per rule, its evidence one key away.

The rows are recomputed whenever the screen comes back to the front, so a record fixed
from the evidence list shows its effect at once.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import choice_label, kind_label, t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleResult
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import evidence_labels
from fazhi_tui.services.checklist_report import actual_text, rule_name, status_text, summary_counts, target_text
from fazhi_tui.services.office import rules_problem_line, save_checklist_report
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.storage.store import RecordNotFound
from fazhi_tui.ui.format import plain, visible
from fazhi_tui.ui.helpers import STATUS_STYLES, load_form_data, load_view_data
from fazhi_tui.ui.widgets.columns import Spec, cut_cell, fit_widths
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["ChecklistScreen", "EvidenceScreen"]

COLUMNS = (("task", 5), ("rule", 30), ("target", 8), ("actual", 14), ("status", 8))
FIXED_COLUMNS = ("task", "status")  # never cut: a plan task's number, a status
CELL_PADDING = 1  # DataTable's, each side of a cell


def _status_width() -> int:
    return max(cell_len(status_text(status)) for status in STATUS_STYLES)


def checklist_widths(results: list[RuleResult], window: int) -> list[int]:
    """Column widths for the checklist in ``window`` cells: the task and the status whole
    (in either language), the rule name given what the others leave."""
    rows = [_cells(r) for r in results]
    specs = []
    for i, (key, width) in enumerate(COLUMNS):
        header = cell_len(t(f"head.{key}"))
        if key == "status":
            specs.append(Spec(max(header, _status_width()), fixed=True))
            continue
        longest = max((cell_len(row[i]) for row in rows), default=0)
        natural = max(header, longest, 1)
        specs.append(Spec(natural, fixed=key in FIXED_COLUMNS, minimum=min(natural, max(header, min(width, 8)))))
    return fit_widths(specs, window - 2 * CELL_PADDING * len(COLUMNS) - 2)


def _cells(r: RuleResult) -> tuple[str, str, str, str]:
    return (visible(r.rule.task), visible(rule_name(r)), visible(target_text(r)), visible(actual_text(r)))


def _status_cell(status: str) -> Text:
    return Text(status_text(status), style=STATUS_STYLES[status])


class ChecklistScreen(Screen[None]):
    BINDINGS = [
        # priority: the table would otherwise take these keys (and hide them from the footer)
        Binding("enter", "evidence", "key.open", priority=True),
        Binding("left", "year(-1)", "key.prev_year", key_display="←", priority=True),
        Binding("right", "year(1)", "key.next_year", key_display="→", priority=True),
        Binding("p", "print", "key.print"),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self, year: int) -> None:
        super().__init__(id="checklist")
        self.year = year
        self.results: list[RuleResult] = []

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        problem = Static(id="rules-problem")
        problem.display = False
        yield problem
        yield DataTable(id="checklist-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="checklist-detail")
        yield Static(id="checklist-summary")
        yield Static(t("checklist.hint"), id="checklist-hint")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_results()

    def refresh_results(self) -> None:
        self.query_one("#title-bar", Static).update(plain(t("checklist.title", year=self.year, name=self.app.config.township_name)))
        self._compute(self.year)

    @work(thread=True, exclusive=True, group="checklist")
    def _compute(self, year: int) -> None:
        try:
            active, results = self.app.compute_checklist(year)
        except DatabaseError as exc:
            self.app.call_from_thread(self.notify, self.app.db_error_text(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self._show, year, active, results)

    def _show(self, year: int, active, results: list[RuleResult]) -> None:
        if year != self.year:
            return
        self.results = results
        problem = self.query_one("#rules-problem", Static)
        line = rules_problem_line(active)
        if line:
            # The message may quote the county's rules.toml: plain text.
            problem.update(plain(line))
        problem.display = line is not None
        self._fill_table()
        counts = summary_counts(results)
        self.query_one("#checklist-summary", Static).update(plain(t("report.summary", **counts)))

    def _fill_table(self) -> None:
        """The rows, in columns laid out for the window's present width."""
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        widths = checklist_widths(self.results, self.size.width)
        table.clear(columns=True)
        for (key, _), width in zip(COLUMNS, widths, strict=True):
            table.add_column(cut_cell(t(f"head.{key}"), width), key=key, width=width)
        for r in self.results:
            # Rule names come from a county's rules.toml: Text, never markup; cut with "…".
            cells = [cut_cell(c, w) for c, w in zip(_cells(r), widths, strict=False)]
            table.add_row(*(plain(c, multiline=False) for c in cells), _status_cell(r.status), key=r.rule.id)
        if self.results:
            table.move_cursor(row=min(cursor, len(self.results) - 1))
        self._show_detail()

    def on_resize(self) -> None:
        if self.results:
            self._fill_table()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The whole name of the rule under the cursor, and what it found (a cut cell ends in "…")."""
        result = self._current()
        text = "" if result is None else f"{result.rule.task} {rule_name(result)} · {target_text(result)} · {actual_text(result)}"
        self.query_one("#checklist-detail", Static).update(plain(text))

    def action_year(self, delta: int) -> None:
        self.year += delta
        self.refresh_results()

    def _current(self) -> RuleResult | None:
        table = self.query_one(DataTable)
        if not self.results or table.cursor_row >= len(self.results):
            return None
        return self.results[table.cursor_row]

    def action_evidence(self) -> None:
        result = self._current()
        if result is not None:
            self.app.push_screen(EvidenceScreen(self.year, result.rule.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # a mouse click on a row
        self.action_evidence()

    def action_print(self) -> None:
        self._save_report(self.year)

    @work(thread=True, exclusive=True, group="checklist-print")
    def _save_report(self, year: int) -> None:
        app = self.app
        try:
            path, _ = save_checklist_report(app.home, app.config, app.store, year=year, on=app.today)
        except DatabaseError as exc:
            app.call_from_thread(self.notify, app.db_error_text(exc), severity="error", timeout=10)
            return
        except OSError as exc:
            app.call_from_thread(self.notify, os_error_words(exc), severity="error", timeout=10)
            return
        app.call_from_thread(self.notify, t("report.saved_formats", folder=path.parent, name=path.stem), timeout=8)


def _with_attendance(store, labels: dict[str, str], uuids: list[str]) -> dict[str, str]:
    """Labels of administrative meetings with the head's attendance and, when not in full,
    its reason (what the T40 rule counts, readable in the list itself)."""
    out = {}
    for record_uuid in uuids:
        try:
            record = store.get(KINDS["meeting"], record_uuid, include_deleted=True)
        except RecordNotFound:
            continue
        attendance = record.get("head_attendance")
        if record.get("kind") != "admin" or not attendance:
            continue
        words = choice_label("attendance", attendance)
        reason = clean_text(str(record.get("head_absence_reason") or ""))
        if attendance != "full" and reason:
            words = t("evidence.attendance_reason", attendance=words, reason=reason)
        out[record_uuid] = f"{labels.get(record_uuid, record_uuid)} · {words}"
    return out


class EvidenceScreen(Screen[None]):
    """The records behind one rule: those that fall short first, then those that prove it."""

    BINDINGS = [
        Binding("enter", "open", "key.open", priority=True),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self, year: int, rule_id: str, township: str | None = None) -> None:
        super().__init__(id="evidence")
        self.year = year
        self.rule_id = rule_id
        self.township = township  # at a hub: whose records (a township's code)
        self.township_name = township or ""  # …and its name, once read
        self.result: RuleResult | None = None
        self._kinds: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        yield Static(id="evidence-figures")
        yield OptionList(id="evidence-list")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self._compute()

    @work(thread=True, exclusive=True, group="evidence")
    def _compute(self) -> None:
        app = self.app
        try:
            _, results = app.compute_checklist(self.year, self.township)
            result = next((r for r in results if r.rule.id == self.rule_id), None)
            labels = evidence_labels(app.store, [result]) if result else {}
            if result is not None and result.evidence_kind == "meeting":
                labels.update(_with_attendance(app.store, labels, [*result.breaking, *result.proving]))
            if self.township is not None:
                office = app.store.hub_offices().get(self.township)
                self.township_name = office["name"] if office and office["name"] else self.township
        except DatabaseError as exc:
            app.call_from_thread(self.notify, app.db_error_text(exc), severity="error", timeout=10)
            return
        app.call_from_thread(self._show, result, labels)

    def _show(self, result: RuleResult | None, labels: dict[str, str]) -> None:
        if result is None:  # the rule was switched off meanwhile
            self.app.pop_screen()
            return
        self.result = result
        title = t("checklist.evidence_title", task=result.rule.task, name=rule_name(result), status=status_text(result.status))
        if self.township:
            title = f"{self.township_name} · {title}"
        self.query_one("#title-bar", Static).update(plain(title))
        figures = visible(t("report.figures", target=target_text(result), actual=actual_text(result)))
        self.query_one("#evidence-figures", Static).update(
            Text.assemble((f"{kind_label(result.evidence_kind)} · ", "bold"), figures)
        )
        options: list[Option | None] = []
        self._kinds: dict[str, str] = {}  # option id (a uuid) → its record's kind
        for ids, mark_status in ((result.breaking, "not_met"), (result.proving, "met")):
            for record_uuid in ids:
                status = "at_risk" if record_uuid in result.at_risk else mark_status
                label = visible(labels.get(record_uuid, record_uuid))  # a record's words: never markup, no controls
                prompt = Text.assemble((status_text(status), STATUS_STYLES[status]), "  ", label)
                options.append(Option(prompt, id=record_uuid))
                self._kinds[record_uuid] = result.evidence_kind
        # planned records, apart: dated after the checklist day, not counted
        planned = [(result.evidence_kind, u) for u in result.planned if u not in self._kinds]
        planned += [(result.link_kind, u) for u in result.planned_links if result.link_kind]
        if planned:
            options.append(Option(Text(t("checklist.planned"), style="bold"), disabled=True))
            for kind_name, record_uuid in planned:
                prompt = Text.assemble((f"{kind_label(kind_name)}  ", "dim"), labels.get(record_uuid, record_uuid))
                options.append(Option(prompt, id=record_uuid))
                self._kinds[record_uuid] = kind_name
        evidence = self.query_one(OptionList)
        highlighted = evidence.highlighted
        evidence.set_options(options or [Option(plain(t("checklist.evidence_none")), disabled=True)])
        if options:
            evidence.highlighted = min(highlighted or 0, len(options) - 1)

    def action_open(self) -> None:
        evidence = self.query_one(OptionList)
        if self.result is None or evidence.highlighted is None:
            return
        option = evidence.get_option_at_index(evidence.highlighted)
        if option.id:  # at a hub: read only, the fields as entered and the evidence files
            self._open(self._kinds.get(option.id, self.result.evidence_kind), option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    @work(thread=True, exclusive=True, group="evidence-open")
    def _open(self, kind_name: str, record_uuid: str) -> None:
        """A township's own record opens in its form; at a hub, read only, as entered."""
        try:
            if self.township is not None:
                record, labels = load_view_data(self.app.store, KINDS[kind_name], record_uuid)
                self.app.call_from_thread(self._push_view, kind_name, record, labels)
                return
            record, options = load_form_data(self.app.store, KINDS[kind_name], record_uuid)
        except RecordNotFound:
            self.app.call_from_thread(self.notify, t("err.not_found"), severity="warning")
            return
        except DatabaseError as exc:
            self.app.call_from_thread(self.notify, self.app.db_error_text(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self._push_form, kind_name, record, options)

    def _push_view(self, kind_name: str, record, labels) -> None:
        from fazhi_tui.ui.screens.record_view import RecordViewScreen

        self.app.push_screen(RecordViewScreen(KINDS[kind_name], record, labels, whose=self.township_name, township=self.township))

    def _push_form(self, kind_name: str, record, options) -> None:
        from fazhi_tui.ui.screens.record_form import RecordFormScreen

        self.app.push_screen(RecordFormScreen(KINDS[kind_name], record, options))
