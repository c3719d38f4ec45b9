"""How checklist results read: one set of words for the screen, the command line and the
printed report, so they always agree.

Formats: ``table`` (aligned text for a terminal), ``json`` (every rule's task, status,
actual, target and evidence ids), ``csv`` (one row per rule), ``markdown`` and ``text``
(a report a clerk can print or paste into the annual report, T7).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from fazhi_tui.base.i18n import get_language, kind_label, t
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleResult

__all__ = [
    "FORMATS",
    "evidence_sections",
    "ReportHeader",
    "status_mark",
    "status_text",
    "target_text",
    "actual_text",
    "rule_name",
    "rule_title",
    "rule_quote",
    "summary_counts",
    "met_today",
    "legend",
    "render",
]

FORMATS = ("table", "json", "csv", "markdown", "text")
# Marks that read without colour and exist in GBK (old Chinese Windows consoles).
MARKS = {"met": "√", "not_met": "×", "at_risk": "!", "not_applicable": "-"}


@dataclass(frozen=True)
class ReportHeader:
    township_code: str
    township_name: str
    year: int
    on: dt.date
    rules_source: str = "builtin"


def evidence_sections(r: RuleResult) -> list[tuple[str, Sequence[str], str]]:
    """(i18n key of the heading, record uuids, their kind) of each non-empty list of a
    result's evidence, in the order every report gives them: what falls short, what proves,
    what is planned, the planned records it links to."""
    sections = [
        ("report.breaking", r.breaking, r.evidence_kind),
        ("report.proving", r.proving, r.evidence_kind),
        ("report.planned", r.planned, r.evidence_kind),
        ("report.planned_links", r.planned_links, r.link_kind),
    ]
    return [(key, ids, kind) for key, ids, kind in sections if ids and kind is not None]

def status_mark(status: str) -> str:
    return MARKS[status]


def status_text(status: str) -> str:
    return f"{MARKS[status]} {t(f'status.{status}')}"


def rule_title(rule) -> str:
    """A rule's name in the chosen language, as one clean line: names come from a county's
    rules.toml, which may hold anything (base/text.py)."""
    return clean_text(rule.name_en if get_language() == "en" and rule.name_en else rule.name)


def rule_quote(rule) -> str:
    """The plan's words a rule quotes, clean (line breaks kept)."""
    return clean_text(rule.quote, multiline=True)


def rule_name(result: RuleResult) -> str:
    return rule_title(result.rule)


def target_text(result: RuleResult) -> str:
    if result.unit == "count":
        return t("target.count", n=result.target)
    if result.unit == "percent":
        return t("target.percent", n=_number(result.target))
    if result.unit == "all":
        return t("target.all")
    return t("target.deadline", n=result.target)


def actual_text(result: RuleResult) -> str:
    """The figure, held records only, with the planned ones beside it ("3 + 1 planned")."""
    held = _held_text(result)
    return t("actual.planned", actual=held, n=len(result.planned)) if result.planned else held


def _held_text(result: RuleResult) -> str:
    if result.status == "not_applicable" and not result.total and result.unit != "count":
        return t("actual.none")
    if result.unit == "count":
        return t("actual.count", n=result.actual)
    if result.unit == "percent":
        passed = len(result.proving)
        return t("actual.percent", n=_number(result.actual), passed=passed, total=result.total)
    if result.unit == "all":
        return t("actual.all", passed=result.actual, total=result.total)
    return t("actual.deadline", n=result.actual, total=result.target)


def _number(value: float | int) -> str:
    return f"{value:g}"


def summary_counts(results: Sequence[RuleResult]) -> dict[str, int]:
    counts = {status: 0 for status in MARKS}
    for result in results:
        counts[result.status] += 1
    return counts


def met_today(results: Sequence[RuleResult]) -> tuple[int, int]:
    """(rules met today, rules that apply): met, or at risk only because something valid
    today lapses soon (RuleResult.met_today); "not applicable" is neither."""
    applicable = [r for r in results if r.status != "not_applicable"]
    return sum(r.met_today for r in applicable), len(applicable)


def legend() -> str:
    """What the marks mean and how the share counts them, for every printed form."""
    return t("report.legend")


def _met_today_text(results: Sequence[RuleResult]) -> str:
    n, applicable = met_today(results)
    return t("report.met_today", n=n, applicable=applicable)


# -- formats ----------------------------------------------------------------------------------


