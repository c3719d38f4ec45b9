"""The hub's report for the level above: the matrix, and per rule the evidence, as xlsx,
CSV or JSON.

The xlsx opens in Excel and WPS: Chinese headers, a frozen header row, column widths that
fit the text, statuses written as text ("√ 达标") with a colour as well. Nothing a
township typed is ever written as a formula: text that starts with = + - @ is stored as
text in xlsx and quoted in CSV (spreadsheet injection). No control character from data
reaches any format (base/text.py): a vertical tab pasted from Word would make openpyxl
refuse the whole workbook.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.text import clean_text
from fazhi_tui.services.checklist import Matrix
from fazhi_tui.services.checklist_report import actual_text, legend, status_text, target_text

__all__ = ["REPORT_FORMATS", "write_report", "safe_csv_text"]

REPORT_FORMATS = ("xlsx", "csv", "json")
FILLS = {"met": "C6EFCE", "not_met": "FFC7CE", "at_risk": "FFEB9C", "not_applicable": "EDEDED"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _clean(value: Any) -> Any:
    """Strings (in lists and dicts too) as :func:`clean_text` leaves them, line breaks kept."""
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def safe_csv_text(value: Any) -> Any:
    """A cell value that no spreadsheet will run as a formula. Only our own marks that
    start with "-" ("-", and the status "- 不适用") are left alone: any other text starting
    with "- " may still be one ("- 1+cmd|..." is a formula to Excel), so it is quoted.
    Control characters are removed first."""
    value = _clean(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START) and value not in _own_marks():
        return "'" + value
    return value


def _own_marks() -> set[str]:
    return {"-", *(status_text(status) for status in ("met", "not_met", "at_risk", "not_applicable"))}


def _status(row, index: int) -> str:
    return row.results[index].status if row.results else ""


def _status_label(status: str) -> str:
    return status_text(status) if status else t("matrix.never")


def _matrix_rows(matrix: Matrix) -> list[list[Any]]:
    header = [t("report.col.code"), t("report.col.name"), t("report.col.last")]
    header += [f"{rule.task} {rule.name}" for rule in matrix.rules]
    rows = [header]
    for row in matrix.rows:
        line = [row.code, row.name, (row.last_import or "")[:10]]
        line += [_status_label(_status(row, i)) for i in range(len(matrix.rules))]
        rows.append(line)
    shares = [t("matrix.share"), "", ""]
    for index in range(len(matrix.rules)):
        met, applicable = matrix.share_met(index)
        shares.append(f"{met}/{applicable}（{round(100 * met / applicable)}%）" if applicable else "-")
    rows.append(shares)
    return rows


def _with_files(result, files: dict[str, int]) -> int:
    """How many of a rule's evidence records (those that prove it or fall short) have files."""
    return sum(1 for u in {*result.proving, *result.breaking} if files.get(u))


