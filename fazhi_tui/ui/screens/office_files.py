"""The home screen's office files: the year's ledger as Excel (l), the annual report draft
as Word (a), both saved in the home's reports folder, and the ledger import screen (i)."""

from __future__ import annotations

from textual.screen import Screen

from fazhi_tui.base.i18n import t
from fazhi_tui.storage.database import DatabaseError

__all__ = ["save_ledger", "save_annual_report", "open_import_sheet"]


def _run(screen: Screen, job) -> None:
    """Run ``job()`` (it returns the line to show) in a worker thread; tell the clerk how it went."""
    app = screen.app

    def work() -> None:
        try:
            line = job()
        except DatabaseError as exc:
            app.call_from_thread(app.notify, app.db_error_text(exc), severity="error", timeout=10)
            return
        except OSError as exc:
            app.call_from_thread(app.notify, t("cli.cannot_write", path=exc.filename or "", reason=exc.strerror or str(exc)), severity="error", timeout=10)
            return
        app.call_from_thread(app.notify, line, timeout=10)

    screen.run_worker(work, thread=True, exclusive=True, group="office-files")


def save_ledger(screen: Screen) -> None:
    """The ledger of this year, saved as reports/台账-<year>.xlsx."""
    from fazhi_tui.services.ledger import ledger_line, write_ledger

    app = screen.app
    year = app.today.year
    path = app.home.reports / t("files.ledger_name", year=year)

    def job() -> str:
        return ledger_line(path, write_ledger(app.store, path, township=app.config.office_name, year=year), year)

    _run(screen, job)


def save_annual_report(screen: Screen) -> None:
    """The annual report draft of this year (facts as of today), saved as reports/法治政府建设报告-<year>.docx."""
    from fazhi_tui.services.annual_report import write_annual_report

    app = screen.app
    year = app.today.year
    path = app.home.reports / t("files.report_name", year=year)
    _run(screen, lambda: write_annual_report(app.home, app.config, app.store, path, year=year, on=app.today))


def open_import_sheet(screen: Screen) -> None:
    from fazhi_tui.ui.screens.import_sheet import ImportSheetScreen

    screen.app.push_screen(ImportSheetScreen())
