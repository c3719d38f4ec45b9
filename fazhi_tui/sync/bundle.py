"""The bundle format: what an up- or down-bundle holds and how it is checked.

A bundle is a ZIP archive (see :mod:`fazhi_tui.sync.container`) of three members:

* ``manifest.json`` — format and schema versions, direction (``up`` or ``down``), who
  made it (office code, device id and public key, or the hub), the bundle's sequence
  number, creation time, record counts per kind and the SHA-256 digest of the payload.
* ``manifest.sig`` — the Ed25519 signature of ``manifest.json``'s exact bytes.
* ``payload.bin`` — the records (up) or the catalog, rules and confirmations (down):
  JSON, zlib-compressed; sealed to the hub's X25519 key for up-bundles, so a lost stick
  leaks nothing.

Every check runs before anything is written: structure, manifest fields and types,
signature, digest, decryption, size limits, then each record's fields and types.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import json
import math
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.i18n import kind_label
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.kinds import CHOICES, KINDS, Field, Kind
from fazhi_tui.storage.database import latest_version
from fazhi_tui.storage.store import SYSTEM_COLUMNS
from fazhi_tui.sync import crypto
from fazhi_tui.sync.container import container_bytes, gunzip_limited, gzip_bytes, read_container, write_container
from fazhi_tui.sync.errors import BundleRefused, RecordRefused

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SUFFIX",
    "Manifest",
    "write_bundle",
    "bundle_bytes",
    "read_signed",
    "read_signed_files",
    "encode_rows",
    "decode_rows",
    "decode_clean_rows",
    "check_nesting",
    "payload_bytes",
    "payload_json",
]

FORMAT = "fazhi-tui-bundle"
FORMAT_VERSION = 1
SUFFIX = ".fzb"
MANIFEST_LIMIT = 64 * 1024
PAYLOAD_LIMIT = 256 * 1024 * 1024
SIGNATURE_SIZE = 64
EXPANDED_LIMIT = 512 * 1024 * 1024
MAX_JSON_DEPTH = 8
# Bounded work per bundle: no township holds this many records of one kind (twenty years of
# daily meetings are 7,300), and real records compress about 5-10 times; a payload that
# expands further is repetition made to grow the hub's database, refused before it is parsed.
MAX_RECORDS_PER_KIND = 100_000
MAX_EXPANSION_RATIO = 50
MEMBERS = {"manifest.json": MANIFEST_LIMIT, "manifest.sig": SIGNATURE_SIZE, "payload.bin": PAYLOAD_LIMIT}
# An up-bundle may also carry evidence files (sync/evidence.py): ``files.bin``, sealed, its
# digest in the signed manifest (``files_sha256``).
FILES_MEMBER = "files.bin"
FILES_LIMIT = 256 * 1024 * 1024
MAX_PARTS = 999

# field types whose column may hold NULL when the field is optional (see schema.sql)
NULLABLE_TYPES = ("date", "choice", "int")

# Every pattern that validates is used with fullmatch (``$`` alone would let a trailing
# newline through) and names ASCII digits ([0-9]: ``\d`` also matches "６" and "٣").
_CODE = re.compile(r"[0-9]{4,9}")
_UUIDISH = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# exactly the form utc_now() writes: stamps are compared as text, and stamp_after() parses them
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Manifest:
    """The checked manifest of a bundle."""

    raw: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)


# -- writing -----------------------------------------------------------------------------------


def payload_bytes(data: dict[str, Any]) -> bytes:
    return gzip_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_bundle(path: Path, manifest: dict[str, Any], payload: bytes, signing_key, files: bytes | None = None) -> None:
    """Sign the manifest (which names the payload's digest) and write the file atomically."""
    write_container(path, _members(manifest, payload, signing_key, files))


def bundle_bytes(manifest: dict[str, Any], payload: bytes, signing_key, files: bytes | None = None) -> bytes:
    """The bytes :func:`write_bundle` writes (for a caller that stages the file itself).
    ``files``: the sealed evidence files, as a member of their own named in the manifest."""
    return container_bytes(_members(manifest, payload, signing_key, files))


def _members(manifest: dict[str, Any], payload: bytes, signing_key, files: bytes | None = None) -> dict[str, bytes]:
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION, "payload_sha256": crypto.sha256_hex(payload)}
    if files is not None:
        manifest["files_sha256"] = crypto.sha256_hex(files)
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    members = {"manifest.json": manifest_bytes, "manifest.sig": crypto.sign(signing_key, manifest_bytes), "payload.bin": payload}
    if files is not None:
        members[FILES_MEMBER] = files
    return members


