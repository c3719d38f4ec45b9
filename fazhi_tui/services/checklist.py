"""The checklist as the program runs it: which rule set is in force, evaluated over the
office's records.

The built-in rule set ships with the package. A county may put its own ``rules.toml``
in the office's config folder (later it arrives with the county's bundle). A file that
is refused does not stop the program: the last good copy of it is used instead (or the
built-in set if there never was one) and the problem is reported with its line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_text
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleFileError, RuleResult, RuleSet, builtin_rules, evaluate, load_rules, record_needs
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Store

__all__ = ["ActiveRules", "load_active_rules", "run_checklist", "rules_path", "last_good_path"]


def rules_path(home: Home) -> Path:
    return home.rules


def last_good_path(home: Home) -> Path:
    return home.rules_last_good


@dataclass(frozen=True)
class ActiveRules:
    ruleset: RuleSet
    source: str  # "builtin" | "home" | "last-good"
    problem: RuleFileError | None = None  # why the home file was not used


def load_active_rules(home: Home) -> ActiveRules:
    """The home's rules.toml if it is good (and remember it as the last good copy)."""
    path = rules_path(home)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ActiveRules(builtin_rules(), "builtin")
    except (OSError, UnicodeDecodeError) as exc:
        problem = RuleFileError(None, f"cannot read {path}: {exc}", "err.rules_unreadable", path=str(path))
        return _fallback(home, problem)
    try:
        ruleset = load_rules(text)
    except RuleFileError as problem:
        return _fallback(home, problem)
    last_good = last_good_path(home)
    if not last_good.exists() or last_good.read_text(encoding="utf-8") != text:
        atomic_write_text(last_good, text)
    return ActiveRules(ruleset, "home")


def _fallback(home: Home, problem: RuleFileError) -> ActiveRules:
    try:
        return ActiveRules(load_rules(last_good_path(home).read_text(encoding="utf-8")), "last-good", problem)
    except (OSError, UnicodeDecodeError, RuleFileError):
        return ActiveRules(builtin_rules(), "builtin", problem)


def run_checklist(
    store: Store, ruleset: RuleSet, config: Config, *, year: int, on: dt.date, township: str | None = None
) -> list[RuleResult]:
    """Evaluate ``ruleset`` for ``year`` as of ``on`` over the live records of ``store``
    (at a hub, of one ``township``: the very rule engine the township runs itself)."""
    needs = record_needs(ruleset, year=year, on=on)
    # Only what the rules read: the columns they test, for a dated population only the
    # records dated in its period, of records only linked from the distinct links (same
    # results as every live record: see record_needs).
    records = {
        name: store.live_records(kind, need.columns, need.windows, township, need.links_only)
        if (need := needs.get(name))
        else []
        for name, kind in KINDS.items()
    }
    return _evaluate(ruleset, records, config, year=year, on=on)


def _evaluate(ruleset: RuleSet, records, config: Config, *, year: int, on: dt.date) -> list[RuleResult]:
    return evaluate(
        ruleset,
        records,
        year=year,
        on=on,
        warning_days=config.thresholds.cert_expiry_warning_days,
        at_risk_fraction=config.thresholds.year_at_risk_fraction,
    )


def evidence_labels(store: Store, results: list[RuleResult]) -> dict[str, str]:
    """A short name for every record cited as evidence, for printed reports."""
    wanted: dict[str, set[str]] = {}
    for result in results:
        wanted.setdefault(result.evidence_kind, set()).update(result.proving, result.breaking, result.planned)
        if result.link_kind and result.planned_links:
            wanted.setdefault(result.link_kind, set()).update(result.planned_links)
    labels: dict[str, str] = {}
    for kind_name, uuids in wanted.items():
        labels.update(store.labels(KINDS[kind_name], sorted(uuids)))
    # Labels go into files and onto screens: one line, no control characters (base/text.py).
    return {uuid: clean_text(label) for uuid, label in labels.items()}


def problem_text(problem: RuleFileError) -> str:
    """The user's-language message for a refused rule file."""
    from fazhi_tui.base.i18n import t

    return t(problem.key, line=problem.line if problem.line is not None else "?", reason=problem.reason)


# -- the hub's matrix: every township against every rule --------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    code: str  # township code
    name: str
    last_import: str | None  # when the hub last imported a bundle carrying it (None: never)
    results: tuple[RuleResult, ...]  # empty when nothing was ever received


@dataclass(frozen=True)
class Matrix:
    year: int
    on: dt.date
    rules: tuple  # the enabled rules, in order
    rows: tuple[MatrixRow, ...]

    def share_met(self, rule_index: int) -> tuple[int, int]:
        """(townships meeting the rule today, townships it applies to) — the plan's targets
        are shares. A township counts as meeting it when its result is met today (met, or at
        risk only because a certificate valid now lapses soon: RuleResult.met_today); one
        short late in the year or met only by planned records does not; "not applicable" is
        neither met nor counted."""
        met = applicable = 0
        for row in self.rows:
            if not row.results:
                applicable += 1  # never reported: counts against the share
                continue
            result = row.results[rule_index]
            if result.status != "not_applicable":
                applicable += 1
                met += result.met_today
        return met, applicable


def hub_matrix(store: Store, ruleset: RuleSet, config: Config, *, year: int, on: dt.date) -> Matrix:
    """Evaluate every township the hub knows (enrolled or seen in records) separately."""
    needs = record_needs(ruleset, year=year, on=on)
    # Every kind is read (a township with records of any kind has reported), each reduced
    # to what the rules read, one township at a time (see run_checklist).
    wanted = {
        name: (need.columns, need.windows, need.links_only) if (need := needs.get(name)) else ((), (), True)
        for name in KINDS
    }
    results: dict[str, tuple[RuleResult, ...]] = {}
    for code, records in store.live_by_township(wanted):
        results[code] = tuple(_evaluate(ruleset, records, config, year=year, on=on))
    offices = store.hub_offices()
    # Townships never heard from count too: at a county those it enrolled, at a city those
    # its counties' bundles name (a county's silent township is just as silent one level up).
    codes = set(results) | {code for code in offices if len(code) == 9}
    rows = []
    for code in sorted(codes):
        office = offices.get(code, {})
        rows.append(MatrixRow(code, office.get("name", code), office.get("last_import"), results.get(code, ())))
    return Matrix(year, on, ruleset.enabled, tuple(rows))
