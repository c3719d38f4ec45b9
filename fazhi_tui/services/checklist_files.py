"""The checklist report as the files offices print: Excel (``xlsx``) and Word (``docx``),
beside the text formats of :mod:`fazhi_tui.services.checklist_report` and with the same
words (one verdict per rule, then the evidence per rule: the records that fall short,
prove it, or are only planned). Written with openpyxl and python-docx."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Mapping, Sequence

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleResult
from fazhi_tui.services.checklist_report import (
    ReportHeader,
    actual_text,
    evidence_sections,
    legend,
    met_today,
    rule_name,
    rule_quote,
    status_text,
    summary_counts,
    target_text,
)

__all__ = ["BINARY_FORMATS", "render_binary", "evidence_rows"]

BINARY_FORMATS = ("xlsx", "docx")


def evidence_rows(results: Sequence[RuleResult], labels: Mapping[str, str]) -> Iterator[list[str]]:
    """[task, rule, what (falls short / proves / planned), kind, record] per piece of evidence."""
    for r in results:
        for key, ids, kind in evidence_sections(r):
            what = t(f"{key}.short")
            for record_uuid in ids:
                label = clean_text(labels.get(record_uuid, record_uuid))
                risk = t("report.at_risk_mark") if record_uuid in r.at_risk else ""
                yield [r.rule.task, rule_name(r), what, kind_label(kind), label + risk]


def _summary_lines(results: Sequence[RuleResult], header: ReportHeader) -> list[str]:
    counts = summary_counts(results)
    n, applicable = met_today(results)
    return [t("report.as_of", date=header.on.isoformat()), t("report.summary", **counts), t("report.met_today", n=n, applicable=applicable), legend()]


def _matrix(results: Sequence[RuleResult]) -> list[list[str]]:
    return [[r.rule.task, rule_name(r), target_text(r), actual_text(r), status_text(r.status)] for r in results]


def _heads() -> list[str]:
    return [t("head.task"), t("head.rule"), t("head.target"), t("head.actual"), t("head.status")]


def _evidence_heads() -> list[str]:
    return [t("head.task"), t("head.rule"), t("checklist_file.what"), t("checklist_file.kind"), t("checklist_file.record")]


def _xlsx(results: Sequence[RuleResult], header: ReportHeader, labels: Mapping[str, str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    title = t("report.title", name=header.township_name, code=header.township_code, year=header.year)
    book = Workbook()
    ws = book.active
    ws.title = t("checklist_file.sheet_rules")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in _summary_lines(results, header):
        ws.append([line])
    ws.append([])
    head_row = ws.max_row + 1
    ws.append(_heads())
    for row in _matrix(results):
        ws.append(row)
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    evidence = book.create_sheet(t("checklist_file.sheet_evidence"))
    evidence.append(_evidence_heads())
    for row in evidence_rows(results, labels):
        evidence.append(row)
    for cell in evidence[1]:
        cell.font = Font(bold=True)
    for sheet, widths, title_rows in ((ws, (8, 40, 14, 24, 12), f"{head_row}:{head_row}"), (evidence, (8, 40, 12, 14, 50), "1:1")):
        for letter, width in zip("ABCDE", widths):
            sheet.column_dimensions[letter].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = title_rows
        sheet.oddHeader.center.text = title.replace("&", "&&")
        sheet.oddFooter.center.text = t("ledger.page_footer")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(results: Sequence[RuleResult], header: ReportHeader, labels: Mapping[str, str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(t("report.title", name=header.township_name, code=header.township_code, year=header.year), level=1)
    for line in _summary_lines(results, header):
        document.add_paragraph(line)
    grid = document.add_table(rows=1, cols=5)
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, _heads()):
        cell.text = text
    for row in _matrix(results):
        for cell, text in zip(grid.add_row().cells, row):
            cell.text = text
    for r in results:
        document.add_heading(f"{r.rule.task} {rule_name(r)}：{status_text(r.status)}", level=2)
        if r.rule.quote:
            document.add_paragraph(rule_quote(r.rule), style="Quote")
        document.add_paragraph(t("report.figures", target=target_text(r), actual=actual_text(r)))
        for row in evidence_rows([r], labels):
            document.add_paragraph(f"{row[2]}（{row[3]}）：{row[4]}", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_binary(fmt: str, results: Sequence[RuleResult], header: ReportHeader, labels: Mapping[str, str] | None = None) -> bytes:
    """The checklist report as an Excel workbook (``xlsx``: a sheet of verdicts and a sheet
    of evidence) or a Word document (``docx``)."""
    header = dataclasses.replace(header, township_name=clean_text(header.township_name))
    labels = {uuid: clean_text(label) for uuid, label in (labels or {}).items()}
    if fmt == "xlsx":
        return _xlsx(results, header, labels)
    if fmt == "docx":
        return _docx(results, header, labels)
    raise ValueError(fmt)