# -- reading -----------------------------------------------------------------------------------


_CONTAINER_TYPES = frozenset({dict, list})  # what json.loads makes that holds values


def _depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How many containers deep ``value`` nests (a scalar 0, ``[]`` 1, ``[[1]]`` 2), counted
    no further than ``limit`` + 1. Level by level, looking into containers only: a bundle
    of 20,000 rows is a few list operations per level, not a call per value."""
    level, layer = 0, [value]
    while layer and level <= limit:
        containers = list(itertools.compress(layer, map(_CONTAINER_TYPES.__contains__, map(type, layer))))
        if not containers:
            break
        level += 1
        layer = []
        for container in containers:
            layer.extend(container.values() if isinstance(container, dict) else container)
    return level


def _loads(data: bytes, what: str) -> Any:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleRefused("err.bundle_damaged", f"{what} is not JSON: {exc}") from exc
    return value


def is_stamp(value: Any) -> bool:
    """A time stamp exactly as this program writes it, and a real moment (not 2026-13-45),
    with room after it for stamp_after() (not the last microsecond of year 9999)."""
    if not isinstance(value, str) or not _STAMP.fullmatch(value):
        return False
    return _real_day(value[:10]) and value[:10] < "9999-12-31" and value[11:13] < "24" and value[14:16] < "60" and value[17:19] < "60"


def is_date(value: Any) -> bool:
    """A calendar date as YYYY-MM-DD in ASCII digits, and one that exists (not 2026-02-30)."""
    return isinstance(value, str) and _DATE.fullmatch(value) is not None and _real_day(value)


@functools.lru_cache(maxsize=4096)
def _real_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _require(manifest: dict[str, Any], key: str, kind: type | tuple[type, ...], pattern: re.Pattern | None = None) -> Any:
    value = manifest.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise BundleRefused("err.bundle_damaged", f"manifest field {key!r} is missing or of the wrong type")
    if pattern is not None and not pattern.fullmatch(value):
        raise BundleRefused("err.bundle_damaged", f"manifest field {key!r} is malformed")
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value < 2**53:
        raise BundleRefused("err.bundle_damaged", f"manifest field {key!r} is out of range")
    return value


def check_manifest(raw: Any, direction: str) -> Manifest:
    """Field-by-field check of a manifest's shape (not yet of its signature)."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BundleRefused("err.bundle_not_bundle", "manifest does not name the bundle format")
    if _depth(raw) > 4:
        raise BundleRefused("err.bundle_damaged", "manifest nests too deeply")
    version = raw.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleRefused("err.bundle_damaged", "format_version is missing")
    if version > FORMAT_VERSION:
        raise BundleRefused("err.bundle_newer", f"format version {version} is newer than {FORMAT_VERSION}")
    if raw.get("direction") != direction:
        key = "err.bundle_wrong_direction_up" if direction == "up" else "err.bundle_wrong_direction_down"
        raise BundleRefused(key, f"direction is {raw.get('direction')!r}, expected {direction!r}")
    schema_version = _require(raw, "schema_version", int)
    if schema_version > latest_version():
        raise BundleRefused("err.bundle_newer", f"schema version {schema_version} is newer than {latest_version()}")
    _require(raw, "bundle_id", str, _UUIDISH)
    if not is_stamp(_require(raw, "created_at", str, _STAMP)):
        raise BundleRefused("err.bundle_damaged", "manifest field 'created_at' is not a real moment")
    _require(raw, "seq", int)
    _require(raw, "payload_sha256", str, _HEX64)
    _require(raw, "member", str, _CODE)
    _require(raw, "hub", str, _CODE)
    if direction == "up":
        _require(raw, "device_id", str, _UUIDISH)
        _require(raw, "device_key", str)
        _require(raw, "generation", int)
        _require(raw, "proof", str, _HEX64)
        _require(raw, "since_seq", int)
        offices = raw.get("offices", {})
        if (
            not isinstance(offices, dict)
            or len(offices) > 100000
            or not all(isinstance(k, str) and _CODE.fullmatch(k) and isinstance(v, str) and len(v) <= 100 for k, v in offices.items())
        ):
            raise BundleRefused("err.bundle_damaged", "manifest offices are malformed")
        # The one rule for text (base/text.py): office names are kept clean. The signature
        # covers the manifest's bytes, not this parsed copy.
        raw["offices"] = {code: clean_text(name) for code, name in offices.items()}
        counts = _require(raw, "counts", dict)
        if set(counts) - set(KINDS) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**8 for v in counts.values()):
            raise BundleRefused("err.bundle_damaged", "manifest counts are malformed")
        check_counts(counts)
        if "files_sha256" in raw:
            _require(raw, "files_sha256", str, _HEX64)
        if "part" in raw or "parts" in raw:
            part, parts = _require(raw, "part", int), _require(raw, "parts", int)
            if not 1 <= part <= parts <= MAX_PARTS:
                raise BundleRefused("err.bundle_damaged", "manifest part numbers are malformed")
    return Manifest(raw)


