"""The checklist's rule file: what a rule says, and :func:`load_rules`, which reads a
``rules.toml`` (the built-in ``fazhi_tui/rules.toml`` or a copy the county sends) and
validates it strictly, naming the line of any rule it refuses. Pure: no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from fazhi_tui.domain.kinds import CHOICES, KINDS, Kind

__all__ = [
    "RuleFileError",
    "Link",
    "Rule",
    "RuleSet",
    "Condition",
    "load_rules",
    "builtin_rules",
    "builtin_rules_text",
    "RULE_TYPES",
    "PERIODS",
    "NON_EMPTY",
    "MAX_WINDOW_DAYS",
]

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
    at_risk_any: tuple[Condition, ...] = ()  # every: failing require, yet in progress (at risk)
    sequence: tuple[str, ...] = ()  # share/every: date fields, each filled and not after the next
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
    "share": ("require", "require_any", "sequence", "target", "date_field", "period", "window_days"),
    "every": (
        "require", "require_any", "sequence", "at_risk_any", "link", "valid_until", "date_field", "period", "window_days",
    ),
    "deadline": ("year_field", "year_offset", "deadlines"),
}
_LINK_KEYS = ("kind", "field", "in_period", "date_field", "where")
_TASK = re.compile(r"T[0-9]+")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")
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
        if f.type == "date" and not _ISO_DATE.fullmatch(value):
            raise self.fail(f"{where}: {value!r} is not a date like 2025-12-31", "err.rules_bad_value", name=f.name)
        if f.type == "choice" and value not in CHOICES[f.choices]:
            raise self.fail(
                f"{where}: unknown code {value!r} (known: {', '.join(CHOICES[f.choices])})",
                "err.rules_unknown_choice",
                field=f.name,
                value=value,
            )
        return value

    def conditions_any(self, kind: Kind, raw: Any, what: str = "require_any") -> tuple[Condition, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(f"{what} must be a non-empty list of conditions", "err.rules_bad_value", name=what)
        return tuple(self.condition(kind, c, what) for c in raw)

    def sequence(self, kind: Kind, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail("sequence must list at least two date fields", "err.rules_bad_value", name="sequence")
        names = tuple(self.field(kind, name, "sequence", ("date",)).name for name in raw)
        if len(set(names)) != len(names):
            raise self.fail("sequence names a field twice", "err.rules_bad_value", name="sequence")
        return names

    def bad_threshold(self, key: str, value: Any, expected: str) -> RuleFileError:
        reason = f"{key} = {value!r}: must be {expected}"
        return self.fail(reason, "err.rules_bad_threshold", name=key, value=str(value))

    def read(self) -> Rule:
        d = self.data
        rule_id = self.text("id", required=True)
        self.where_am_i = f"rule {rule_id!r}"
        if not _ID.fullmatch(rule_id):
            raise self.fail(f"bad id {rule_id!r}", "err.rules_bad_value", name="id")
        task = self.text("task", required=True)
        if not _TASK.fullmatch(task):
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
        if "at_risk_any" in d:
            values["at_risk_any"] = self.conditions_any(kind, d["at_risk_any"], "at_risk_any")
        if "sequence" in d:
            values["sequence"] = self.sequence(kind, d["sequence"])
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
        if not any(k in values for k in ("require", "require_any", "sequence")):
            raise self.fail("a share rule needs require, require_any or sequence", "err.rules_missing_key", name="require")
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
        if "at_risk_any" in values and not any(k in values for k in ("require", "require_any", "sequence")):
            raise self.fail("at_risk_any needs require, require_any or sequence", "err.rules_missing_key", name="require")
        if not any(k in values for k in ("require", "require_any", "sequence", "link", "valid_until")):
            raise self.fail(
                "an every rule needs require, require_any, sequence, link or valid_until",
                "err.rules_missing_key",
                name="require",
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
            match = _MONTH_DAY.fullmatch(month_day) if isinstance(month_day, str) else None
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
