"""Checklist evaluation: :func:`evaluate` applies a rule set to the records of one
township for a year, as of a checklist date. Pure: no Textual, no database, no clock (the
checklist date ``on`` is passed in). Tombstoned records (``deleted_at`` set) never count,
neither as members of a rule's population, nor as counted records, nor as links.

Held and planned: a record dated (by its kind's ``held_by`` field, or the rule's
``date_field``) after the checklist day is *planned*: no rule counts it, the result lists it
apart, and a rule its planned records would meet is at risk, never met. The checklist day
is ``on``, or the last day of the period when that is earlier (a past year's checklist
never looks at records dated after that year).

People: a kind with a ``tenure`` (staff) takes part in a rule only for the people in post
during the period up to the checklist day; one who starts after it is planned. A link
``"!empty"`` to such a kind counts only people in post on the checklist day.

Rule types:

``count``
    live records of ``kind`` matching ``where`` and dated in the period ≥ ``min``.
``share``
    percentage of the population (``where``, optionally dated in the period) that meets
    ``require`` / ``require_any`` / ``sequence`` ≥ ``target``.

``sequence`` (share, every): date fields that must all be filled, each on or before the
next, the last on or before the checklist day (a reply dated after it is not given yet):
reviewed before the decision (T26), closed or replied after receipt (T30, T39).
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

from fazhi_tui.domain.kinds import KINDS, Kind, Tenure
from fazhi_tui.domain.rule_file import NON_EMPTY, Condition, Link, Rule, RuleSet

__all__ = ["RuleResult", "evaluate", "held_until", "held_day", "in_post", "STATUSES", "MET", "NOT_MET", "AT_RISK", "NOT_APPLICABLE"]

MET, NOT_MET, AT_RISK, NOT_APPLICABLE = "met", "not_met", "at_risk", "not_applicable"
STATUSES = (MET, NOT_MET, AT_RISK, NOT_APPLICABLE)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class RuleResult:
    """One checklist row.

    ``actual``: count (count), percent rounded to 1 decimal (share), records valid on the
    checklist date (every: at-risk ones included) or deadlines kept (deadline); held
    records only.
    ``proving``: records that count or pass; ``breaking``: records that fail or are at
    risk, of which ``at_risk`` are the ones only at risk. All are uuids of
    ``evidence_kind`` records. ``planned``: ``evidence_kind`` records dated after the
    checklist day (count, share, every), or, for a linked every rule, the members that
    only a planned linking record would satisfy; ``planned_links``: those linking
    records, of ``link_kind``.
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
    planned: tuple[str, ...] = ()
    planned_links: tuple[str, ...] = ()
    link_kind: str | None = None
    lapsing: bool = False  # at risk only because what is valid today lapses soon

    @property
    def met_today(self) -> bool:
        """Met on the checklist day by what has happened: met, or at risk only because a
        certificate valid today lapses soon. A count still short late in the year, a rule
        that only planned records would meet, an item still being taken on, a report not
        yet sent before its deadline: at risk, but not met today."""
        return self.status == MET or (self.status == AT_RISK and self.lapsing)


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


def held_day(kind: Kind, record: Mapping) -> str | None:
    """The ISO day ``record`` says it happened on (its ``held_by`` field; a year reads as
    its 1 January), or None when the kind or record has none."""
    if not kind.held_by:
        return None
    value = record.get(kind.held_by)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}-01-01" if 1 <= value <= 9999 else None
    return _iso(value)


def tenure_span(tenure: Tenure, record: Mapping) -> tuple[str | None, str | None] | None:
    """(first day, last day) in post, None for either when open; None when the person left
    on a day not recorded (they count in no period)."""
    first = _iso(record.get(tenure.start))
    if record.get(tenure.current) in (True, 1):
        return first, None
    last = _iso(record.get(tenure.end))
    return None if last is None else (first, last)


def in_post(tenure: Tenure, record: Mapping, first: str, last: str) -> bool:
    """Whether the person was in post on any day from ``first`` to ``last`` (ISO)."""
    span = tenure_span(tenure, record)
    if span is None:
        return False
    began, ended = span
    return (began is None or began <= last) and (ended is None or ended >= first)


