"""The township's ledger of a year (台账) as one Excel workbook, ready to print and file.

One sheet per record kind (every kind in :data:`fazhi_tui.domain.kinds.KINDS`, so a new
kind comes for free), the field labels as headers, choice labels rather than codes, yes/no
in words, linked records by name, dates as real dates. Each sheet is set up for printing:
landscape, the header row repeated on every page, fitted to the page width, the
township's name, the year and the kind in the page header and page numbers in the footer.

Which records are "of the year": a kind dated by ``held_by`` — those dated in the year
(a year field: that year), and those left undated where the date is optional (they belong
to no one year, so every year's ledger lists them); a kind of person (``tenure``) — those in post at any time in
the year; a kind with an integer ``year`` field — that year; any other kind — all live
records. Written with openpyxl; never a home-made writer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.i18n import choice_label, field_label, kind_label, t
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.kinds import KINDS, Kind
from fazhi_tui.storage.store import Store

__all__ = ["LedgerSheet", "records_of_year", "ledger_sheets", "cell_value", "ledger_workbook", "write_ledger", "ledger_line"]

DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class LedgerSheet:
    kind: Kind
    headers: list[str]
    rows: list[list[Any]]


def _in_year(kind: Kind, record: dict[str, Any], year: int) -> bool:
    first, last = f"{year}-01-01", f"{year}-12-31"
    if kind.held_by:
        value = record.get(kind.held_by)
        if value in (None, "") and not kind.field(kind.held_by).required:
            return True  # undated: listed every year rather than never
        if kind.field(kind.held_by).type == "int":
            return value == year
        return bool(value) and first <= str(value) <= last
    if kind.tenure:
        start = record.get(kind.tenure.start) or ""
        if start and start > last:
            return False
        if record.get(kind.tenure.current):
            return True
        end = record.get(kind.tenure.end) or ""
        return bool(end) and end >= first
    if "year" in kind.columns and kind.field("year").type == "int":
        return record.get("year") == year
    return True


def records_of_year(store: Store, kind: Kind, year: int) -> list[dict[str, Any]]:
    """The live records of ``kind`` that belong in the ledger of ``year``, in list order."""
    return [r for r in store.all_live(kind) if _in_year(kind, r, year)]


def cell_value(kind: Kind, name: str, value: Any, labels: dict[str, dict[str, str]]) -> Any:
    """A stored value as a ledger cell: a date as a date, a choice by its label, a yes/no
    in words, linked records by their names, text clean."""
    f = kind.field(name)
    if value is None or value == "":
        return None
    if f.type == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return clean_text(str(value))
    if f.type == "choice":
        return choice_label(f.choices, value)
    if f.type == "bool":
        return t("bool.yes") if value else t("bool.no")
    if f.type == "ref":
        return labels.get(f.ref, {}).get(value, value)
    if f.type == "refs":
        return "、".join(labels.get(f.ref, {}).get(u, u) for u in value) or None
    if f.type in ("int", "float"):
        return value
    return clean_text(str(value), multiline=f.type == "longtext")


def ledger_sheets(store: Store, year: int, kinds: Iterable[Kind] | None = None) -> list[LedgerSheet]:
    """Every kind's records of ``year`` as rows of cells (headers: the field labels)."""
    out = []
    for kind in kinds or KINDS.values():
        records = records_of_year(store, kind, year)
        labels: dict[str, dict[str, str]] = {}
        for f in kind.fields:
            if f.type in ("ref", "refs") and f.ref not in labels:
                wanted = sorted({u for r in records for u in ([r[f.name]] if f.type == "ref" else r[f.name] or []) if u})
                labels[f.ref] = store.labels(KINDS[f.ref], wanted)
        headers = [field_label(kind.name, f.name) for f in kind.fields]
        rows = [[cell_value(kind, f.name, r.get(f.name), labels) for f in kind.fields] for r in records]
        out.append(LedgerSheet(kind, headers, rows))
    return out


def _width(value: Any) -> int:
    from rich.cells import cell_len

    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((cell_len(line) for line in str(value).splitlines()), default=0)


def ledger_workbook(sheets: list[LedgerSheet], *, township: str, year: int) -> bytes:
    """The workbook's bytes: one print-ready sheet per kind."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    township = clean_text(township)
    for sheet in sheets:
        title = kind_label(sheet.kind.name)
        ws = book.create_sheet(title=title[:31].replace("/", "-"))
        ws.append(sheet.headers)
        for row in sheet.rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for index, f in enumerate(sheet.kind.fields, start=1):
            letter = get_column_letter(index)
            widest = max([_width(sheet.headers[index - 1])] + [_width(row[index - 1]) for row in sheet.rows[:500]])
            ws.column_dimensions[letter].width = min(max(widest + 2, 6), 50)
            for cell in ws[letter][1:]:
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=f.type == "longtext")
                if f.type == "date" and isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
        ws.freeze_panes = "A2"
        # print setup: landscape, fitted to the width, the header row on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:1"
        ws.print_options.horizontalCentered = True
        ws.oddHeader.center.text = t("ledger.page_header", township=township, year=year, kind=title).replace("&", "&&")
        ws.oddFooter.center.text = t("ledger.page_footer")
        ws.evenHeader.center.text = ws.oddHeader.center.text
        ws.evenFooter.center.text = ws.oddFooter.center.text
    if not book.worksheets:
        book.create_sheet(title=t("ledger.empty"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_ledger(store: Store, path: Path, *, township: str, year: int) -> list[LedgerSheet]:
    """Write the ledger of ``year`` to ``path`` (atomically); the sheets written."""
    sheets = ledger_sheets(store, year)
    atomic_write_bytes(Path(path), ledger_workbook(sheets, township=township, year=year))
    return sheets


def ledger_line(path: Path, sheets: list[LedgerSheet], year: int) -> str:
    counts = "、".join(f"{kind_label(s.kind.name)} {len(s.rows)}" for s in sheets)
    return t("ledger.written", path=str(path), year=year, counts=counts)
