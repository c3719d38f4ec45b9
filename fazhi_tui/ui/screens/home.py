"""The home screen: the township, its record kinds with their counts, one key each."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.domain.kinds import KIND_ORDER
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.ui.format import plain
from fazhi_tui.ui.helpers import KIND_KEYS, STATUS_STYLES, kind_bindings
from fazhi_tui.ui.widgets.footer import key_footer

__all__ = ["HomeScreen"]


class HomeScreen(Screen[None]):
    # its rules are app.tcss's: its first frame does not wait for screens.tcss (ui/app.py)
    needs_screens_css = False
    BINDINGS = [
        *kind_bindings(),
        Binding("e", "sync", "key.sync"),
        Binding("u", "app.undo", "key.undo", show=False),
        # office files (ui/screens/office_files.py): listed by F1 and in the guide
        Binding("l", "office_file('ledger')", "key.ledger", show=False),
        Binding("r", "office_file('report')", "key.annual_report", show=False),
        Binding("t", "office_file('import')", "key.import_sheet", show=False),
    ]

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        super().__init__()
        self._counts_shown = counts or {}  # known when the store opened: the first frame has them

    def action_sync(self) -> None:
        self.app.open_sync()

    def action_office_file(self, which: str) -> None:
        from fazhi_tui.ui.screens import office_files

        {"ledger": office_files.save_ledger, "report": office_files.save_annual_report, "import": office_files.open_import_sheet}[which](self)

    def compose(self) -> ComposeResult:
        config = self.app.config
        yield Static(
            plain(f"{t('app.title')} · " + t("app.subtitle", name=config.township_name, code=config.township_code)),
            id="title-bar",
        )
        yield Static(t("home.records"), classes="section-title")
        yield OptionList(*self._options(self._counts_shown), id="kinds")
        yield Static(t("home.checklist"), classes="section-title")
        yield Static("…", id="home-checklist")
        yield Static(t("home.hint"), id="home-hint")
        yield key_footer()

    def _options(self, counts: dict[str, int]) -> list[Option]:
        options = []
        # as wide as the longest name and count in the language shown: nothing cut
        name_width = max(14, *(cell_len(kind_label(k.name)) for k in KIND_ORDER))
        shown = {k.name: t("home.count", count=counts[k.name]) if k.name in counts else "…" for k in KIND_ORDER}
        count_width = max(9, *(cell_len(c) for c in shown.values()))
        for key, k in zip(KIND_KEYS, KIND_ORDER):
            count = shown[k.name]
            text = f"{key}  {set_cell_size(kind_label(k.name), name_width)}  {set_cell_size(count, count_width)}  {' '.join(k.tasks)}"
            options.append(Option(text, id=k.name))
        return options

    def on_mount(self) -> None:
        self.query_one("#kinds", OptionList).focus()

    def on_screen_resume(self) -> None:
        # after the frame is drawn: the worker's imports and checklist (~50 ms of CPU) would
        # otherwise compete with the first frame for the one interpreter (issue 20)
        self.call_after_refresh(self._load_counts)

    def record_restored(self, kind_name: str, record_uuid: str) -> None:
        self._load_counts()

    @work(thread=True, exclusive=True, group="home-counts")
    def _load_counts(self) -> None:
        from fazhi_tui.services.checklist_report import summary_counts
        from fazhi_tui.services.evidence import stored_total

        app = self.app
        try:
            counts = app.store.counts()
            # The counts (a few milliseconds) are shown at once, not after the checklist.
            app.call_from_thread(self._show_counts, counts)
            year = app.today.year
            _, results = app.compute_checklist(year)
        except DatabaseError as exc:
            app.call_from_thread(self.notify, app.db_error_text(exc), severity="error", timeout=10)
            return
        app.call_from_thread(self._show_checklist, year, summary_counts(results), stored_total(app.home))

    def _show_checklist(self, year: int, counts: dict[str, int], files: int = 0) -> None:
        from fazhi_tui.services.checklist_report import status_text
        from fazhi_tui.services.evidence import size_text

        line = Text.assemble(
            (f"{year} ", "bold"),
            *(
                part
                for status in ("met", "not_met", "at_risk")
                for part in ((status_text(status), STATUS_STYLES[status]), f" {counts[status]}   ")
            ),
            t("files.total", size=size_text(files)) if files else "",  # the evidence files kept
        )
        self.query_one("#home-checklist", Static).update(line)

    def _show_counts(self, counts: dict[str, int]) -> None:
        if counts == self._counts_shown:
            return  # already on screen (from the first frame): nothing to redraw
        self._counts_shown = counts
        kinds = self.query_one("#kinds", OptionList)
        highlighted = kinds.highlighted
        kinds.set_options(self._options(counts))
        kinds.highlighted = highlighted if highlighted is not None else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.action_open_kind(event.option.id)