class _Context:
    """Everything built once per :func:`evaluate` call: live records, indexes, period."""

    def __init__(self, records: Mapping[str, Sequence[Mapping]], year: int, on: dt.date) -> None:
        self.records = records
        self.year = year
        self.on = on
        self.on_iso = on.isoformat()
        self._live: dict[str, list[Mapping]] = {}
        self._uuids: dict[tuple[str, str], frozenset[str]] = {}
        self._links: dict[tuple, tuple[frozenset[str], dict[str, set[str]]]] = {}

    def live(self, kind: str) -> list[Mapping]:
        rows = self._live.get(kind)
        if rows is None:
            rows = self._live[kind] = [r for r in self.records.get(kind, ()) if r.get("deleted_at") is None]
        return rows

    def live_uuids(self, kind: str, day: str) -> frozenset[str] | None:
        """Uuids of live records of ``kind`` (of people: in post on ``day``); None when the
        caller passed no such records."""
        if kind not in self.records:
            return None
        tenure = KINDS[kind].tenure
        key = (kind, day if tenure else "")
        uuids = self._uuids.get(key)
        if uuids is None:
            rows = self.live(kind)
            if tenure:
                rows = [r for r in rows if in_post(tenure, r, day, day)]
            uuids = self._uuids[key] = frozenset(r["uuid"] for r in rows)
        return uuids

    def predicate(self, kind: str, condition: Condition, day: str) -> Callable[[Mapping], bool]:
        """A test of ``condition``; ``day`` is the checklist day (links to people in post then)."""
        tests: list[Callable[[Mapping], bool]] = []
        for name, value in condition:
            f = KINDS[kind].field(name)
            if value == NON_EMPTY and f.type in ("ref", "refs"):
                tests.append(_non_empty_link(name, self.live_uuids(f.ref, day)))
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

    def linked(self, link: Link, period: tuple[str, str], cut: str) -> tuple[frozenset[str], dict[str, set[str]]]:
        """Uuids referenced by live held ``link.kind`` records through ``link.field``, and
        for the others, which planned linking records reference them."""
        key = (link, period, cut)
        found = self._links.get(key)
        if found is None:
            keep = self.predicate(link.kind, link.where, cut)
            kind = KINDS[link.kind]
            start, end = period
            held: set[str] = set()
            planned: dict[str, set[str]] = {}
            for r in self.live(link.kind):
                if not keep(r):
                    continue
                day = _iso(r.get(link.date_field)) if link.in_period else held_day(kind, r)
                if link.in_period and (day is None or not start <= day <= end):
                    continue
                if day is not None and day > end:
                    continue  # after the period: not looked at
                targets = _refs(r.get(link.field))
                if day is not None and day > cut:
                    for target in targets:
                        planned.setdefault(target, set()).add(r["uuid"])
                else:
                    held.update(targets)
            found = self._links[key] = (frozenset(held), planned)
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
    """A link field is non-empty when it points at a live record (tombstones do not count;
    of people, only those in post on the checklist day)."""
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
        # the window ends on the checklist day, or on the last day of a past year
        assert rule.window_days is not None
        end = min(on, dt.date(year, 12, 31))
        return end - dt.timedelta(days=rule.window_days - 1), end
    return _year_period(year)


def held_until(period: tuple[dt.date, dt.date], on: dt.date) -> dt.date:
    """The checklist day of a period: ``on``, or the period's last day when that is earlier.
    Records dated after it are planned (or, after the period, not looked at)."""
    return min(on, period[1])


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
        if on < dt.date(year, 1, 1):  # a year not started: nothing applies yet (a rolling window neither)
            results.append(_not_applicable(rule, period, "year not started"))
            continue
        evaluate_one = _EVALUATORS[rule.type]
        results.append(evaluate_one(rule, ctx, period, warning_days=warning_days, at_risk_fraction=at_risk_fraction))
    return results


def _not_applicable(rule: Rule, period: tuple[dt.date, dt.date], note: str, planned: tuple[str, ...] = ()) -> RuleResult:
    unit = {"count": "count", "share": "percent", "every": "all", "deadline": "deadline"}[rule.type]
    target: int | float = {"count": rule.min, "share": rule.target, "deadline": len(rule.deadlines)}.get(rule.type) or 0
    return RuleResult(rule, NOT_APPLICABLE, 0, target, unit, 0, (), (), rule.kind, period, note, (), planned)