def render(
    fmt: str,
    results: Sequence[RuleResult],
    header: ReportHeader,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The checklist in format ``fmt``. ``labels`` (uuid → short name) is used by the
    printed report to name each piece of evidence."""
    # Nothing from data (township name, rule names and quotes, record labels) may carry a
    # control character into the file or the terminal (base/text.py): cleaned as it goes in,
    # and the text formats once more as a whole.
    header = dataclasses.replace(header, township_name=clean_text(header.township_name))
    labels = {uuid: clean_text(label) for uuid, label in (labels or {}).items()}
    if fmt == "json":
        return _json(results, header)
    if fmt == "csv":
        return _csv(results)
    if fmt == "table":
        return clean_text(_table(results, header), multiline=True)
    if fmt in ("markdown", "text"):
        return clean_text(_report(results, header, labels, markdown=fmt == "markdown"), multiline=True)
    raise ValueError(fmt)


def _json(results: Sequence[RuleResult], header: ReportHeader) -> str:
    data = {
        "township": {"code": header.township_code, "name": header.township_name},
        "year": header.year,
        "date": header.on.isoformat(),
        "rules_source": header.rules_source,
        "summary": summary_counts(results),
        # met, or at risk only by a lapsing certificate; "not applicable" is neither met nor counted
        "met_today": dict(zip(("met", "applicable"), met_today(results))),
        "legend": legend(),
        "rules": [
            {
                "id": r.rule.id,
                "task": r.rule.task,
                "name": clean_text(r.rule.name),
                "name_en": clean_text(r.rule.name_en),
                "type": r.rule.type,
                "status": r.status,
                "met_today": r.met_today,
                "actual": r.actual,
                "target": r.target,
                "unit": r.unit,
                "total": r.total,
                "period": [r.period[0].isoformat(), r.period[1].isoformat()],
                "evidence": {
                    "kind": r.evidence_kind,
                    "proving": list(r.proving),
                    "breaking": list(r.breaking),
                    "at_risk": list(r.at_risk),
                    "planned": list(r.planned),
                    "planned_links": {"kind": r.link_kind, "records": list(r.planned_links)} if r.planned_links else None,
                },
            }
            for r in results
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _csv(results: Sequence[RuleResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([t("head.task"), "id", t("head.rule"), t("head.target"), t("head.actual"), t("head.status"), "status"])
    for r in results:
        writer.writerow([r.rule.task, r.rule.id, rule_name(r), target_text(r), actual_text(r), status_text(r.status), r.status])
    return buffer.getvalue()


TABLE_WIDTHS = (6, 34, 10, 16, 10)


def _table(results: Sequence[RuleResult], header: ReportHeader) -> str:
    lines = [t("report.title", name=header.township_name, code=header.township_code, year=header.year)]
    lines.append(t("report.as_of", date=header.on.isoformat()))
    heads = (t("head.task"), t("head.rule"), t("head.target"), t("head.actual"), t("head.status"))
    lines.append("  ".join(set_cell_size(h, w) for h, w in zip(heads, TABLE_WIDTHS)).rstrip())
    lines.append("  ".join("-" * w for w in TABLE_WIDTHS))
    for r in results:
        cells = (r.rule.task, rule_name(r), target_text(r), actual_text(r), status_text(r.status))
        lines.append("  ".join(set_cell_size(c, w) for c, w in zip(cells, TABLE_WIDTHS)).rstrip())
    counts = summary_counts(results)
    lines.append(t("report.summary", **counts))
    lines.append(_met_today_text(results))
    lines.append(legend())
    return "\n".join(lines) + "\n"


def _report(results: Sequence[RuleResult], header: ReportHeader, labels: Mapping[str, str], markdown: bool) -> str:
    counts = summary_counts(results)
    title = t("report.title", name=header.township_name, code=header.township_code, year=header.year)
    out: list[str] = []
    if markdown:
        out += [f"# {title}", "", t("report.as_of", date=header.on.isoformat()), "", t("report.summary", **counts), ""]
        out += [_met_today_text(results), "", _md(legend()), ""]
        out += [
            f"| {t('head.task')} | {t('head.rule')} | {t('head.target')} | {t('head.actual')} | {t('head.status')} |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in results:
            out.append(f"| {r.rule.task} | {_md(rule_name(r))} | {_md(target_text(r))} | {_md(actual_text(r))} | {status_text(r.status)} |")
        out.append("")
    else:
        out += [title, "=" * cell_len(title), t("report.as_of", date=header.on.isoformat()), t("report.summary", **counts)]
        out += [_met_today_text(results), legend(), ""]
    for r in results:
        heading = f"{r.rule.task} {rule_name(r)}: {status_text(r.status)}"
        out += [f"## {_md(heading)}" if markdown else heading, ""]
        if r.rule.quote:
            quote = rule_quote(r.rule)
            out += [(f"> {_md(quote)}" if markdown else f"  “{quote}”"), ""]
        out.append(t("report.figures", target=target_text(r), actual=actual_text(r)))
        for title_key, ids, kind in evidence_sections(r):
            out += ["", t(title_key, kind=kind_label(kind), count=len(ids))]
            for record_uuid in ids:
                label = labels.get(record_uuid, record_uuid)
                risk = t("report.at_risk_mark") if record_uuid in r.at_risk else ""
                out.append(f"- {_md(label) if markdown else label}{risk}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Escape the characters that would break a Markdown table cell or start markup."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
