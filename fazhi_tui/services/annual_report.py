"""The draft of a township's yearly rule-of-law report (T7, 法治政府建设年度报告) as a Word file.

The usual sections of such a report, filled with the year's facts the records hold —
meetings held and their dates (deployment meetings, study sessions, lectures, government
meetings the judicial office head attended), staff and their enforcement certificates,
delegated items taken on, trainings, court hearings attended, service items, and the
checklist's verdict per rule — with clearly marked places, 【待填写：…】, for what only
people can write (the assessment, the shortcomings, next year's plans).

Counts of every other record kind are listed too, so a kind added later shows up without
a change here. Written with python-docx; never a home-made writer.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.i18n import choice_label, kind_label, t
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleResult
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import load_active_rules, run_checklist
from fazhi_tui.services.checklist_report import actual_text, rule_name, status_text, target_text
from fazhi_tui.services.ledger import records_of_year
from fazhi_tui.storage.store import Store

__all__ = ["PLACEHOLDER", "ReportFacts", "gather_facts", "annual_report_docx", "write_annual_report", "placeholder"]

PLACEHOLDER = "【待填写：{what}】"
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def placeholder(what: str) -> str:
    """A marked place for people to write in (always in Chinese brackets, easy to search for)."""
    return t("annual.placeholder", what=what)


@dataclass
class ReportFacts:
    township: str
    year: int
    on: dt.date
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # kind → records of the year
    staff_labels: dict[str, str] = field(default_factory=dict)
    results: list[RuleResult] = field(default_factory=list)


def gather_facts(home: Home, config: Config, store: Store, *, year: int, on: dt.date) -> ReportFacts:
    facts = ReportFacts(clean_text(config.township_name), year, on)
    for name, kind in KINDS.items():
        facts.records[name] = records_of_year(store, kind, year)
    facts.staff_labels = dict((uuid, label) for label, uuid in store.options(KINDS["staff"]))
    active = load_active_rules(home)
    facts.results = run_checklist(store, active.ruleset, config, year=year, on=on)
    return facts


def _cn_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return clean_text(str(value))
    return t("annual.date", y=day.year, m=day.month, d=day.day)


def _meetings(facts: ReportFacts, *kinds: str) -> list[dict[str, Any]]:
    return sorted((m for m in facts.records.get("meeting", []) if m.get("kind") in kinds), key=lambda m: m.get("date") or "")


def _listing(meetings: Sequence[dict[str, Any]]) -> str:
    """"：<date>“<title>”；…。" after a count, or "。" when there is none."""
    if not meetings:
        return t("annual.end")
    return t("annual.colon") + t("annual.sep").join(t("annual.held", date=_cn_date(m.get("date")), title=m.get("title") or "") for m in meetings) + t("annual.end")


def _cert_valid(person: dict[str, Any], day: dt.date) -> bool:
    expiry = person.get("cert_expiry")
    return bool(person.get("cert_no")) and bool(expiry) and str(expiry) >= day.isoformat()


def annual_report_docx(facts: ReportFacts) -> bytes:
    """The draft's bytes (.docx)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def para(text: str, *, size: float = 16, bold: bool = False, name: str = BODY_FONT, center: bool = False, indent: bool = True):
        paragraph = document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        font(paragraph.add_run(clean_text(text, multiline=True)), name, size, bold)
        return paragraph

    def heading(text: str) -> None:
        para(text, name=HEADING_FONT, indent=True)

    def subheading(text: str) -> None:
        para(text, name="楷体", bold=True)

    def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            return
        grid = document.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, headers):
            cell.text = ""
            font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5)
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = ""
                font(cell.paragraphs[0].add_run(clean_text(str(text), multiline=True)), BODY_FONT, 10.5)

    year, township = facts.year, facts.township
    para(t("annual.title", township=township, year=year), size=22, name=TITLE_FONT, center=True)
    para(t("annual.draft_note", on=facts.on.isoformat()), size=12, center=True)
    para(t("annual.opening", year=year, township=township) + placeholder(t("annual.ph.opening")))

    # 一、主要举措和成效
    heading(t("annual.h1", year=year))

    subheading(t("annual.h1.lead"))
    deploy = _meetings(facts, "deploy")
    study = _meetings(facts, "study")
    para(t("annual.deploy", n=len(deploy)) + _listing(deploy))
    para(t("annual.study", n=len(study)) + _listing(study))
    para(placeholder(t("annual.ph.lead")))

    subheading(t("annual.h1.decisions"))
    admin = _meetings(facts, "admin")
    attended = [m for m in admin if m.get("head_attendance") == "full"]
    para(t("annual.admin", n=len(admin), full=len(attended)))
    table(
        [t("annual.col.date"), t("annual.col.title"), t("annual.col.minutes"), t("annual.col.attendance")],
        [[m.get("date") or "", m.get("title") or "", m.get("minutes_no") or "", choice_label("attendance", m.get("head_attendance"))] for m in admin],
    )
    para(placeholder(t("annual.ph.decisions")))

    subheading(t("annual.h1.duties"))
    items = [i for i in facts.records.get("delegated_item", []) if i.get("status") in ("taking", "taken")]
    para(t("annual.items", n=len(items), taken=sum(1 for i in items if i.get("status") == "taken")))
    table(
        [t("annual.col.code"), t("annual.col.item"), t("annual.col.power_type"), t("annual.col.delegated_on"), t("annual.col.status")],
        [[i.get("code") or "", i.get("name") or "", choice_label("power_type", i.get("power_type")), i.get("delegated_on") or "",
          choice_label("item_status", i.get("status"))] for i in items],
    )
    services = facts.records.get("service_item", [])
    if services:
        para(t("annual.services", n=len(services), guides=sum(1 for s in services if s.get("guide_published"))))
    para(placeholder(t("annual.ph.duties")))

    subheading(t("annual.h1.enforcement"))
    staff = facts.records.get("staff", [])
    year_end = min(dt.date(year, 12, 31), facts.on)
    certified = [s for s in staff if _cert_valid(s, year_end)]
    law = [s for s in staff if s.get("background") in ("law_degree", "law_work")]
    para(t("annual.staff", n=len(staff), law=len(law), certified=len(certified), enforcement=sum(1 for s in staff if s.get("enforcement"))))
    table(
        [t("annual.col.name"), t("annual.col.post"), t("annual.col.cert_no"), t("annual.col.cert_expiry")],
        [[s.get("name") or "", s.get("post") or "", s.get("cert_no") or "", s.get("cert_expiry") or ""] for s in certified],
    )
    trainings = sorted(facts.records.get("training", []), key=lambda r: r.get("date") or "")
    hours = sum(float(r.get("hours") or 0) for r in trainings)
    para(t("annual.trainings", n=len(trainings), hours=f"{hours:g}"))
    table(
        [t("annual.col.date"), t("annual.col.title"), t("annual.col.department"), t("annual.col.form"), t("annual.col.hours")],
        [[r.get("date") or "", r.get("title") or "", r.get("department") or "", choice_label("training_form", r.get("form")),
          f"{float(r.get('hours') or 0):g}"] for r in trainings],
    )
    para(placeholder(t("annual.ph.enforcement")))

    subheading(t("annual.h1.publicity"))
    lectures = _meetings(facts, "lecture", "forum")
    para(t("annual.lectures", n=len(lectures)) + _listing(lectures))
    hearings = sorted(facts.records.get("hearing", []), key=lambda r: r.get("date") or "")
    para(t("annual.hearings", n=len(hearings), people=len({h.get("staff_uuid") for h in hearings})))
    table(
        [t("annual.col.date"), t("annual.col.person"), t("annual.col.court"), t("annual.col.case")],
        [[h.get("date") or "", facts.staff_labels.get(h.get("staff_uuid") or "", ""), h.get("court") or "", h.get("case_name") or ""] for h in hearings],
    )
    para(placeholder(t("annual.ph.publicity")))

    # 二、第一责任人
    heading(t("annual.h2"))
    para(placeholder(t("annual.ph.first_duty")))

    # 三、对照检查
    heading(t("annual.h3", year=year))
    counts = {status: sum(1 for r in facts.results if r.status == status) for status in ("met", "at_risk", "not_met", "not_applicable")}
    para(t("annual.checklist", on=facts.on.isoformat(), **counts))
    table(
        [t("annual.col.task"), t("annual.col.rule"), t("annual.col.verdict"), t("annual.col.actual"), t("annual.col.target")],
        [[r.rule.task, rule_name(r), status_text(r.status), actual_text(r), target_text(r)] for r in facts.results],
    )

    # 四、不足  五、下一年
    heading(t("annual.h4"))
    not_met = [rule_name(r) for r in facts.results if r.status == "not_met"]
    if not_met:
        para(t("annual.not_met", rules="；".join(not_met)))
    para(placeholder(t("annual.ph.shortcomings")))
    heading(t("annual.h5", next=year + 1))
    para(placeholder(t("annual.ph.plans", next=year + 1)))

    # 附：本年各类记录
    heading(t("annual.appendix"))
    table([t("annual.col.kind"), t("annual.col.count")], [[kind_label(name), str(len(records))] for name, records in facts.records.items()])
    para("")
    para(t("annual.signature", township=township), indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para(placeholder(t("annual.ph.date")), indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_annual_report(home: Home, config: Config, store: Store, path: Path, *, year: int, on: dt.date) -> str:
    """Write the draft of ``year``'s report (the facts as of ``on``) to ``path``, atomically;
    the line saying so."""
    facts = gather_facts(home, config, store, year=year, on=on)
    atomic_write_bytes(Path(path), annual_report_docx(facts))
    return t("annual.written", path=str(path), year=year)