def _population(rule: Rule, ctx: _Context, period: tuple[dt.date, dt.date]) -> tuple[list[Mapping], list[Mapping]]:
    """(held, planned) members of the rule's population: matching ``where``, dated in the
    period (``date_field``), and by the kind's own date or tenure held by the checklist day
    or planned after it within the period."""
    cut = held_until(period, ctx.on).isoformat()
    keep = ctx.predicate(rule.kind, rule.where, cut)
    kind = KINDS[rule.kind]
    start, end = period[0].isoformat(), period[1].isoformat()
    held: list[Mapping] = []
    planned: list[Mapping] = []
    for r in ctx.live(rule.kind):
        if not keep(r):
            continue
        days = []
        if rule.date_field:
            day = _iso(r.get(rule.date_field))
            if day is None or not start <= day <= end:
                continue
            days.append(day)
        if kind.held_by and kind.held_by != rule.date_field:
            day = held_day(kind, r)
            if day is not None and day > end:
                continue
            days.append(day or start)
        if kind.tenure:
            span = tenure_span(kind.tenure, r)
            if span is None or (span[1] is not None and span[1] < start) or (span[0] is not None and span[0] > end):
                continue  # not in post on any day of the period
            days.append(span[0] or start)
        (planned if any(d > cut for d in days) else held).append(r)
    return held, planned


def _in_sequence(names: tuple[str, ...], cut: str) -> Callable[[Mapping], bool]:
    """Each date filled, none after the next, the last by the checklist day ``cut``."""

    def test(r: Mapping) -> bool:
        days = [_iso(r.get(name)) for name in names]
        if any(day is None for day in days):
            return False
        return all(a <= b for a, b in zip(days, days[1:])) and days[-1] <= cut

    return test


def _requirement(rule: Rule, ctx: _Context, cut: str) -> Callable[[Mapping], bool]:
    require = ctx.predicate(rule.kind, rule.require, cut)
    if rule.sequence:
        ordered, plain = _in_sequence(rule.sequence, cut), require
        require = lambda r: plain(r) and ordered(r)  # noqa: E731
    if not rule.require_any:
        return require
    alternatives = [ctx.predicate(rule.kind, c, cut) for c in rule.require_any]
    return lambda r: require(r) and any(a(r) for a in alternatives)


def _any_of(rule: Rule, ctx: _Context, conditions: tuple[Condition, ...], cut: str) -> Callable[[Mapping], bool] | None:
    if not conditions:
        return None
    tests = [ctx.predicate(rule.kind, c, cut) for c in conditions]
    return lambda r: any(t(r) for t in tests)