def read_signed(path: Path, direction: str, data: bytes | None = None) -> tuple[Manifest, bytes, bytes, bytes]:
    """:func:`read_signed_files` without the evidence files."""
    return read_signed_files(path, direction, data)[:4]


def read_signed_files(path: Path, direction: str, data: bytes | None = None) -> tuple[Manifest, bytes, bytes, bytes, bytes | None]:
    """Read a bundle's members and check the manifest's shape and the payload's digest.

    Returns (manifest, manifest bytes, signature, payload, the sealed evidence files or
    None; their digest checked against the manifest's ``files_sha256``). The caller checks the
    signature against the key it trusts for the manifest's sender. ``data``: the file's
    bytes, when the caller has read them already.
    """
    if path.name.lower().endswith(".tmp"):
        # The hidden name a bundle has while it is written (fsutil.stage_bytes): an export
        # that stopped before the file took its name. Its number may be used again.
        raise BundleRefused("err.bundle_unfinished", f"{path.name} is the temporary file of an unfinished export")
    if direction == "up":
        members = read_container(path, {**MEMBERS, FILES_MEMBER: FILES_LIMIT}, data, optional=(FILES_MEMBER,))
    else:
        members = read_container(path, MEMBERS, data)
    manifest = check_manifest(_loads(members["manifest.json"], "manifest"), direction)
    if len(members["manifest.sig"]) != SIGNATURE_SIZE:
        raise BundleRefused("err.bundle_tampered", "signature has the wrong size")
    if crypto.sha256_hex(members["payload.bin"]) != manifest["payload_sha256"]:
        raise BundleRefused("err.bundle_tampered", "payload digest does not match the manifest")
    files = members.get(FILES_MEMBER)
    if (files is None) != ("files_sha256" not in manifest.raw):
        raise BundleRefused("err.bundle_tampered", "the evidence files and the manifest disagree")
    if files is not None and crypto.sha256_hex(files) != manifest["files_sha256"]:
        raise BundleRefused("err.bundle_tampered", "evidence files' digest does not match the manifest")
    return manifest, members["manifest.json"], members["manifest.sig"], members["payload.bin"], files


def check_counts(counts: Mapping[str, int]) -> None:
    """Refuse more records of one kind than :data:`MAX_RECORDS_PER_KIND`."""
    for name, count in counts.items():
        if count > MAX_RECORDS_PER_KIND:
            raise BundleRefused(
                "err.bundle_too_many", f"{count} {name} records, over the limit of {MAX_RECORDS_PER_KIND}",
                kind=kind_label(name), count=count, limit=MAX_RECORDS_PER_KIND,
            )


