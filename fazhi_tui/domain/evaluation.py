"""Checklist evaluation: :func:`evaluate` applies a rule set to the records of one
township for a year, as of a checklist date. Pure: no Textual, no database, no clock (the
checklist date ``on`` is passed in). Tombstoned records (``deleted_at`` set) never count,
neither as members of a rule's population, nor as counted records, nor as links.

Rule types:

``count``
    live records of ``kind`` matching ``where`` and dated in the period ≥ ``min``.
``share``
    percentage of the population (``where``, optionally dated in the period) that meets
    ``require`` / ``require_any`` ≥ ``target``.
``every``
    each member of the population meets ``require`` / ``require_any``, is referenced by a
    live record of ``link.kind`` through ``link.field`` and/or has ``valid_until`` not
    earlier than ``on`` (at risk when it falls within the warning days).
``deadline``
    the record for ``year + year_offset`` has each date of ``deadlines`` on or before
    that month-day of the checklist year.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.rule_file import NON_EMPTY, Condition, Link, Rule, RuleSet

__all__ = ["RuleResult", "evaluate", "STATUSES", "MET", "NOT_MET", "AT_RISK", "NOT_APPLICABLE"]

MET, NOT_MET, AT_RISK, NOT_APPLICABLE = "met", "not_met", "at_risk", "not_applicable"
STATUSES = (MET, NOT_MET, AT_RISK, NOT_APPLICABLE)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class RuleResult:
    """One checklist row.

    ``actual``: count (count), percent rounded to 1 decimal (share), records valid on the
    checklist date (every: at-risk ones included) or deadlines kept (deadline).
    ``proving``: records that count or pass; ``breaking``: records that fail or are at
    risk, of which ``at_risk`` are the ones only at risk. All are uuids of
    ``evidence_kind`` records.
    """

    rule: Rule
    status: str
    actual: int | float
    target: int | float
    unit: str  # count | percent | all | deadline
    total: int
    proving: tuple[str, ...]
    breaking: tuple[str, ...]
    evidence_kind: str
    period: tuple[dt.date, dt.date]
    note: str = ""
    at_risk: tuple[str, ...] = ()


def _refs(value: Any) -> list:
    """A ref or refs value as a list of uuids (tolerates the JSON text of the database)."""
    if not value:
        return []
    if isinstance(value, str):
        if value.startswith("["):
            try:
                return list(json.loads(value))
            except ValueError:
                return []
        return [value]
    return value if isinstance(value, list) else list(value)  # callers only read it


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.isoformat()


class _Context:
    """Everything built once per :func:`evaluate` call: live records, indexes, period."""

    def __init__(self, records: Mapping[str, Sequence[Mapping]], year: int, on: dt.date) -> None:
        self.records = records
        self.year = year
        self.on = on
        self.on_iso = on.isoformat()
        self._live: dict[str, list[Mapping]] = {}
        self._uuids: dict[str, frozenset[str]] = {}
        self._links: dict[tuple, frozenset[str]] = {}

    def live(self, kind: str) -> list[Mapping]:
        rows = self._live.get(kind)
        if rows is None:
            rows = self._live[kind] = [r for r in self.records.get(kind, ()) if r.get("deleted_at") is None]
        return rows

    def live_uuids(self, kind: str) -> frozenset[str] | None:
        """Uuids of live records of ``kind``; None when the caller passed no such records."""
        if kind not in self.records:
            return None
        uuids = self._uuids.get(kind)
        if uuids is None:
            uuids = self._uuids[kind] = frozenset(r["uuid"] for r in self.live(kind))
        return uuids

    def predicate(self, kind: str, condition: Condition) -> Callable[[Mapping], bool]:
        tests: list[Callable[[Mapping], bool]] = []
        for name, value in condition:
            f = KINDS[kind].field(name)
            if value == NON_EMPTY and f.type in ("ref", "refs"):
                tests.append(_non_empty_link(name, self.live_uuids(f.ref)))
            elif value == NON_EMPTY:
                tests.append(_non_empty(name))
            elif isinstance(value, tuple):
                tests.append(lambda r, n=name, v=value: r.get(n) in v)
            else:
                tests.append(lambda r, n=name, v=value: r.get(n) == v)
        if not tests:
            return lambda r: True
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(t(r) for t in tests)

    def linked(self, link: Link, period: tuple[str, str]) -> frozenset[str]:
        """Uuids referenced by live ``link.kind`` records through ``link.field``."""
        key = (link, period if link.in_period else None)
        found = self._links.get(key)
        if found is None:
            keep = self.predicate(link.kind, link.where)
            start, end = period
            targets: set[str] = set()
            for r in self.live(link.kind):
                if not keep(r):
                    continue
                if link.in_period:
                    day = _iso(r.get(link.date_field))
                    if day is None or not start <= day <= end:
                        continue
                targets.update(_refs(r.get(link.field)))
            found = self._links[key] = frozenset(targets)
        return found


def _non_empty(name: str) -> Callable[[Mapping], bool]:
    def test(r: Mapping) -> bool:
        value = r.get(name)
        if value is None:
            return False
        if isinstance(value, str):
            return bool(value.strip())
        if isinstance(value, (list, tuple, set, frozenset, dict)):
            return bool(value)
        return True

    return test


def _non_empty_link(name: str, live: frozenset[str] | None) -> Callable[[Mapping], bool]:
    """A link field is non-empty when it points at a live record (tombstones do not count)."""
    if live is None:  # the referenced kind was not passed in: trust the field
        return lambda r: bool(_refs(r.get(name)))
    return lambda r: any(u in live for u in _refs(r.get(name)))


def _sorted(rows: list[Mapping], date_field: str | None) -> tuple[str, ...]:
    if date_field:
        rows = sorted(rows, key=lambda r: (_iso(r.get(date_field)) or "", r["uuid"]))
    else:
        rows = sorted(rows, key=lambda r: r["uuid"])
    return tuple(r["uuid"] for r in rows)


def _year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _period(rule: Rule, year: int, on: dt.date) -> tuple[dt.date, dt.date]:
    if rule.period == "rolling":
        assert rule.window_days is not None
        return on - dt.timedelta(days=rule.window_days - 1), on
    return _year_period(year)


def evaluate(
    rules: RuleSet,
    records: Mapping[str, Sequence[Mapping]],
    *,
    year: int,
    on: dt.date,
    warning_days: int = 90,
    at_risk_fraction: float = 2 / 3,
) -> list[RuleResult]:
    """One :class:`RuleResult` per enabled rule, in file order.

    ``records`` maps a kind name to its records as stored (tombstones included: they
    are skipped here). ``year`` is the checklist year, ``on`` the checklist date (today).
    """
    ctx = _Context(records, year, on)
    results = []
    for rule in rules.enabled:
        period = _period(rule, year, on)
        if rule.period == "year" and on < period[0]:
            results.append(_not_applicable(rule, period, "year not started"))
            continue
        evaluate_one = _EVALUATORS[rule.type]
        results.append(evaluate_one(rule, ctx, period, warning_days=warning_days, at_risk_fraction=at_risk_fraction))
    return results


def _not_applicable(rule: Rule, period: tuple[dt.date, dt.date], note: str) -> RuleResult:
    unit = {"count": "count", "share": "percent", "every": "all", "deadline": "deadline"}[rule.type]
    target: int | float = {"count": rule.min, "share": rule.target, "deadline": len(rule.deadlines)}.get(rule.type) or 0
    return RuleResult(rule, NOT_APPLICABLE, 0, target, unit, 0, (), (), rule.kind, period, note)


def _population(rule: Rule, ctx: _Context, period: tuple[dt.date, dt.date]) -> list[Mapping]:
    keep = ctx.predicate(rule.kind, rule.where)
    rows = [r for r in ctx.live(rule.kind) if keep(r)]
    if rule.date_field:
        start, end = period[0].isoformat(), period[1].isoformat()
        name = rule.date_field
        rows = [r for r in rows if (d := _iso(r.get(name))) is not None and start <= d <= end]
    return rows


def _requirement(rule: Rule, ctx: _Context) -> Callable[[Mapping], bool]:
    require = ctx.predicate(rule.kind, rule.require)
    if not rule.require_any:
        return require
    alternatives = [ctx.predicate(rule.kind, c) for c in rule.require_any]
    return lambda r: require(r) and any(a(r) for a in alternatives)


def _evaluate_count(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    counted = _population(rule, ctx, period)
    actual = len(counted)
    assert rule.min is not None
    start, end = period
    note = ""
    if actual >= rule.min:
        status = MET
    elif rule.period == "rolling" or ctx.on > end:
        status = NOT_MET
        note = f"last {rule.window_days} days" if rule.period == "rolling" else "year over"
    else:
        passed = ((ctx.on - start).days + 1) / ((end - start).days + 1)
        status = AT_RISK if passed > at_risk_fraction else NOT_MET
        note = f"{passed:.0%} of the year passed"
    return RuleResult(
        rule, status, actual, rule.min, "count", actual, _sorted(counted, rule.date_field), (), rule.kind, period, note
    )


def _evaluate_share(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    population = _population(rule, ctx, period)
    assert rule.target is not None
    if not population:
        return _not_applicable(rule, period, "no records")
    ok = _requirement(rule, ctx)
    passing = [r for r in population if ok(r)]
    failing = [r for r in population if not ok(r)]
    total = len(population)
    met = len(passing) * 100 >= rule.target * total
    percent = len(passing) * 100 / total
    actual = round(percent, 1)
    if not met and actual >= rule.target:  # never show a rounded figure that seems to reach the target
        actual = math.floor(percent * 10) / 10
    return RuleResult(
        rule,
        MET if met else NOT_MET,
        actual,
        rule.target,
        "percent",
        total,
        _sorted(passing, rule.date_field),
        _sorted(failing, rule.date_field),
        rule.kind,
        period,
        f"{len(passing)}/{total}",
    )


def _evaluate_every(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    population = _population(rule, ctx, period)
    if not population:
        return _not_applicable(rule, period, "no records")
    ok = _requirement(rule, ctx) if (rule.require or rule.require_any) else None
    linked = ctx.linked(rule.link, (period[0].isoformat(), period[1].isoformat())) if rule.link else None
    risk_from = (ctx.on + dt.timedelta(days=warning_days)).isoformat()
    passing, failing, risky = [], [], []
    for r in population:
        if ok is not None and not ok(r):
            failing.append(r)
            continue
        if linked is not None and r["uuid"] not in linked:
            failing.append(r)
            continue
        if rule.valid_until:
            until = _iso(r.get(rule.valid_until))
            if until is None or until < ctx.on_iso:
                failing.append(r)
                continue
            if until < risk_from:
                risky.append(r)
                continue
        passing.append(r)
    order = rule.date_field or rule.valid_until
    if failing:
        status = NOT_MET
    elif risky:
        status = AT_RISK
    else:
        status = MET
    notes = []
    if failing:
        notes.append(f"{len(failing)} failing")
    if risky:
        notes.append(f"{len(risky)} expiring within {warning_days} days")
    total = len(population)
    return RuleResult(
        rule,
        status,
        len(passing) + len(risky),
        total,
        "all",
        total,
        _sorted(passing, order),
        _sorted(failing + risky, order),
        rule.kind,
        period,
        ", ".join(notes),
        _sorted(risky, order),
    )


def _check_deadlines(rule: Rule, ctx: _Context, record: Mapping | None) -> tuple[str, int, list[str]]:
    """Status, number of deadlines kept and notes for one report (None: there is none)."""
    status, kept, notes = MET, 0, []
    for name, month_day in rule.deadlines:
        due = dt.date(ctx.year, int(month_day[:2]), int(month_day[3:])).isoformat()
        day = _iso(record.get(name)) if record is not None else None
        if day is not None and day <= due:
            kept += 1
        elif day is not None:
            status = NOT_MET
            notes.append(f"{name} {day} after {due}")
        elif ctx.on_iso <= due:  # not yet late: the day itself is still in time
            status = NOT_MET if status == NOT_MET else AT_RISK
            notes.append(f"{name} missing, due {due}")
        else:
            status = NOT_MET
            notes.append(f"{name} missing, was due {due}")
    return status, kept, notes


def _evaluate_deadline(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    report_year = ctx.year + rule.year_offset
    keep = ctx.predicate(rule.kind, rule.where)
    candidates = sorted(
        (r for r in ctx.live(rule.kind) if r.get(rule.year_field) == report_year and keep(r)), key=lambda r: r["uuid"]
    )
    rank = {MET: 0, AT_RISK: 1, NOT_MET: 2}
    record: Mapping | None = None
    status, kept, notes = _check_deadlines(rule, ctx, None)
    notes.insert(0, f"no {rule.kind} for {report_year}")
    for candidate in candidates:  # normally one: the year is unique among live reports
        outcome = _check_deadlines(rule, ctx, candidate)
        if record is None or (rank[outcome[0]], -outcome[1]) < (rank[status], -kept):
            record, (status, kept, notes) = candidate, outcome
    uuids = (record["uuid"],) if record is not None else ()
    return RuleResult(
        rule,
        status,
        kept,
        len(rule.deadlines),
        "deadline",
        len(rule.deadlines),
        uuids if status == MET else (),
        uuids if status != MET else (),
        rule.kind,
        period,
        "; ".join(notes),
        uuids if status == AT_RISK else (),
    )


_EVALUATORS = {
    "count": _evaluate_count,
    "share": _evaluate_share,
    "every": _evaluate_every,
    "deadline": _evaluate_deadline,
}