def _evaluate_count(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    counted, planned = _population(rule, ctx, period)
    actual = len(counted)
    assert rule.min is not None
    start, end = period
    note = ""
    if actual >= rule.min:
        status = MET
    elif actual + len(planned) >= rule.min:
        status = AT_RISK  # only its planned records would meet it
        note = f"{len(planned)} planned"
    elif rule.period == "rolling" or ctx.on > end:
        status = NOT_MET
        note = f"last {rule.window_days} days" if rule.period == "rolling" else "year over"
    else:
        passed = ((ctx.on - start).days + 1) / ((end - start).days + 1)
        status = AT_RISK if passed > at_risk_fraction else NOT_MET
        note = f"{passed:.0%} of the year passed"
    return RuleResult(
        rule,
        status,
        actual,
        rule.min,
        "count",
        actual,
        _sorted(counted, rule.date_field),
        (),
        rule.kind,
        period,
        note,
        (),
        _sorted(planned, rule.date_field),
    )


def _evaluate_share(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    population, planned = _population(rule, ctx, period)
    assert rule.target is not None
    planned_ids = _sorted(planned, rule.date_field)
    ok = _requirement(rule, ctx, held_until(period, ctx.on).isoformat())
    with_planned = population + planned
    would_meet = bool(with_planned) and sum(map(ok, with_planned)) * 100 >= rule.target * len(with_planned)
    if not population:
        if planned and would_meet:
            status, note = AT_RISK, f"{len(planned)} planned"
            return RuleResult(rule, status, 0, rule.target, "percent", 0, (), (), rule.kind, period, note, (), planned_ids)
        return _not_applicable(rule, period, "no records", planned_ids)
    passing = [r for r in population if ok(r)]
    failing = [r for r in population if not ok(r)]
    total = len(population)
    met = len(passing) * 100 >= rule.target * total
    percent = len(passing) * 100 / total
    actual = round(percent, 1)
    if not met and actual >= rule.target:  # never show a rounded figure that seems to reach the target
        actual = math.floor(percent * 10) / 10
    note = f"{len(passing)}/{total}"
    status = MET if met else NOT_MET
    if not met and would_meet:
        status, note = AT_RISK, f"{note}, {len(planned)} planned"
    return RuleResult(
        rule,
        status,
        actual,
        rule.target,
        "percent",
        total,
        _sorted(passing, rule.date_field),
        _sorted(failing, rule.date_field),
        rule.kind,
        period,
        note,
        (),
        planned_ids,
    )


def _evaluate_every(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    population, planned_members = _population(rule, ctx, period)
    cut_day = held_until(period, ctx.on)
    cut = cut_day.isoformat()
    link_kind = rule.link.kind if rule.link else None
    order = rule.date_field or rule.valid_until
    if not population:
        return _not_applicable(rule, period, "no records", _sorted(planned_members, order))
    ok = _requirement(rule, ctx, cut) if (rule.require or rule.require_any or rule.sequence) else None
    in_progress = _any_of(rule, ctx, rule.at_risk_any, cut)
    linked, planned_links = (
        ctx.linked(rule.link, (period[0].isoformat(), period[1].isoformat()), cut) if rule.link else (None, {})
    )
    tenure = KINDS[rule.kind].tenure
    passing, failing, risky, by_planned, progressing, expiring = [], [], [], [], [], []
    planned_link_ids: set[str] = set()
    for r in population:
        verdict = MET
        if ok is not None and not ok(r):
            if in_progress is not None and in_progress(r):
                verdict = AT_RISK
                progressing.append(r)
            else:
                verdict = NOT_MET
        if verdict != NOT_MET and linked is not None and r["uuid"] not in linked:
            if r["uuid"] in planned_links:
                verdict = AT_RISK
                by_planned.append(r)
                planned_link_ids.update(planned_links[r["uuid"]])
            else:
                verdict = NOT_MET
        if verdict != NOT_MET and rule.valid_until:
            # valid on the checklist day, or on the last day in post of one who left before it
            span = tenure_span(tenure, r) if tenure else None
            day = min(cut, span[1]) if span and span[1] else cut
            until = _iso(r.get(rule.valid_until))
            if until is None or until < day:
                verdict = NOT_MET
            elif day == ctx.on_iso and until < (ctx.on + dt.timedelta(days=warning_days)).isoformat():
                verdict = AT_RISK
                expiring.append(r)
        {MET: passing, AT_RISK: risky, NOT_MET: failing}[verdict].append(r)
    if failing:
        status = NOT_MET
    elif risky:
        status = AT_RISK
    else:
        status = MET
    notes = []
    if failing:
        notes.append(f"{len(failing)} failing")
    if expiring:
        notes.append(f"{len(expiring)} expiring within {warning_days} days")
    if progressing:
        notes.append(f"{len(progressing)} in progress")
    if by_planned:
        notes.append(f"{len(by_planned)} met only by planned records")
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
        _sorted(planned_members, order) + _sorted(by_planned, order),
        tuple(sorted(planned_link_ids)),
        link_kind,
        # every record at risk is only lapsing: each is valid today
        status == AT_RISK and {r["uuid"] for r in risky} <= {r["uuid"] for r in expiring}
        and not progressing and not by_planned,
    )


def _check_deadlines(rule: Rule, ctx: _Context, record: Mapping | None, cut: str) -> tuple[str, int, list[str]]:
    """Status, number of deadlines kept and notes for one report (None: there is none).
    A date after the checklist day is not done yet."""
    status, kept, notes = MET, 0, []
    for name, month_day in rule.deadlines:
        due = dt.date(ctx.year, int(month_day[:2]), int(month_day[3:])).isoformat()
        day = _iso(record.get(name)) if record is not None else None
        if day is not None and day > cut:
            notes.append(f"{name} {day} planned")
            day = None
        if day is not None and day <= due:
            kept += 1
        elif day is not None:
            status = NOT_MET
            notes.append(f"{name} {day} after {due}")
        elif cut <= due:  # not yet late: the day itself is still in time
            status = NOT_MET if status == NOT_MET else AT_RISK
            notes.append(f"{name} missing, due {due}")
        else:
            status = NOT_MET
            notes.append(f"{name} missing, was due {due}")
    return status, kept, notes


def _evaluate_deadline(rule: Rule, ctx: _Context, period, *, warning_days, at_risk_fraction) -> RuleResult:
    report_year = ctx.year + rule.year_offset
    cut = held_until(period, ctx.on).isoformat()
    keep = ctx.predicate(rule.kind, rule.where, cut)
    candidates = sorted(
        (r for r in ctx.live(rule.kind) if r.get(rule.year_field) == report_year and keep(r)), key=lambda r: r["uuid"]
    )
    rank = {MET: 0, AT_RISK: 1, NOT_MET: 2}
    record: Mapping | None = None
    status, kept, notes = _check_deadlines(rule, ctx, None, cut)
    notes.insert(0, f"no {rule.kind} for {report_year}")
    for candidate in candidates:  # normally one: the year is unique among live reports
        outcome = _check_deadlines(rule, ctx, candidate, cut)
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
