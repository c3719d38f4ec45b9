"""What checklist evaluation reads: :func:`record_needs` tells a store which columns and
date ranges of each kind :func:`fazhi_tui.domain.evaluation.evaluate` looks at, so it
can read no more than that."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fazhi_tui.domain.evaluation import _period
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.rule_file import NON_EMPTY, Condition, RuleSet

__all__ = ["RecordNeed", "record_needs"]

# --------------------------------------------------------------------------- what evaluation reads


@dataclass(frozen=True)
class RecordNeed:
    """What :func:`evaluate` reads of one kind's records, for one rule set, year and date.

    ``columns``: the fields it looks at (besides ``uuid`` and ``deleted_at``).
    ``windows``: ``(date field, first day, last day)`` ranges (ISO dates, inclusive); a
    record dated in none of them is never looked at, so a caller may leave it out. None:
    every live record is looked at (a rule with no date limit on this kind).

    ``links_only``: no rule counts, lists or looks up these records; they are read only
    through the links they hold (``columns``), with no date limit and no condition. Then
    only the distinct combinations of those values matter: a caller may pass one record
    per combination, without a uuid.

    Passing :func:`evaluate` only the live records and columns named here gives the same
    results as passing everything: the evaluators filter each windowed population by the
    same date range themselves, never read a field not listed, and read links-only
    records only to gather the uuids they point at (a set).
    """

    columns: tuple[str, ...]
    windows: tuple[tuple[str, str, str], ...] | None
    links_only: bool = False


def record_needs(rules: RuleSet, *, year: int, on: dt.date) -> dict[str, RecordNeed]:
    """Per kind that any enabled rule reads: the columns and date ranges it reads."""
    columns: dict[str, set[str]] = {}
    windows: dict[str, set[tuple[str, str, str]] | None] = {}
    read: set[str] = set()  # kinds read otherwise than as plain links (see RecordNeed.links_only)

    def use(kind: str, fields: Sequence[str | None], window: tuple[str, str, str] | None, plain_link: bool = False) -> None:
        if not plain_link:
            read.add(kind)
        columns.setdefault(kind, set()).update(f for f in fields if f)
        if window is None:
            windows[kind] = None
        elif kind not in windows:
            windows[kind] = {window}
        elif windows[kind] is not None:
            windows[kind].add(window)

    def own(kind: str) -> list[str]:
        """The fields that say when a record happened or a person was in post."""
        k = KINDS[kind]
        tenure = (k.tenure.start, k.tenure.end, k.tenure.current) if k.tenure else ()
        return [*([k.held_by] if k.held_by else []), *tenure]

    def condition(kind: str, cond: Condition) -> list[str]:
        for name, value in cond:
            f = KINDS[kind].field(name)
            if value == NON_EMPTY and f.type in ("ref", "refs"):
                # a link counts only if it points at a live record (a person in post): all of them
                use(f.ref, own(f.ref), None)
        return [name for name, _ in cond]

    for rule in rules.enabled:
        start, end = (d.isoformat() for d in _period(rule, year, on))
        fields = condition(rule.kind, rule.where) + condition(rule.kind, rule.require)
        for alternative in (*rule.require_any, *rule.at_risk_any):
            fields += condition(rule.kind, alternative)
        if rule.type == "deadline":
            use(rule.kind, [*fields, rule.year_field, *(name for name, _ in rule.deadlines)], None)
            continue
        fields += [rule.date_field, rule.valid_until, *rule.sequence, *own(rule.kind)]
        use(rule.kind, fields, (rule.date_field, start, end) if rule.date_field else None)
        if rule.link is not None:
            link = rule.link
            link_fields = [link.field, *condition(link.kind, link.where), *([] if link.in_period else own(link.kind))]
            if link.in_period:
                use(link.kind, [*link_fields, link.date_field], (link.date_field, start, end))
            else:
                # a dated linking record is told held from planned, and a planned one is
                # named in the evidence: read by uuid, not as bare links
                use(link.kind, link_fields, None, plain_link=not link.where and not KINDS[link.kind].held_by)
    return {
        kind: RecordNeed(
            tuple(sorted(columns[kind] - {"uuid", "deleted_at"})),
            None if windows[kind] is None else tuple(sorted(windows[kind])),
            kind not in read,
        )
        for kind in columns
    }