def payload_json(plain: bytes, *, ratio: int | None = None, nesting: bool = True) -> Any:
    """The payload's JSON. ``ratio``: refuse a payload that expands more than this many
    times its compressed size (checked while expanding, before anything is parsed).
    ``nesting=False``: the caller calls :func:`check_nesting` itself, before using it."""
    limit = EXPANDED_LIMIT if ratio is None else min(EXPANDED_LIMIT, max(len(plain), 4096) * ratio)
    try:
        expanded = gunzip_limited(plain, limit)
    except BundleRefused as exc:
        if ratio is not None and exc.key == "err.bundle_too_big" and limit < EXPANDED_LIMIT:
            raise BundleRefused(
                "err.bundle_expands", f"payload expands more than {ratio} times its size", ratio=ratio
            ) from exc
        raise
    data = _loads(expanded, "payload")
    if nesting:
        check_nesting(data)
    return data


def check_nesting(data: Any, clean: Mapping[str, Any] = {}) -> None:  # noqa: B006 - read only
    """Refuse a payload that nests deeper than :data:`MAX_JSON_DEPTH`. ``clean``: kinds
    whose rows (``data["records"][name]``) :func:`decode_clean_rows` accepted: its column
    checks found each row a dict of text, numbers, true/false, null and lists of ids (three
    deep below the records' two levels), so they are not walked again; the answer is the
    same as without ``clean``."""
    if clean and isinstance(data, dict) and isinstance(data.get("records"), dict):
        data = {**data, "records": {name: [] if name in clean else rows for name, rows in data["records"].items()}}
    if _depth(data) > MAX_JSON_DEPTH:
        raise BundleRefused("err.bundle_damaged", "payload nests too deeply")


# -- records -------------------------------------------------------------------------------------


def _field_json(f: Field, value: Any) -> Any:
    if f.type == "refs":
        return json.loads(value or "[]") if isinstance(value, str) else list(value or [])
    if f.type == "bool":
        return bool(value)
    return value


