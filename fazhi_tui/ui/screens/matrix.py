"""The hub's matrix: townships down, checklist rules across, one mark per cell.

Each cell is the rule's status for the chosen year, computed from that township's
imported records by the same rule engine the township runs, so both sides see the same
verdict. The last row gives the share of townships meeting each rule.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from fazhi_tui.base.i18n import t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.services.checklist import Matrix
from fazhi_tui.services.checklist_report import legend, rule_title, status_mark
from fazhi_tui.services.hub import is_silent, matrix_now, save_hub_report
from fazhi_tui.services.office import rules_problem_line
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import STATUS_STYLES
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["MatrixScreen", "rule_headers"]

FIXED_COLUMNS = 2  # township, last bundle
TOTALS_KEY = "__totals__"


def rule_headers(rules) -> list[str]:
    """Column headers: the task, numbered where a task has several rules (T46¹ T46² T46³)."""
    per_task: dict[str, int] = {}
    for rule in rules:
        per_task[rule.task] = per_task.get(rule.task, 0) + 1
    seen: dict[str, int] = {}
    headers = []
    for rule in rules:
        if per_task[rule.task] == 1:
            headers.append(rule.task)
        else:
            seen[rule.task] = seen.get(rule.task, 0) + 1
            headers.append(rule.task + "⁰¹²³⁴⁵⁶⁷⁸⁹"[seen[rule.task]])
    return headers


class MatrixScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "evidence", "key.open", priority=True),
        Binding("left_square_bracket", "year(-1)", "key.prev_year", key_display="["),
        Binding("right_square_bracket", "year(1)", "key.next_year", key_display="]"),
        Binding("x", "xlsx", "key.xlsx"),
        Binding("escape", "app.pop_screen", "key.back", key_display="Esc"),
    ]

    def __init__(self, year: int) -> None:
        super().__init__(id="matrix")
        self.year = year
        self.matrix: Matrix | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        problem = Static(id="rules-problem")  # the county's rules.toml refused: said, as the command line does
        problem.display = False
        yield problem
        yield DataTable(id="matrix-table", cursor_type="cell", cell_padding=0)
        yield Static(id="matrix-rule")
        # the share row counts "at risk" as met today and leaves "not applicable" out: say so
        yield Static(Text(legend()), id="matrix-legend")
        yield key_footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        self.query_one("#title-bar", Static).update(plain(t("matrix.title", year=self.year, name=self.app.config.office_name)))
        self._compute(self.year)

    @work(thread=True, exclusive=True, group="matrix")
    def _compute(self, year: int) -> None:
        app = self.app
        try:
            active, matrix = matrix_now(app.home, app.config, app.store, year=year, on=app.today)
        except DatabaseError as exc:
            app.call_from_thread(self.notify, app.db_error_text(exc), severity="error", timeout=10)
            return
        app.call_from_thread(self._show, matrix, rules_problem_line(active))

    def _show(self, matrix: Matrix, problem_line: str | None = None) -> None:
        if matrix.year != self.year:
            return
        self.matrix = matrix
        problem = self.query_one("#rules-problem", Static)
        if problem_line:
            problem.update(plain(problem_line))
        problem.display = problem_line is not None
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column(t("matrix.township"), width=10, key="township")
        table.add_column(t("matrix.last"), width=6, key="last")
        for rule, header in zip(matrix.rules, rule_headers(matrix.rules)):
            table.add_column(plain(header, multiline=False), width=5, key=rule.id)
        interval = self.app.config.thresholds.report_interval_days
        for row in matrix.rows:
            silent = is_silent(row.last_import, self.app.today, interval)
            last = Text(row.last_import[5:10] if row.last_import else t("matrix.never"), style="bold yellow" if silent else "")
            cells = [Text(f" {status_mark(r.status)}", style=STATUS_STYLES[r.status]) for r in row.results]
            if not row.results:
                cells = [Text(" ·", style="dim") for _ in matrix.rules]
            table.add_row(plain(row.name[:5], multiline=False), last, *cells, key=row.code)
        totals = []
        for index in range(len(matrix.rules)):
            met, applicable = matrix.share_met(index)
            totals.append(Text(f"{round(100 * met / applicable)}%" if applicable else "-", style="bold"))
        table.add_row(Text(t("matrix.share"), style="bold"), "", *totals, key=TOTALS_KEY)
        if matrix.rows:
            table.cursor_coordinate = cursor if cursor.row < table.row_count else table.cursor_coordinate
        self._describe()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        """Under the table: which township and which rule the cursor is on, in words."""
        matrix = self.matrix
        table = self.query_one(DataTable)
        if matrix is None or not matrix.rows:
            self.query_one("#matrix-rule", Static).update(plain(t("matrix.empty")))
            return
        row, column = table.cursor_coordinate
        parts = []
        if row < len(matrix.rows):
            office = matrix.rows[row]
            parts.append(f"{office.name}（{office.code}）")
        if column >= FIXED_COLUMNS:
            rule = matrix.rules[column - FIXED_COLUMNS]
            parts.append(f"{rule.task} {rule_title(rule)}")
        # Names of townships (from bundles) and rules (from rules.toml): plain text, one line.
        self.query_one("#matrix-rule", Static).update(plain(" · ".join(parts), multiline=False))

    def action_year(self, delta: int) -> None:
        self.year += delta
        self._refresh()

    def action_evidence(self) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        row, column = self.query_one(DataTable).cursor_coordinate
        if row >= len(matrix.rows) or column < FIXED_COLUMNS or not matrix.rows[row].results:
            return
        rule = matrix.rules[column - FIXED_COLUMNS]
        self.app.open_evidence(self.year, rule.id, township=matrix.rows[row].code)

    def action_xlsx(self) -> None:
        self._write_xlsx(self.year)

    @work(thread=True, exclusive=True, group="matrix-xlsx")
    def _write_xlsx(self, year: int) -> None:
        app = self.app
        try:
            report = save_hub_report(app.home, app.config, app.store, year=year, on=app.today)
        except (DatabaseError, OSError) as exc:
            reason = app.db_error_text(exc) if isinstance(exc, DatabaseError) else os_error_words(exc)
            app.call_from_thread(self.notify, reason, severity="error", timeout=10)
            return
        app.call_from_thread(self.notify, t("report.hub_saved", path=report.path), timeout=8)
