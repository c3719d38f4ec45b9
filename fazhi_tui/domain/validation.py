"""Validation of a record as the clerk typed it.

:func:`validate` turns raw form values (strings, bools, lists) into clean values ready to
store, or a message per field. Messages are i18n keys with parameters so the interface
shows them in the chosen language. Nothing here touches the database: checks that need
it (a duplicate certificate number, a referenced person that exists) go through the
small :class:`Lookup` protocol the storage layer implements.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.dates import DateParseError, parse_date
from fazhi_tui.domain.kinds import CHOICES, Field, Kind

__all__ = ["Problem", "Lookup", "ValidationResult", "Limits", "validate", "validate_many"]


@dataclass(frozen=True)
class Problem:
    """A message for one field: an i18n key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


class Lookup(Protocol):
    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        """True if a live record of ``kind`` other than ``exclude_uuid`` has ``column == value``."""

    def exists(self, kind: str, uuid: str) -> bool:
        """True if a live record of ``kind`` has this uuid."""


@dataclass(frozen=True)
class Limits:
    """Thresholds from the configuration that validation uses."""

    future_meeting_days: int = 366
    earliest_year: int = 2000


@dataclass
class ValidationResult:
    values: dict[str, Any]
    problems: dict[str, Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean_one(f: Field, raw: Any) -> tuple[Any, Problem | None]:
    """Convert one raw value; the problem is None when it converted."""
    if f.type == "bool":
        return bool(raw), None
    if f.type == "refs":
        items = list(dict.fromkeys(str(x) for x in (raw or [])))
        return items, None
    if f.type in ("text", "longtext") and raw is not None:
        # Controls, invisible format characters and foreign line breaks never reach storage.
        raw = clean_text(str(raw), multiline=f.type == "longtext")
    if _blank(raw):
        if f.required:
            return None, Problem("err.required")
        if f.type in ("text", "longtext"):
            return "", None
        return (f.default if f.type in ("int", "float") else None), None
    if f.type in ("text", "longtext"):
        text = raw.strip()
        if len(text) > f.max_length:
            return text, Problem("err.too_long", {"max": f.max_length})
        return text, None
    if f.type == "date":
        try:
            return parse_date(str(raw)).isoformat(), None
        except DateParseError as exc:
            return None, Problem("err.date_impossible" if exc.impossible else "err.date_format", {"text": str(raw)})
    if f.type == "choice":
        assert f.choices is not None
        if raw not in CHOICES[f.choices]:
            return None, Problem("err.choice")
        return raw, None
    if f.type == "int":
        try:
            return int(str(raw).strip().translate(_FULLWIDTH_DIGITS)), None
        except ValueError:
            return None, Problem("err.integer")
    if f.type == "float":
        try:
            number = float(str(raw).strip().translate(_FULLWIDTH_DIGITS))
        except ValueError:
            return None, Problem("err.number")
        if not (0 <= number <= MAX_NUMBER):  # also refuses nan
            return None, Problem("err.number_range", {"low": 0, "high": MAX_NUMBER})
        return number, None
    if f.type == "ref":
        return str(raw), None
    raise AssertionError(f.type)  # pragma: no cover - FIELD_TYPES is closed


MAX_NUMBER = 1000  # the only decimal field is training hours

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


def validate(
    kind: Kind,
    raw: dict[str, Any],
    *,
    today: dt.date,
    lookup: Lookup,
    uuid: str | None = None,
    limits: Limits = Limits(),
    converted: dict | None = None,
) -> ValidationResult:
    """Check and clean ``raw`` (field name → typed value) for a record of ``kind``.

    ``uuid`` is the record being edited (None for a new one), so uniqueness checks
    do not trip over the record itself.

    ``converted``: a dict a caller checking many records keeps from one record to the next
    (the hub, a bundle's thousands): a field's value is converted once per distinct value
    (conversion depends on the field and the value alone; lists and fractions are
    converted each time).
    """
    values: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    fields, references = _plan(kind)
    for f, name, only_if, default, empty, fid in fields:
        if only_if and raw.get(only_if[0]) != only_if[1]:
            # The field does not apply (e.g. head attendance of a non-administrative meeting).
            values[name] = empty
            continue
        raw_value = raw.get(name, default)
        if converted is None or type(raw_value) not in _SHARED_TYPES:
            value, problem = _clean_one(f, raw_value)
        else:
            key = (fid, type(raw_value), raw_value)  # 1, 1.0 and True are one key without the type
            done = converted.get(key)
            if done is None:
                done = converted[key] = _clean_one(f, raw_value)
            value, problem = done
        values[name] = value
        if problem:
            problems[name] = problem

    for f in references:
        if f.name in problems:
            continue
        if f.type == "ref" and values[f.name] and not lookup.exists(f.ref, values[f.name]):
            problems[f.name] = Problem("err.ref_missing")
        if f.type == "refs":
            missing = [u for u in values[f.name] if not lookup.exists(f.ref, u)]
            if missing:
                problems[f.name] = Problem("err.refs_missing", {"count": len(missing)})

    checker = _KIND_CHECKS.get(kind.name)
    if checker:
        for name, problem in checker(values, today, lookup, uuid, limits):
            problems.setdefault(name, problem)
    return ValidationResult(values, problems)


# values whose conversion equal values of the same type may share (not lists; not
# fractions: 0.0 and -0.0 are equal)
_SHARED_TYPES = frozenset({str, int, bool, type(None)})

_PLANS: dict[str, tuple[Kind, tuple[tuple, ...], tuple[Field, ...]]] = {}


def _plan(kind: Kind) -> tuple[tuple[tuple, ...], tuple[Field, ...]]:
    """What :func:`validate` reads of a kind's fields, looked up once per kind: (field, name,
    only_if, default, the value of a field that does not apply, a key) of each field, and
    the fields that name other records."""
    known = _PLANS.get(kind.name)
    if known is None or known[0] is not kind:
        fields = tuple(
            (f, f.name, f.only_if, f.default, "" if f.type in ("text", "longtext") else None, id(f)) for f in kind.fields
        )
        known = _PLANS[kind.name] = (kind, fields, tuple(f for f in kind.fields if f.type in ("ref", "refs")))
    return known[1], known[2]


def validate_many(
    kind: Kind,
    raws: Sequence[Mapping[str, Any]],
    *,
    today: dt.date,
    lookup: Lookup,
    uuids: Sequence[str | None],
    limits: Limits = Limits(),
    columns: Sequence[Sequence[Any]] | None = None,
) -> dict[int, dict[str, Problem]]:
    """What :func:`validate` finds wrong with each of many records of ``kind`` (the hub's
    check of a bundle): index → problems, for the records with any, in index order.
    ``result.get(i, {})`` is ``validate(kind, raws[i], today=today, lookup=lookup,
    uuid=uuids[i], limits=limits).problems``: the same problems, in the same order.

    The same conversions (:func:`_clean_one`) and the same rules (the kind's checks below)
    run, in another order of work: a field's values are converted a column at a time (each
    distinct value once; a column of clean text, the common case, by a few calls over the
    column), references are looked up once per distinct id, and then each record's converted
    values go through the kind's checks. ``lookup`` must give the same answer to the same
    question (it is asked once per distinct id, not once per record).

    ``columns``: the records' values already read a column at a time, one sequence per
    field of ``kind`` in its order, each ``[raw[name] for raw in raws]`` (every record
    holds every field); read instead of ``raws``'s values."""
    if not raws:
        return {}
    fields, references = _plan(kind)
    names = tuple(plan[1] for plan in fields)
    if columns is None:
        raw_columns = _raw_columns(raws, fields)
    else:
        raw_columns = _Columns(columns)
        raw_columns.complete = True
    found: dict[int, dict[str, Problem]] = {}
    value_columns: list[Sequence[Any]] = []
    for (f, name, only_if, _default, empty, _fid), column in zip(fields, raw_columns):
        values, problems = _convert_column(f, column)
        if only_if:
            other, wanted = only_if
            if raw_columns.complete and other in names:
                gate = raw_columns[names.index(other)]
            else:
                gate = [raw.get(other) for raw in raws]
            # validate's test, raw.get(only_if[0]) != only_if[1], record by record
            off = list(itertools.compress(range(len(raws)), map(operator.ne, gate, itertools.repeat(wanted))))
            if off:
                values = list(values)
                for i in off:
                    values[i] = empty
                    problems.pop(i, None)
        for i, problem in problems.items():
            found.setdefault(i, {})[name] = problem
        value_columns.append(values)

    for f in references:
        column = value_columns[names.index(f.name)]
        if f.type == "ref":
            missing = {u for u in set(column) if u and not lookup.exists(f.ref, u)}
            for i in _indexes(column, missing.__contains__) if missing else ():
                if f.name not in found.get(i, ()):
                    found.setdefault(i, {})[f.name] = Problem("err.ref_missing")
        else:
            missing = {u for u in set(itertools.chain.from_iterable(column)) if not lookup.exists(f.ref, u)}
            for i in _indexes(column, missing.isdisjoint, want=False) if missing else ():
                if f.name not in found.get(i, ()):
                    count = sum(u in missing for u in column[i])
                    found.setdefault(i, {})[f.name] = Problem("err.refs_missing", {"count": count})

    checker = _KIND_CHECKS.get(kind.name)
    quiet = _QUIET.get(kind.name)
    if checker and not (quiet and quiet(dict(zip(names, value_columns)), today, limits)):
        for i, row in enumerate(zip(*value_columns)):
            for name, problem in checker(dict(zip(names, row)), today, lookup, uuids[i], limits):
                found.setdefault(i, {}).setdefault(name, problem)
    return dict(sorted(found.items()))


def _indexes(column: Sequence[Any], test, want: bool = True) -> list[int]:
    """The indexes of the values of ``column`` for which ``test`` is ``want``."""
    hits = map(test, column)
    return list(itertools.compress(range(len(column)), hits if want else map(operator.not_, hits)))


class _Columns(list):
    """The raw values of each field, a list per field; ``complete``: every record holds
    every field (so a column is also what ``raw.get(name)`` gives)."""

    complete = False


def _raw_columns(raws: Sequence[Mapping[str, Any]], fields: tuple[tuple, ...]) -> _Columns:
    """Each field's ``raw.get(name, default)`` over the records, as columns."""
    names = [plan[1] for plan in fields]
    columns = _Columns()
    try:
        if len(names) == 1:
            columns.append(list(map(operator.itemgetter(names[0]), raws)))
        else:
            columns.extend(zip(*map(operator.itemgetter(*names), raws)))
        columns.complete = True
    except KeyError:  # a record without one of the fields: each takes the field's default
        columns.clear()
        columns.extend([raw.get(name, default) for raw in raws] for _f, name, _only_if, default, _empty, _fid in fields)
    return columns


_TEXT_TYPES = ("text", "longtext")
_ISO_DAYS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_days(column: Sequence[str]) -> bool:
    """Every value is a day written as ``YYYY-MM-DD`` in ASCII digits that exists: what
    :func:`parse_date` reads as that day and ``isoformat`` writes back as the same text."""
    if not column:
        return True
    text = "\n".join(column)
    if text.count("\n") != len(column) - 1 or _ISO_DAYS.fullmatch(text) is None:
        return False
    try:
        for day in set(column):
            dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _convert_column(f: Field, column: Sequence[Any]) -> tuple[Sequence[Any], dict[int, Problem]]:
    """(converted values, index → problem) of :func:`_clean_one` over a field's column."""
    types = set(map(type, column))
    if f.type in _TEXT_TYPES and types == {str}:
        text = "".join(column)
        if f.type == "longtext":  # a line break and a tab stay in a multi-line field
            text = text.replace("\n", "").replace("\t", "")
        if text.isprintable():  # clean_text leaves each value as it is
            stripped = list(map(str.strip, column))  # a blank one is "" (not required) or refused
            if (not f.required or "" not in stripped) and max(map(len, stripped)) <= f.max_length:
                return stripped, {}
    if f.type == "date" and types <= {str, type(None)} and (not f.required or type(None) not in types):
        if _iso_days([value for value in column if value is not None] if type(None) in types else column):
            return column, {}  # parse_date gives each of these days back as it is; None stays None
    if f.type == "float" and types <= {int, float}:
        # the conversion reads str(value), which is repr(value) for these: one per distinct text
        keys = list(map(repr, column))
        done = {key: _clean_one(f, value) for key, value in dict(zip(keys, column)).items()}
        bad = {key for key, (_, problem) in done.items() if problem}
        problems = {i: done[keys[i]][1] for i in _indexes(keys, bad.__contains__)} if bad else {}
        return [done[key][0] for key in keys], problems
    if f.type == "refs" and types == {list}:
        # lists of distinct ids, as the hub's bundles hold: each list converts to itself
        if set(map(type, itertools.chain.from_iterable(column))) <= {str} and list(map(len, map(set, column))) == list(map(len, column)):
            return column, {}
    if len(types - {type(None)}) <= 1 and types <= _SHARED_TYPES:
        # one type (and None): equal values are the same value, converted once each
        done = {value: _clean_one(f, value) for value in set(column)}
        bad = {value for value, (_, problem) in done.items() if problem}
        problems = {i: done[column[i]][1] for i in _indexes(column, bad.__contains__)} if bad else {}
        if all(type(converted) is type(value) and converted == value for value, (converted, _) in done.items()):
            return column, problems
        converted = {value: result[0] for value, result in done.items()}
        return list(map(converted.__getitem__, column)), problems
    results = [_clean_one(f, value) for value in column]  # lists, fractions, mixed types
    return [value for value, _ in results], {i: problem for i, (_, problem) in enumerate(results) if problem}


def _date(values: dict[str, Any], name: str) -> dt.date | None:
    text = values.get(name)
    return dt.date.fromisoformat(text) if text else None


def _check_meeting(values, today, lookup, uuid, limits):
    day = _date(values, "date")
    if day and day > today + dt.timedelta(days=limits.future_meeting_days):
        yield "date", Problem("err.date_too_far", {"days": limits.future_meeting_days})
    if values["kind"] == "admin":
        attendance = values.get("head_attendance")
        if not attendance:
            yield "head_attendance", Problem("err.attendance_required")
        elif attendance in ("partial", "absent") and not values.get("head_absence_reason"):
            yield "head_absence_reason", Problem("err.reason_required")


def _check_staff(values, today, lookup, uuid, limits):
    issued, expiry = _date(values, "cert_issued"), _date(values, "cert_expiry")
    if issued and expiry and expiry < issued:
        yield "cert_expiry", Problem("err.expiry_before_issue")
    if issued and issued > today:
        yield "cert_issued", Problem("err.date_in_future")
    if values.get("cert_no"):
        if not expiry:
            yield "cert_expiry", Problem("err.expiry_required")
        if lookup.is_taken("staff", "cert_no", values["cert_no"], uuid):
            yield "cert_no", Problem("err.duplicate_cert", {"value": values["cert_no"]})
    elif expiry or issued:
        yield "cert_no", Problem("err.cert_no_required")
    start = _date(values, "start_date")
    if start and start > today + dt.timedelta(days=limits.future_meeting_days):
        yield "start_date", Problem("err.date_too_far", {"days": limits.future_meeting_days})
    if not values.get("active"):
        # left post: the last day is asked for (an old record only knew "not active")
        end = _date(values, "end_date")
        if end is None:
            yield "end_date", Problem("err.end_date_required")
        elif end > today:
            yield "end_date", Problem("err.date_in_future")
        elif start and end < start:
            yield "end_date", Problem("err.end_before_start")


def _check_delegated_item(values, today, lookup, uuid, limits):
    if values.get("code") and lookup.is_taken("delegated_item", "code", values["code"], uuid):
        yield "code", Problem("err.duplicate_code", {"value": values["code"]})
    if values.get("status") in ("deferred", "withdrawn") and not values.get("status_reason"):
        yield "status_reason", Problem("err.reason_required")


def _check_training(values, today, lookup, uuid, limits):
    day = _date(values, "date")
    if day and day > today + dt.timedelta(days=limits.future_meeting_days):
        yield "date", Problem("err.date_too_far", {"days": limits.future_meeting_days})


def _check_hearing(values, today, lookup, uuid, limits):
    day = _date(values, "date")
    if day and day > today:
        yield "date", Problem("err.date_in_future")


def _check_annual_report(values, today, lookup, uuid, limits):
    year = values.get("year")
    if year is None:
        return
    if not (limits.earliest_year <= year <= today.year):
        yield "year", Problem("err.year_range", {"low": limits.earliest_year, "high": today.year})
        return
    if lookup.is_taken("annual_report", "year", year, uuid):
        yield "year", Problem("err.duplicate_year", {"value": year})
    for name in ("sent_on", "published_on"):
        day = _date(values, name)
        if day and day.year < year:
            yield name, Problem("err.before_report_year", {"year": year})
        elif day and day > today:
            yield name, Problem("err.date_in_future")


def _not_future(values, today, *names):
    for name in names:
        day = _date(values, name)
        if day and day > today:
            yield name, Problem("err.date_in_future")


def _not_too_far(values, today, limits, name):
    day = _date(values, name)
    if day and day > today + dt.timedelta(days=limits.future_meeting_days):
        yield name, Problem("err.date_too_far", {"days": limits.future_meeting_days})


def _not_before(values, first, name, key):
    start, day = _date(values, first), _date(values, name)
    if start and day and day < start:
        yield name, Problem(key)


def _check_enforcement_decision(values, today, lookup, uuid, limits):
    # a review after the decision is a fact to record (the checklist counts it against T26);
    # a publication is after the decision, and neither lies in the future
    yield from _not_too_far(values, today, limits, "date")
    yield from _not_future(values, today, "review_date", "published_on")
    yield from _not_before(values, "date", "published_on", "err.before_decision")
    if values.get("reviewed") and not values.get("review_date"):
        yield "review_date", Problem("err.required")
    if values.get("published") and not values.get("published_on"):
        yield "published_on", Problem("err.required")
    if values.get("case_no") and lookup.is_taken("enforcement_decision", "case_no", values["case_no"], uuid):
        yield "case_no", Problem("err.duplicate_case", {"value": values["case_no"]})


def _check_received(values, today, lookup, uuid, limits, done):
    yield from _not_future(values, today, "received_on", done)
    yield from _not_before(values, "received_on", done, "err.before_received")


def _check_complaint(values, today, lookup, uuid, limits):
    yield from _check_received(values, today, lookup, uuid, limits, "closed_on")


def _check_recommendation(values, today, lookup, uuid, limits):
    yield from _check_received(values, today, lookup, uuid, limits, "replied_on")


def _check_lawsuit(values, today, lookup, uuid, limits):
    yield from _not_too_far(values, today, limits, "hearing_date")
    if values.get("case_no") and lookup.is_taken("lawsuit", "case_no", values["case_no"], uuid):
        yield "case_no", Problem("err.duplicate_case", {"value": values["case_no"]})


def _check_past(name):
    def check(values, today, lookup, uuid, limits):
        yield from _not_future(values, today, name)

    return check


def _check_planned(name):
    def check(values, today, lookup, uuid, limits):
        yield from _not_too_far(values, today, limits, name)

    return check


_KIND_CHECKS = {
    "meeting": _check_meeting,
    "staff": _check_staff,
    "delegated_item": _check_delegated_item,
    "training": _check_training,
    "hearing": _check_hearing,
    "annual_report": _check_annual_report,
    "enforcement_decision": _check_enforcement_decision,
    "complaint": _check_complaint,
    "recommendation": _check_recommendation,
    "lawsuit": _check_lawsuit,
    "supervision_check": _check_planned("date"),
    "oath": _check_planned("date"),
    "law_report": _check_planned("date"),
    "exam_result": _check_planned("date"),
    "law_list": _check_planned("issued_on"),
    "training_plan": _check_planned("issued_on"),
    "law_office": _check_past("set_up_on"),
}


# -- the same rules over columns: whether no record breaks any -------------------------------
#
# For the kinds most records are of, a test over the converted columns that the kind's
# checks above find nothing in any record (a date a column holds is None or ``YYYY-MM-DD``,
# as ``_clean_one`` writes it: the text's order is the days' order). validate_many runs the
# checks record by record only when it fails; so the checks above stay the one statement
# of the rules, and these only say, conservatively, that they would find nothing.


def _latest(column: Sequence[Any]) -> str:
    return max(filter(None, column), default="")


def _none_after(column: Sequence[Any], day: dt.date) -> bool:
    """No day of ``column`` is later than ``day``."""
    return _latest(column) <= day.isoformat()


def _none_too_far(column: Sequence[Any], today: dt.date, limits: Limits) -> bool:
    latest = _latest(column)
    return not latest or latest <= (today + dt.timedelta(days=limits.future_meeting_days)).isoformat()


def _none_before(first: Sequence[Any], then: Sequence[Any]) -> bool:
    """No record's ``then`` day is earlier than its ``first`` day (both given)."""
    return not any(day < start for start, day in zip(first, then) if start and day)


def _quiet_meeting(columns, today, limits):
    if not _none_too_far(columns["date"], today, limits):
        return False
    for kind, attendance, reason in zip(columns["kind"], columns["head_attendance"], columns["head_absence_reason"]):
        if kind == "admin" and (not attendance or (attendance in ("partial", "absent") and not reason)):
            return False
    return True


def _quiet_received(done):
    def quiet(columns, today, limits):
        received, closed = columns["received_on"], columns[done]
        return _none_after(received, today) and _none_after(closed, today) and _none_before(received, closed)

    return quiet


def _quiet_past(name):
    def quiet(columns, today, limits):
        return _none_after(columns[name], today)

    return quiet


def _quiet_planned(name):
    def quiet(columns, today, limits):
        return _none_too_far(columns[name], today, limits)

    return quiet


_QUIET = {
    "meeting": _quiet_meeting,
    "training": _quiet_planned("date"),
    "hearing": _quiet_past("date"),
    "complaint": _quiet_received("closed_on"),
    "recommendation": _quiet_received("replied_on"),
    "supervision_check": _quiet_planned("date"),
    "oath": _quiet_planned("date"),
    "law_report": _quiet_planned("date"),
    "exam_result": _quiet_planned("date"),
    "law_list": _quiet_planned("issued_on"),
    "training_plan": _quiet_planned("issued_on"),
    "law_office": _quiet_past("set_up_on"),
}