def _json(matrix: Matrix, hub: dict[str, str], files: dict[str, int]) -> bytes:
    data = {
        "hub": hub,
        "year": matrix.year,
        "date": matrix.on.isoformat(),
        "rules": [{"id": r.id, "task": r.task, "name": r.name} for r in matrix.rules],
        "townships": [
            {
                "code": row.code,
                "name": row.name,
                "last_import": row.last_import,
                "rules": {
                    result.rule.id: {
                        "status": result.status,
                        "actual": result.actual,
                        "target": result.target,
                        "evidence": {
                            "kind": result.evidence_kind,
                            "proving": list(result.proving),
                            "breaking": list(result.breaking),
                            "planned": list(result.planned),
                            "with_files": _with_files(result, files),
                        },
                    }
                    for result in row.results
                },
            }
            for row in matrix.rows
        ],
        # "at risk" is met today, "not applicable" is neither (see legend)
        "share_met": {rule.id: dict(zip(("met", "applicable"), matrix.share_met(i))) for i, rule in enumerate(matrix.rules)},
        "legend": legend(),
    }
    return (json.dumps(_clean(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(matrix: Matrix) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _matrix_rows(matrix):
        writer.writerow([safe_csv_text(v) for v in row])
    writer.writerow([safe_csv_text(legend())])  # how the share row counts
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel and WPS read UTF-8


def _sheet_name(text: str, used: set[str]) -> str:
    name = "".join("_" if c in "[]:*?/\\" else c for c in clean_text(text))[:31] or "_"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}_{n}"
        n += 1
    used.add(name)
    return name


# Excel and WPS read "_x001B_" in a cell's text as the character U+001B: an underscore
# that starts such a pattern is itself written as "_x005F_", so the text reads as typed.
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _put(sheet, row: int, column: int, value: Any):
    value = _clean(value)  # openpyxl refuses a workbook with a control character in it
    if isinstance(value, str):
        value = _EXCEL_ESCAPE.sub("_x005F_", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return cell


def _fit(sheet, rows: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), min(cell_len(str(value)), 60))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width + 2


def _xlsx(matrix: Matrix, labels: dict[str, str], files: dict[str, int]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = t("report.sheet.matrix")
    used = {sheet.title}
    rows = _matrix_rows(matrix)
    bold = Font(bold=True)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = _put(sheet, r, c, value)
            if r == 1 or r == len(rows):
                cell.font = bold
            if r == 1:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(matrix.rows, start=2):
        for i in range(len(matrix.rules)):
            status = _status(row, i)
            if status:
                sheet.cell(row=r, column=4 + i).fill = PatternFill("solid", fgColor=FILLS[status])
    _fit(sheet, [rows[0][:3]] + [r[:3] for r in rows[1:]])
    for i in range(len(matrix.rules)):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(4 + i)].width = 16
    sheet.freeze_panes = "D2"
    _put(sheet, len(rows) + 2, 1, legend())  # how the share row counts, below it after a blank row

    for index, rule in enumerate(matrix.rules):
        ws = book.create_sheet(_sheet_name(f"{rule.id}", used))
        header = [t("report.col.code"), t("report.col.name"), t("report.col.status"), t("report.col.actual"),
                  t("report.col.target"), t("report.col.kind"), t("report.col.evidence"), t("report.col.role"),
                  t("report.col.files")]
        body: list[list[Any]] = [[f"{rule.task} {rule.name}"], [rule.quote], header]
        for row in matrix.rows:
            if not row.results:
                body.append([row.code, row.name, t("matrix.never"), "", "", "", "", "", ""])
                continue
            result = row.results[index]
            common = [row.code, row.name, status_text(result.status), actual_text(result), target_text(result), kind_label(result.evidence_kind)]
            cited = [(u, t("report.role.breaking")) for u in result.breaking] + [(u, t("report.role.proving")) for u in result.proving]
            listed = {u for u, _ in cited}
            cited += [(u, t("report.role.planned")) for u in result.planned if u not in listed]  # not counted
            if not cited:
                body.append([*common, "", "", ""])
            for record_uuid, role in cited:
                body.append([*common, labels.get(record_uuid, record_uuid), role, files.get(record_uuid) or ""])
        for r, values in enumerate(body, start=1):
            for c, value in enumerate(values, start=1):
                cell = _put(ws, r, c, value)
                if r in (1, 3):
                    cell.font = bold
        _fit(ws, body[2:])
        ws.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_report(
    path: Path, fmt: str, matrix: Matrix, hub: dict[str, str], labels: dict[str, str], files: dict[str, int] | None = None
) -> None:
    """Write the report atomically (a half-written spreadsheet never takes the file's place).
    ``files``: record uuid → its number of evidence files (each rule counts its records with files)."""
    files = files or {}
    if fmt == "json":
        data = _json(matrix, hub, files)
    elif fmt == "csv":
        data = _csv(matrix)
    elif fmt == "xlsx":
        data = _xlsx(matrix, labels, files)
    else:
        raise ValueError(fmt)
    atomic_write_bytes(path, data)
