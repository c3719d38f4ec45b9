"""The checklist rule engine: which of the plan's tasks a township meets in a year.

Rules are data (``fazhi_tui/rules.toml``, or a copy the county sends): :func:`load_rules`
reads and validates them strictly, :func:`evaluate` applies them to the records of one
township. Both are pure: no Textual, no database, no clock (the checklist date ``on`` is
passed in). Tombstoned records (``deleted_at`` set) never count, neither as members of a
rule's population, nor as counted records, nor as links.

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
import functools
import json
import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from fazhi_tui.domain.kinds import CHOICES, KINDS, Kind

__all__ = [
    "RuleFileError",
    "Link",
    "Rule",
    "RuleSet",
    "RuleResult",
    "load_rules",
    "builtin_rules",
    "builtin_rules_text",
    "evaluate",
    "RecordNeed",
    "record_needs",
    "RULE_TYPES",
    "STATUSES",
    "MET",
    "NOT_MET",
    "AT_RISK",
    "NOT_APPLICABLE",
    "NON_EMPTY",
]

MET, NOT_MET, AT_RISK, NOT_APPLICABLE = "met", "not_met", "at_risk", "not_applicable"
STATUSES = (MET, NOT_MET, AT_RISK, NOT_APPLICABLE)
RULE_TYPES = ("count", "share", "every", "deadline")
PERIODS = ("year", "rolling")
NON_EMPTY = "!empty"  # condition value: the field is not empty
MAX_WINDOW_DAYS = 36600  # a rolling period's longest window: a century

# A condition: (field, value) pairs that must all hold. value is a scalar (equality),
# a tuple (membership) or NON_EMPTY.
Condition = tuple[tuple[str, Any], ...]


# --------------------------------------------------------------------------- errors


class RuleFileError(ValueError):
    """A rule file that cannot be used. ``line`` is 1-based (None when unknown).

    ``reason`` is English for logs; ``key`` and ``params`` are the i18n message
    (``params`` always holds ``line`` and ``reason`` too).
    """

    def __init__(self, line: int | None, reason: str, key: str = "err.rules_invalid", **params: Any) -> None:
        self.line = line
        self.reason = reason
        self.key = key
        self.params: dict[str, Any] = {**params, "line": line, "reason": reason}
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line is not None else self.reason


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Link:
    """Each population record must be referenced by a live ``kind`` record through ``field``."""

    kind: str
    field: str
    in_period: bool = False
    date_field: str = "date"  # of the linking record, used when in_period
    where: Condition = ()  # a condition on the linking record


@dataclass(frozen=True)
class Rule:
    id: str
    task: str
    name: str
    type: str
    kind: str
    name_en: str = ""
    quote: str = ""
    enabled: bool = True
    where: Condition = ()
    require: Condition = ()
    require_any: tuple[Condition, ...] = ()
    date_field: str | None = None  # count: default "date"; share/every: limits the population
    min: int | None = None  # count
    period: str = "year"
    window_days: int | None = None  # period "rolling"
    target: int | float | None = None  # share, percent
    link: Link | None = None  # every
    valid_until: str | None = None  # every
    year_field: str = "year"  # deadline
    year_offset: int = -1  # deadline
    deadlines: tuple[tuple[str, str], ...] = ()  # deadline: (date field, "MM-DD")
    line: int | None = field(default=None, compare=False)  # of its [[rule]] header


@dataclass(frozen=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]

    @property
    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# --------------------------------------------------------------------------- loading

SUPPORTED_VERSIONS = (1,)
_TOP_KEYS = ("version", "rule")
_COMMON_KEYS = ("id", "task", "name", "name_en", "quote", "type", "kind", "enabled", "where")
_TYPE_KEYS = {
    "count": ("date_field", "min", "period", "window_days"),
    "share": ("require", "require_any", "target", "date_field", "period", "window_days"),
    "every": ("require", "require_any", "link", "valid_until", "date_field", "period", "window_days"),
    "deadline": ("year_field", "year_offset", "deadlines"),
}
_LINK_KEYS = ("kind", "field", "in_period", "date_field", "where")
_TASK = re.compile(r"^T\d+$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY = re.compile(r"^(\d\d)-(\d\d)$")
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*rule[ \t]*\]\]")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


class _RuleReader:
    """Validates one ``[[rule]]`` table; every error carries the rule's header line."""

    def __init__(self, data: dict[str, Any], line: int | None, index: int) -> None:
        self.data = data
        self.line = line
        self.where_am_i = f"rule {index + 1}"

    def fail(self, reason: str, key: str, **params: Any) -> RuleFileError:
        return RuleFileError(self.line, f"{self.where_am_i}: {reason}", key, **params)

    def text(self, key: str, *, required: bool) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing key {key!r}", "err.rules_missing_key", name=key)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{key!r} must be a non-empty string", "err.rules_bad_value", name=key)
        return value.strip()

    def kind(self, name: Any, what: str) -> Kind:
        if not isinstance(name, str) or name not in KINDS:
            raise self.fail(
                f"unknown {what} {name!r} (known: {', '.join(KINDS)})", "err.rules_unknown_kind", value=str(name)
            )
        return KINDS[name]

    def field(self, kind: Kind, name: Any, what: str, types: tuple[str, ...] | None = None):
        if not isinstance(name, str):
            raise self.fail(f"{what} must name a field", "err.rules_bad_value", name=what)
        try:
            f = kind.field(name)
        except KeyError:
            raise self.fail(
                f"{what}: {kind.name} has no field {name!r}", "err.rules_unknown_field", kind=kind.name, field=name
            ) from None
        if types and f.type not in types:
            raise self.fail(
                f"{what}: field {kind.name}.{name} is {f.type}, not {' or '.join(types)}",
                "err.rules_bad_field_type",
                kind=kind.name,
                field=name,
            )
        return f

    def condition(self, kind: Kind, raw: Any, what: str) -> Condition:
        if not isinstance(raw, dict) or not raw:
            raise self.fail(f"{what} must be a non-empty table of conditions", "err.rules_bad_value", name=what)
        pairs = []
        for name, value in raw.items():
            f = self.field(kind, name, what)
            pairs.append((name, self.condition_value(kind, f, value, what)))
        return tuple(pairs)

    def condition_value(self, kind: Kind, f, value: Any, what: str) -> Any:
        if value == NON_EMPTY:
            return NON_EMPTY
        where = f"{what}: {kind.name}.{f.name}"
        if isinstance(value, list):
            if not value:
                raise self.fail(f"{where}: empty list", "err.rules_bad_value", name=what)
            return tuple(self.scalar(kind, f, v, where) for v in value)
        return self.scalar(kind, f, value, where)

    def scalar(self, kind: Kind, f, value: Any, where: str) -> Any:
        ok = {
            "bool": lambda v: isinstance(v, bool),
            "int": _is_int,
            "float": _is_number,
            "refs": lambda v: False,  # a list of links is only ever tested with "!empty"
        }.get(f.type, lambda v: isinstance(v, str))(value)
        if not ok:
            raise self.fail(f"{where}: bad value {value!r} for a {f.type} field", "err.rules_bad_value", name=f.name)
        if f.type == "date" and not _ISO_DATE.match(value):
            raise self.fail(f"{where}: {value!r} is not a date like 2025-12-31", "err.rules_bad_value", name=f.name)
        if f.type == "choice" and value not in CHOICES[f.choices]:
            raise self.fail(
                f"{where}: unknown code {value!r} (known: {', '.join(CHOICES[f.choices])})",
                "err.rules_unknown_choice",
                field=f.name,
                value=value,
            )
        return value

    def conditions_any(self, kind: Kind, raw: Any) -> tuple[Condition, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(
                "require_any must be a non-empty list of conditions", "err.rules_bad_value", name="require_any"
            )
        return tuple(self.condition(kind, c, "require_any") for c in raw)

    def bad_threshold(self, key: str, value: Any, expected: str) -> RuleFileError:
        reason = f"{key} = {value!r}: must be {expected}"
        return self.fail(reason, "err.rules_bad_threshold", name=key, value=str(value))

    def read(self) -> Rule:
        d = self.data
        rule_id = self.text("id", required=True)
        self.where_am_i = f"rule {rule_id!r}"
        if not _ID.match(rule_id):
            raise self.fail(f"bad id {rule_id!r}", "err.rules_bad_value", name="id")
        task = self.text("task", required=True)
        if not _TASK.match(task):
            raise self.fail(f"task {task!r} must look like 'T40'", "err.rules_bad_task", value=task)
        name = self.text("name", required=True)
        rule_type = self.text("type", required=True)
        if rule_type not in RULE_TYPES:
            raise self.fail(
                f"unknown type {rule_type!r} (known: {', '.join(RULE_TYPES)})",
                "err.rules_unknown_type",
                value=rule_type,
            )
        allowed = _COMMON_KEYS + _TYPE_KEYS[rule_type]
        for key in d:
            if key not in allowed:
                raise self.fail(f"unknown key {key!r} for a {rule_type} rule", "err.rules_unknown_key", name=key)
        if "kind" not in d:
            raise self.fail("missing key 'kind'", "err.rules_missing_key", name="kind")
        kind = self.kind(d["kind"], "kind")
        enabled = d.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.fail("enabled must be true or false", "err.rules_bad_value", name="enabled")
        values: dict[str, Any] = dict(
            id=rule_id,
            task=task,
            name=name,
            name_en=self.text("name_en", required=False),
            quote=self.text("quote", required=False),
            type=rule_type,
            kind=kind.name,
            enabled=enabled,
            line=self.line,
        )
        if "where" in d:
            values["where"] = self.condition(kind, d["where"], "where")
        if "require" in d:
            values["require"] = self.condition(kind, d["require"], "require")
        if "require_any" in d:
            values["require_any"] = self.conditions_any(kind, d["require_any"])
        if "date_field" in d:
            values["date_field"] = self.field(kind, d["date_field"], "date_field", ("date",)).name
        elif rule_type == "count":
            values["date_field"] = self.field(kind, "date", "date_field (default 'date')", ("date",)).name
        self.read_period(values)
        getattr(self, f"read_{rule_type}")(kind, values)
        return Rule(**values)

    def read_period(self, values: dict[str, Any]) -> None:
        d = self.data
        period = d.get("period", "year")
        if period not in PERIODS:
            raise self.fail(f"period {period!r} must be 'year' or 'rolling'", "err.rules_bad_value", name="period")
        values["period"] = period
        if period == "rolling":
            days = d.get("window_days")
            if days is None:
                raise self.fail("a rolling period needs window_days", "err.rules_missing_key", name="window_days")
            # at most a century: a longer window would reach before the first date there is
            if not _is_int(days) or not 1 <= days <= MAX_WINDOW_DAYS:
                raise self.bad_threshold("window_days", days, f"a whole number of days from 1 to {MAX_WINDOW_DAYS}")
            values["window_days"] = days
        elif "window_days" in d:
            raise self.fail("window_days applies only to period = 'rolling'", "err.rules_bad_value", name="window_days")

    def read_count(self, kind: Kind, values: dict[str, Any]) -> None:
        if "min" not in self.data:
            raise self.fail("missing key 'min'", "err.rules_missing_key", name="min")
        minimum = self.data["min"]
        if not _is_int(minimum) or minimum < 0:
            raise self.bad_threshold("min", minimum, "a whole number ≥ 0")
        values["min"] = minimum

    def read_share(self, kind: Kind, values: dict[str, Any]) -> None:
        if "require" not in values and "require_any" not in values:
            raise self.fail("a share rule needs require or require_any", "err.rules_missing_key", name="require")
        if "target" not in self.data:
            raise self.fail("missing key 'target'", "err.rules_missing_key", name="target")
        target = self.data["target"]
        if not _is_number(target) or not 0 <= target <= 100:
            raise self.bad_threshold("target", target, "a percentage from 0 to 100")
        values["target"] = target

    def read_every(self, kind: Kind, values: dict[str, Any]) -> None:
        d = self.data
        if "link" in d:
            values["link"] = self.read_link(kind, d["link"])
        if "valid_until" in d:
            values["valid_until"] = self.field(kind, d["valid_until"], "valid_until", ("date",)).name
        if not any(k in values for k in ("require", "require_any", "link", "valid_until")):
            raise self.fail(
                "an every rule needs require, require_any, link or valid_until", "err.rules_missing_key", name="require"
            )

    def read_link(self, kind: Kind, raw: Any) -> Link:
        if not isinstance(raw, dict):
            raise self.fail("link must be a table { kind, field, in_period }", "err.rules_bad_value", name="link")
        for key in raw:
            if key not in _LINK_KEYS:
                raise self.fail(f"unknown key {key!r} in link", "err.rules_unknown_key", name=f"link.{key}")
        for key in ("kind", "field"):
            if key not in raw:
                raise self.fail(f"link needs {key!r}", "err.rules_missing_key", name=f"link.{key}")
        other = self.kind(raw["kind"], "link kind")
        f = self.field(other, raw["field"], "link.field", ("ref", "refs"))
        if f.ref != kind.name:
            raise self.fail(
                f"link.field {other.name}.{f.name} refers to {f.ref}, not {kind.name}",
                "err.rules_bad_field_type",
                kind=other.name,
                field=f.name,
            )
        in_period = raw.get("in_period", False)
        if not isinstance(in_period, bool):
            raise self.fail("link.in_period must be true or false", "err.rules_bad_value", name="link.in_period")
        date_field = "date"
        if "date_field" in raw or in_period:
            date_field = self.field(other, raw.get("date_field", "date"), "link.date_field", ("date",)).name
        where = self.condition(other, raw["where"], "link.where") if "where" in raw else ()
        return Link(kind=other.name, field=f.name, in_period=in_period, date_field=date_field, where=where)

    def read_deadline(self, kind: Kind, values: dict[str, Any]) -> None:
        d = self.data
        values["year_field"] = self.field(kind, d.get("year_field", "year"), "year_field", ("int",)).name
        offset = d.get("year_offset", -1)
        if not _is_int(offset) or not -10 <= offset <= 10:
            raise self.bad_threshold("year_offset", offset, "a whole number of years from -10 to 10")
        values["year_offset"] = offset
        raw = d.get("deadlines")
        if not isinstance(raw, dict) or not raw:
            reason = 'a deadline rule needs deadlines = { field = "MM-DD" }'
            raise self.fail(reason, "err.rules_missing_key", name="deadlines")
        deadlines = []
        for name, month_day in raw.items():
            self.field(kind, name, "deadlines", ("date",))
            match = _MONTH_DAY.match(month_day) if isinstance(month_day, str) else None
            try:
                dt.date(2001, int(match[1]), int(match[2])) if match else None  # 2001: no 29 February
            except ValueError:
                match = None
            if not match:
                raise self.bad_threshold(f"deadlines.{name}", month_day, "a month-day like \"02-20\"")
            deadlines.append((name, month_day))
        values["deadlines"] = tuple(deadlines)


def _syntax_error(text: str, exc: tomllib.TOMLDecodeError) -> RuleFileError:
    message = str(exc)
    line: int | None = None
    if match := _TOML_AT.search(message):
        line = int(match[1])
        message = message[: match.start()]
    elif match := _TOML_END.search(message):
        line = max(1, len(text.splitlines()))
        message = message[: match.start()]
    return RuleFileError(line, f"TOML syntax: {message}", "err.rules_syntax")


def _top_key_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
        if line.lstrip().startswith("["):
            break  # past the top-level keys
    return None


def load_rules(text: str) -> RuleSet:
    """Parse and validate a rule file. Raises :class:`RuleFileError` naming the line."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(text, exc) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise RuleFileError(None, "TOML syntax: nested too deeply", "err.rules_syntax") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise RuleFileError(None, f"TOML syntax: {exc}", "err.rules_syntax") from None
    for key in data:
        if key not in _TOP_KEYS:
            line = _top_key_line(text, key)
            raise RuleFileError(line, f"unknown top-level key {key!r}", "err.rules_unknown_key", name=key)
    version = data.get("version")
    if version is None:
        raise RuleFileError(None, "missing key 'version'", "err.rules_missing_key", name="version")
    if not _is_int(version) or version not in SUPPORTED_VERSIONS:
        raise RuleFileError(
            _top_key_line(text, "version"), f"unsupported version {version!r}", "err.rules_version", value=str(version)
        )
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        line = _top_key_line(text, "rule")
        raise RuleFileError(line, "'rule' must be an array of tables [[rule]]", "err.rules_bad_value", name="rule")
    headers = [number for number, line in enumerate(text.splitlines(), 1) if _HEADER.match(line)]
    if len(headers) != len(raw_rules):
        headers = []  # written as an inline array: no header lines to point at
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        line = headers[index] if headers else None
        rule = _RuleReader(raw, line, index).read()
        if rule.id in seen:
            raise RuleFileError(line, f"duplicate rule id {rule.id!r}", "err.rules_duplicate_id", value=rule.id)
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(version=version, rules=tuple(rules))


def builtin_rules_text() -> str:
    """The text of the rule file shipped inside the package."""
    return resources.files("fazhi_tui").joinpath("rules.toml").read_text(encoding="utf-8")


@functools.cache
def builtin_rules() -> RuleSet:
    """The built-in rule set (parsed once)."""
    return load_rules(builtin_rules_text())


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

    def condition(kind: str, cond: Condition) -> list[str]:
        for name, value in cond:
            f = KINDS[kind].field(name)
            if value == NON_EMPTY and f.type in ("ref", "refs"):
                use(f.ref, (), None)  # a link counts only if it points at a live record: all of them
        return [name for name, _ in cond]

    for rule in rules.enabled:
        start, end = (d.isoformat() for d in _period(rule, year, on))
        fields = condition(rule.kind, rule.where) + condition(rule.kind, rule.require)
        for alternative in rule.require_any:
            fields += condition(rule.kind, alternative)
        if rule.type == "deadline":
            use(rule.kind, [*fields, rule.year_field, *(name for name, _ in rule.deadlines)], None)
            continue
        fields += [rule.date_field, rule.valid_until]
        use(rule.kind, fields, (rule.date_field, start, end) if rule.date_field else None)
        if rule.link is not None:
            link = rule.link
            link_fields = [link.field, *condition(link.kind, link.where)]
            if link.in_period:
                use(link.kind, [*link_fields, link.date_field], (link.date_field, start, end))
            else:
                use(link.kind, link_fields, None, plain_link=not link.where)
    return {
        kind: RecordNeed(
            tuple(sorted(columns[kind] - {"uuid", "deleted_at"})),
            None if windows[kind] is None else tuple(sorted(windows[kind])),
            kind not in read,
        )
        for kind in columns
    }