def encode_rows(kind: Kind, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Database rows → bundle rows (system columns, the kind's fields, and the write stamp)."""
    out = []
    for row in rows:
        item = {name: row[name] for name in SYSTEM_COLUMNS}
        item["sync_stamp"] = row["sync_stamp"] or row["updated_at"]
        for f in kind.fields:
            item[f.name] = _field_json(f, row[f.name])
        out.append(item)
    return out


def _bad(kind: Kind, index: int, what: str) -> BundleRefused:
    return BundleRefused("err.bundle_damaged", f"{kind.name} record {index}: {what}")


def _check_value(kind: Kind, f: Field, value: Any, index: int, label: str = "") -> Any:
    if value is None:
        # Only an optional date or choice may be empty (NULL): every other column is NOT NULL.
        if f.required or f.type not in NULLABLE_TYPES:
            raise _bad(kind, index, f"{f.name} is empty")
        return None
    if f.type in ("text", "longtext"):
        if not isinstance(value, str) or len(value) > max(f.max_length, 200) * 4:
            raise _bad(kind, index, f"{f.name} is not text of a sane length")
        # The one rule for text (base/text.py): what a township sends is stored clean.
        return clean_text(value, multiline=f.type == "longtext")
    elif f.type == "date":
        if not is_date(value):
            # named as the form names it: the record, the field, and why
            impossible = isinstance(value, str) and _DATE.fullmatch(value) is not None
            raise RecordRefused(
                kind.name, label, f.name, "err.date_impossible" if impossible else "err.date_format",
                {"text": str(value)[:40]}, f"{kind.name} record {index}: {f.name} is not a date",
            )
    elif f.type == "choice":
        if value not in CHOICES[f.choices]:
            raise _bad(kind, index, f"{f.name} has an unknown code")
    elif f.type == "bool":
        if not isinstance(value, bool):
            raise _bad(kind, index, f"{f.name} is not true/false")
        return 1 if value else 0
    elif f.type == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not -(10**9) < value < 10**9:
            raise _bad(kind, index, f"{f.name} is not a whole number")
    elif f.type == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 10**6:
            raise _bad(kind, index, f"{f.name} is not a number")
    elif f.type == "ref":
        if not isinstance(value, str) or not _UUIDISH.fullmatch(value):
            raise _bad(kind, index, f"{f.name} is not a record id")
    elif f.type == "refs":
        if not isinstance(value, list) or len(value) > 10000 or not all(isinstance(v, str) and _UUIDISH.fullmatch(v) for v in value):
            raise _bad(kind, index, f"{f.name} is not a list of record ids")
        return json.dumps(value, ensure_ascii=False)
    return value


def _default(f: Field) -> Any:
    """The database value of a column a row does not carry: its default, as a migration gives it."""
    if f.type == "bool":
        return 1 if f.default else 0
    if f.type == "refs":
        return "[]"
    return f.default if f.default is not None else ("" if f.type in ("text", "longtext") else None)


def decode_rows(kind: Kind, rows: Any, member: str, *, reuse: bool = False) -> list[dict[str, Any]]:
    """Bundle rows → database values, refusing any row that is malformed or not ``member``'s.

    Every row of a kind has the same keys in the same order: the system columns,
    ``sync_stamp``, the kind's fields. ``reuse``: the rows are the caller's own (a payload
    just parsed, not used again as it was), so a row that has those keys in that order
    already may become the decoded row itself, its converted values written into it."""
    if not isinstance(rows, list):
        raise BundleRefused("err.bundle_damaged", f"{kind.name}: not a list")
    check_counts({kind.name: len(rows)})
    try:
        decoded = _decode_columns(kind, rows, member, reuse)
    except (TypeError, ValueError):  # a value that cannot be hashed or compared: row by row
        decoded = None
    if decoded is not None:
        return decoded
    return _decode_each(kind, rows, member)


# -- the same checks, a column at a time ------------------------------------------------------
#
# A bundle's rows are checked a whole column at once, at C speed (a column's types as one
# set, its text joined and matched by one pattern, the distinct days looked up once each).
# Every check here is at least as strict as the row-by-row check of _decode_each below and
# gives the same values; a column that fails any of them sends the whole kind to
# _decode_each, which refuses the first bad row by its number and field, as it always has.

_UUID_COLUMN = re.compile(r"(?:[A-Za-z0-9_.:-]{1,64}\n)*[A-Za-z0-9_.:-]{1,64}")
_STAMP_BODY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z"
_STAMP_COLUMN = re.compile(rf"(?:{_STAMP_BODY}\n)*{_STAMP_BODY}")
_DATE_COLUMN = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY = operator.itemgetter(slice(0, 10))


def _all(values: tuple, *types: type) -> bool:
    return set(map(type, values)) <= set(types)


def _joined(values: list | tuple, pattern: re.Pattern) -> bool:
    """All ``values`` (str) match ``pattern``'s one-line body: one match over them joined
    (and no value holds a line break of its own, which would pass for two values)."""
    if not values:
        return True
    text = "\n".join(values)
    return text.count("\n") == len(values) - 1 and pattern.fullmatch(text) is not None


def _days_real(values: list | tuple) -> bool:
    """Every value's first ten characters (``YYYY-MM-DD``, checked before) are a real day
    before 9999-12-31: each distinct day read once, by ``_real_day``'s own reading."""
    days = set(map(_DAY, values))
    if not days:
        return True
    try:
        collections.deque(map(dt.date.fromisoformat, days), maxlen=0)
    except ValueError:
        return False
    return max(days) < "9999-12-31"


def _stamps(values: list | tuple) -> bool:
    return _joined(values, _STAMP_COLUMN) and _days_real(values)


def _column(kind: Kind, f: Field, values: tuple) -> list | tuple | None:
    """A field's column as stored, or None to let _decode_each decide."""
    if None in values:
        if f.required or f.type not in NULLABLE_TYPES:
            return None
        present = [v for v in values if v is not None]
    else:
        present = values
    if f.type in ("text", "longtext"):
        if not _all(values, str) or (values and max(map(len, values)) > max(f.max_length, 200) * 4):
            return None
        text = "".join(values)
        if f.type == "longtext":  # a line break and a tab stay as they are in a multi-line field
            text = text.replace("\n", "").replace("\t", "")
        if text.isprintable():  # clean_text leaves each value as it is
            return values
        return [clean_text(v, multiline=f.type == "longtext") for v in values]
    if f.type == "date":
        return values if _all(present, str) and _joined(present, _DATE_COLUMN) and _days_real(present) else None
    if f.type == "choice":
        return values if _all(present, str) and set(present) <= set(CHOICES[f.choices]) else None
    if f.type == "bool":
        return [1 if v else 0 for v in values] if _all(values, bool) else None
    if f.type == "int":
        ok = _all(present, int) and (not present or (min(present) > -(10**9) and max(present) < 10**9))
        return values if ok else None
    if f.type == "float":
        ok = _all(present, int, float) and (not present or (min(present) >= 0 and max(present) <= 10**6))
        return values if ok and not any(map(math.isnan, present)) else None
    if f.type == "ref":
        return values if _all(values, str) and _joined(values, _UUID_COLUMN) else None
    if f.type == "refs":
        if not _all(values, list) or (values and max(map(len, values)) > 10000):
            return None
        uuids = list(itertools.chain.from_iterable(values))
        if not _all(uuids, str) or not _joined(uuids, _UUID_COLUMN):
            return None
        # what json.dumps writes for a list of these ids (no character of theirs is escaped)
        return ['["' + '", "'.join(v) + '"]' if v else "[]" for v in values]
    return None  # pragma: no cover - FIELD_TYPES is closed


def decode_clean_rows(kind: Kind, rows: Any, member: str) -> tuple[list[dict[str, Any]], dict[str, Sequence[Any]]] | None:
    """``decode_rows(kind, rows, member, reuse=True)`` when every column passes the column
    checks (then it refuses nothing), with the kind's columns as read, else None (nothing
    changed: ``decode_rows`` decides, and refuses). The columns: field name → each row's
    value as stored (what the decoded row holds), in the rows' order; and for a list of
    ids, also ``name + "[]"`` → the lists as the bundle gave them (the row holds their
    JSON text)."""
    if not isinstance(rows, list) or len(rows) > MAX_RECORDS_PER_KIND:
        return None
    columns: dict[str, Sequence[Any]] = {}
    try:
        decoded = _decode_columns(kind, rows, member, True, columns)
    except (TypeError, ValueError):
        return None
    return None if decoded is None else (decoded, columns)


def _decode_columns(
    kind: Kind, rows: list, member: str, reuse: bool = False, fields: dict[str, Sequence[Any]] | None = None
) -> list[dict[str, Any]] | None:
    """_decode_each's result, checked a column at a time; None when any column is in doubt.
    ``fields``: filled with the kind's columns (see :func:`decode_clean_rows`)."""
    if not rows:
        if fields is not None:
            for f in kind.fields:
                fields[f.name] = []
                if f.type == "refs":
                    fields[f"{f.name}[]"] = []
        return []
    if not _all(rows, dict):
        return None
    keys = set(map(tuple, rows))
    if len(keys) != 1:
        return None
    (present,) = keys
    expected = set(SYSTEM_COLUMNS) | {"sync_stamp"} | set(kind.columns)
    optional = {f.name for f in kind.fields if f.added > 1}
    if not expected - optional <= set(present) <= expected:
        return None
    columns = dict(zip(present, zip(*map(operator.itemgetter(*present), rows))))
    # each distinct value checked once (a township's rows share a device id, and most a
    # record's three stamps)
    if not _all(columns["uuid"], str) or not _joined(columns["uuid"], _UUID_COLUMN):
        return None
    devices = set(columns["device_id"])
    if not _all(devices, str) or not _joined(list(devices), _UUID_COLUMN):
        return None
    townships = set(columns["township"])
    if not all(isinstance(t, str) and _CODE.fullmatch(t) and t.startswith(member) for t in townships):
        return None
    deleted = [v for v in columns["deleted_at"] if v is not None]
    stamps = set(deleted)
    for name in ("created_at", "updated_at", "sync_stamp"):
        stamps.update(columns[name])
    if not _all(stamps, str) or not _stamps(list(stamps)):
        return None
    revs = columns["rev"]
    if not _all(revs, int) or min(revs) < 1 or max(revs) >= 2**31:
        return None
    out = [columns[name] for name in (*SYSTEM_COLUMNS, "sync_stamp")]
    for f in kind.fields:
        if f.name in columns:
            column = _column(kind, f, columns[f.name])
            if column is None:
                return None
        else:
            column = itertools.repeat(_default(f), len(rows))
        out.append(column)
    names = (*SYSTEM_COLUMNS, "sync_stamp", *kind.columns)
    if fields is not None:
        skip = len(SYSTEM_COLUMNS) + 1
        for index, f in enumerate(kind.fields, skip):
            if isinstance(out[index], itertools.repeat):
                out[index] = [_default(f)] * len(rows)
            fields[f.name] = out[index]
            if f.type == "refs":
                fields[f"{f.name}[]"] = columns[f.name] if f.name in columns else [[]] * len(rows)
    if reuse and present == names:
        # the rows are already the decoded rows but for the columns a check converted
        # (yes/no as 1/0, lists of ids as JSON, text cleaned): those are written in
        for name, column in zip(names, out):
            if column is not columns[name]:
                collections.deque(map(operator.setitem, rows, itertools.repeat(name), column), maxlen=0)
        return rows
    return [dict(zip(names, values)) for values in zip(*out)]


def _decode_each(kind: Kind, rows: list, member: str) -> list[dict[str, Any]]:
    """decode_rows row by row: refuses the first bad row, naming it."""
    expected = set(SYSTEM_COLUMNS) | {"sync_stamp"} | set(kind.columns)
    # a township not yet upgraded sends rows without the columns added since (they take
    # their default: a staff member's end date, a service item's year)
    optional = {f.name for f in kind.fields if f.added > 1}
    out = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or not expected - optional <= set(row) <= expected:
            raise _bad(kind, index, "unexpected or missing fields")
        for name in ("uuid", "device_id"):
            if not isinstance(row[name], str) or not _UUIDISH.fullmatch(row[name]):
                raise _bad(kind, index, f"{name} is malformed")
        if not isinstance(row["township"], str) or not _CODE.fullmatch(row["township"]):
            raise _bad(kind, index, "township is malformed")
        if not row["township"].startswith(member):
            raise BundleRefused(
                "err.bundle_foreign_rows", f"{kind.name} record {row['uuid']} belongs to {row['township']}, not {member}"
            )
        for name in ("created_at", "updated_at", "sync_stamp"):
            if not is_stamp(row[name]):
                raise _bad(kind, index, f"{name} is not a time stamp")
        if row["deleted_at"] is not None and not is_stamp(row["deleted_at"]):
            raise _bad(kind, index, "deleted_at is not a time stamp")
        if not isinstance(row["rev"], int) or isinstance(row["rev"], bool) or not 1 <= row["rev"] < 2**31:
            raise _bad(kind, index, "rev is not a positive number")
        label = " ".join(str(row[n])[:40] for n in kind.label_fields if isinstance(row.get(n), str) and row[n]) or row["uuid"]
        clean = {name: row[name] for name in SYSTEM_COLUMNS}
        clean["sync_stamp"] = row["sync_stamp"]
        for f in kind.fields:
            clean[f.name] = _check_value(kind, f, row[f.name], index, label) if f.name in row else _default(f)
        out.append(clean)
    return out
