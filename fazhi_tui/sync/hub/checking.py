"""The hub checks every record of a bundle as the township's forms do.

A township controls its own PC and database, so every value in its bundle is untrusted:
:func:`check_records` runs the forms' own conversions and rules on every live record
(:func:`fazhi_tui.domain.validation.validate_many`: what ``validate``, the function the forms
run, finds in each record, worked out a column at a time), and refuses the whole
bundle at the first record the forms would refuse, naming the record and the field.

Two kinds of a form's problems depend on when the record was typed rather than on the
record, and are not held against a bundle (:data:`WHEN_TYPED`): a date "in the future"
or "too far ahead" (the form compares with the day it was typed; a record typed on a
township PC whose date differs from the county's by a day is not wrong), and what a later
version of the forms came to ask for that older records never had (a staff member's last
day, added in schema 4: see migration 4). Nor is a text field's length or emptiness: text
is cleaned and bounded by the bundle's own check, and a township legitimately holds text
its forms would not take (a county catalog's long legal basis, a title that cleaning
emptied); it is shown as text, never as anything else. Uniqueness (an item code, a certificate number,
a report year) is the database's own unique indexes at the hub, refused as a duplicate.

A reference (a hearing's staff member, a training's items) must name a record of the same
member the bundle carries or the hub holds; a tombstoned one counts (a record may keep a
link to a person since deleted), a record the hub has never heard of does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
from typing import Any

from fazhi_tui.domain.kinds import KINDS, Kind
from fazhi_tui.domain.validation import validate_many
from fazhi_tui.storage.hub_store import uuids_held
from fazhi_tui.sync.errors import RecordRefused

__all__ = ["check_records", "WHEN_TYPED"]

WHEN_TYPED = frozenset({"err.date_in_future", "err.date_too_far", "err.year_range", "err.end_date_required"})


class _Lookup:
    """What the forms ask the database, answered from the bundle and the hub."""

    def __init__(self, carried: dict[str, set[str]], held: dict[str, set[str]]) -> None:
        self.carried, self.held = carried, held

    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        return False  # the hub's unique indexes decide (err.bundle_duplicate)

    def exists(self, kind: str, uuid: str) -> bool:
        return uuid in self.carried.get(kind, ()) or uuid in self.held.get(kind, ())


def _raw(refs: tuple[str, ...], row: dict[str, Any], lists: dict[str, list[str]]) -> dict[str, Any]:
    """A stored row's fields as the form would hand them to ``validate``: a list of
    references as a list (``refs``: the kind's fields of that type). A yes/no field stays
    0 or 1, which ``validate`` reads as the form's False and True (``bool()`` of it, and
    0 == False where a field applies only if another is False)."""
    if not refs:
        return row
    raw = dict(row)
    for name in refs:
        value = raw[name]
        if isinstance(value, str):
            raw[name] = lists[value] if value in lists else _ids(value)  # read, never changed
    return raw


def _ids(text: str) -> list[Any]:
    """``json.loads`` of a list of references: split at C speed when it is written as the
    bundle's check writes one (``["a", "b"]``: printable ids without quotes or escapes)."""
    if len(text) >= 4 and text.startswith('["') and text.endswith('"]') and "\\" not in text:
        ids = text[2:-2].split('", "')
        joined = "".join(ids)
        if '"' not in joined and joined.isprintable():
            return ids
    return json.loads(text)


_UUID = operator.itemgetter("uuid")
_DELETED_AT = operator.itemgetter("deleted_at")


def _label(kind: Kind, row: dict[str, Any]) -> str:
    parts = [str(row[name]) for name in kind.label_fields if row.get(name) not in (None, "")]
    return " ".join(parts)[:60] or row["uuid"]


def check_records(
    db: Any, member: str, records: dict[str, list[dict[str, Any]]], today: dt.date, columns: dict[str, dict[str, Any]] | None = None
) -> None:
    """Raise :class:`RecordRefused` at the first live record the forms would refuse.

    ``columns``: kind → its fields' values a column at a time, for kinds the bundle's check
    read that way (``bundle.decode_clean_rows``: each field as its rows hold it, and a list
    of ids also as a list, ``name + "[]"``), read instead of the rows' values."""
    columns = columns or {}
    carried = {name: set(map(_UUID, rows)) for name, rows in records.items()}
    wanted: dict[str, set[str]] = {}
    lists: dict[str, list[str]] = {"[]": []}  # each list of references (JSON text) parsed once
    for name, rows in records.items():
        kind = KINDS[name]
        known = columns.get(name)
        for f in kind.fields:
            if f.type == "ref":
                named = set(known[f.name] if known else map(operator.itemgetter(f.name), rows)) - {""}
            elif f.type == "refs" and known:
                named = set(itertools.chain.from_iterable(known[f"{f.name}[]"]))
            elif f.type == "refs":
                texts = set(map(operator.itemgetter(f.name), rows))
                lists.update((text, _ids(text)) for text in texts - lists.keys())
                named = set(itertools.chain.from_iterable(map(lists.__getitem__, texts)))
            else:
                continue
            wanted.setdefault(f.ref, set()).update(named - carried.get(f.ref, set()))
    held = {name: uuids_held(db, name, sorted(uuids), member) for name, uuids in wanted.items() if uuids}
    lookup = _Lookup(carried, held)
    for name, rows in records.items():
        kind = KINDS[name]
        refs = tuple(f.name for f in kind.fields if f.type == "refs")
        known = columns.get(name)
        if known is not None:
            # a tombstone is shown nowhere and counts for nothing
            alive = [at is None for at in map(_DELETED_AT, rows)]
            live = list(itertools.compress(rows, alive)) if False in alive else rows
            read = [known[f"{f.name}[]" if f.type == "refs" else f.name] for f in kind.fields]
            if live is not rows:
                read = [list(itertools.compress(column, alive)) for column in read]
            found = validate_many(kind, live, today=today, lookup=lookup, uuids=list(map(_UUID, live)), columns=read)
        else:
            live = [row for row in rows if row["deleted_at"] is None]  # a tombstone is shown nowhere and counts for nothing
            raws = [_raw(refs, row, lists) for row in live] if refs else live
            found = validate_many(kind, raws, today=today, lookup=lookup, uuids=[row["uuid"] for row in live])
        for index, problems in found.items():
            row = live[index]
            for field_name, problem in problems.items():
                if problem.key in WHEN_TYPED or kind.field(field_name).type in ("text", "longtext"):
                    continue
                raise RecordRefused(
                    name, _label(kind, row), field_name, problem.key, dict(problem.params),
                    f"{name} record {row['uuid']}: {field_name}: {problem.key} {problem.params}",
                )
