"""The delegated-items catalog (T41) as county offices really keep it: a spreadsheet.

A county keeps the list of enforcement powers it delegates to its townships in an Excel or
WPS file: a merged title row or two above the header, Chinese column names in whatever
order the office chose, blank rows, extra columns (序号, 备注), and — when saved as CSV on
a Chinese Windows PC — GB18030/GBK text, or UTF-8 with or without a BOM.

:func:`read_table` turns such a file into numbered rows of text, :func:`parse_catalog`
finds the header and checks every row (refusing a row, with its number and the field or
township code at fault, never the whole file), and :func:`store_catalog` makes the good
rows the hub's catalog, which the next ``hub publish`` sends to the townships.

Files are read by :mod:`fazhi_tui.services.sheets` (openpyxl, python-calamine, the
standard ``csv`` module): never a home-made parser. Formulas are never evaluated nor
trusted: a cell holding ``=1+1`` or ``=HYPERLINK(...)`` is read as that literal text.

Columns are found by their header words (normalised: full/half width, spaces, a
parenthesised suffix); a header the words do not know is mapped by the user (``--map
FIELD=HEADER``, or the preview screen's mapping step), and a confirmed mapping is
remembered for files with the same headers. Only the code and the name are needed: a
missing power-type, mode or townships column means 其他 / 赋权 / all townships, and the
preview says so.

No Textual here: the command line and the hub screen both use this module.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.division import check_township_code
from fazhi_tui.base.i18n import CATALOG as MESSAGES
from fazhi_tui.base.i18n import field_label, t
from fazhi_tui.base.text import clean_text, visible
from fazhi_tui.domain.kinds import CHOICES, KINDS
from fazhi_tui.services import sheets
from fazhi_tui.services.sheets import ColumnMap, FieldSpec, MappingNeeded, SheetError
from fazhi_tui.storage import hub_store

__all__ = [
    "CatalogError",
    "MappingNeeded",
    "CatalogItem",
    "RefusedRow",
    "CatalogPreview",
    "FIELDS",
    "MAX_FILE_BYTES",
    "MAX_CELL_CHARS",
    "read_table",
    "find_header",
    "parse_catalog",
    "store_catalog",
    "catalog_specs",
    "PURPOSE",
]

MAX_FILE_BYTES = sheets.MAX_FILE_BYTES
MAX_CELL_CHARS = 2000
HEADER_SEARCH_ROWS = sheets.HEADER_SEARCH_ROWS
ALL_TOWNSHIPS = "*"
PURPOSE = "catalog"  # what remembered column mappings of catalogs are filed under
# What a missing column means (stated in the preview, never silently assumed).
DEFAULTS = {"power_type": "other", "mode": "empower"}

# The catalog's columns, in the order of the hub_catalog table.
FIELDS = ("code", "name", "power_type", "legal_basis", "department", "mode", "townships")
REQUIRED_COLUMNS = ("code", "name")

_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "编码", "事项代码", "代码", "事项编号", "权力编码", "职权编码", "code", "item code"),
    "name": ("事项名称", "名称", "权力事项名称", "职权名称", "权力名称", "执法事项", "name", "item name"),
    "power_type": ("权力类型", "事项类型", "类型", "职权类型", "权力类别", "事项类别", "类别", "power type", "type"),
    "legal_basis": ("法律依据", "设定依据", "依据", "实施依据", "法定依据", "执法依据", "legal basis", "basis"),
    "department": ("原实施部门", "实施部门", "部门", "原实施主体", "下放部门", "原行使部门", "原执法主体", "department", "delegating department"),
    "mode": ("下放方式", "方式", "赋权方式", "承接方式", "mode"),
    "townships": ("适用乡镇", "承接乡镇", "乡镇", "承接主体", "承接单位", "实施乡镇", "townships", "township"),
}

# Values other than the codes and their labels in both languages (taken from the i18n
# catalog, so a label is declared once): the wordings county catalogs use.
_VALUE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "power_type": {
        "penalty": ("处罚", "行政处罚类"),
        "coercion": ("强制", "行政强制类", "行政强制措施", "行政强制执行"),
        "inspection": ("检查", "行政检查类"),
        "other": ("其它", "其他类", "其他行政权力", "其它行政权力"),
    },
    "mode": {
        "empower": ("赋权下放", "赋权实施", "依法赋权"),
        "entrust": ("委托下放", "委托实施", "委托执法"),
    },
}

_ALL_WORDS = ("全部乡镇", "全部", "所有乡镇", "全部乡镇(街道)", "所有乡镇(街道)", "全部乡镇街道", "所有", "*", "all")
_SPLIT = re.compile(r"[、，,;；/／\s]+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


# The file as a whole cannot be read as a catalog (``key`` is the i18n message); a
# MappingNeeded is one whose needed columns the user has still to point at.
CatalogError = SheetError


@dataclass(frozen=True)
class CatalogItem:
    """One good row: an item the county delegates, and to which townships."""

    row_number: int
    code: str
    name: str
    power_type: str
    legal_basis: str
    department: str
    mode: str
    townships: tuple[str, ...]  # township codes, or ("*",) for all


@dataclass(frozen=True)
class RefusedRow:
    """A row that will not be stored: its number in the file, the field (a name in
    :data:`FIELDS`) or the township code at fault, and why (an i18n key and its params)."""

    row_number: int
    field_or_code: str
    reason_key: str
    params: dict[str, Any] = field(default_factory=dict)
    code: str = ""  # the row's item code, if it has one

    def what(self) -> str:
        """The field's label, or the township code itself."""
        return field_title(self.field_or_code) if self.field_or_code in FIELDS else self.field_or_code

    def reason(self) -> str:
        return t(self.reason_key, **self.params)

    def line(self) -> str:
        return visible(t("catalog.refused_row", row=self.row_number, what=self.what(), reason=self.reason()))


@dataclass
class CatalogPreview:
    """What importing the file would store, and which rows it refuses."""

    good: list[CatalogItem] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    header_row: int = 0
    missing_columns: list[str] = field(default_factory=list)  # names in FIELDS with no column
    colmap: ColumnMap | None = None  # which column held which field
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # the file's rows (to remember the mapping)


def field_title(name: str) -> str:
    return t("catalog.field.townships") if name == "townships" else field_label("delegated_item", name)


# -- reading files ---------------------------------------------------------------------------------


def read_table(path: Path | str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a catalog spreadsheet, each with its 1-based row number in the
    file (see :func:`fazhi_tui.services.sheets.read_table`: .xlsx, .xls, .ods, CSV/text in
    UTF-8, UTF-16/32 with a BOM or GB18030). Of a workbook, the first sheet whose header
    the words recognise. Raises :class:`CatalogError` for a file that is missing, too big,
    empty, or not a spreadsheet."""
    return sheets.read_table(path, prefer=lambda rows: find_header(rows) is not None)


# -- parsing ----------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A value as compared: full-width folded, no spaces, no required-marks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s*_:：]+", "", folded)


_HEADERS = {sheets.normalise(word): name for name, words in _HEADER_SYNONYMS.items() for word in words}


def catalog_specs() -> list[FieldSpec]:
    """The catalog's fields as the column mapping sees them (titles in the current language)."""
    notes = {
        "power_type": t("catalog.default.power_type", value=t("choice.power_type.other")),
        "mode": t("catalog.default.mode", value=t("choice.mode.empower")),
        "townships": t("catalog.default.townships"),
    }
    return [
        FieldSpec(name, field_title(name), _HEADER_SYNONYMS[name], required=name in REQUIRED_COLUMNS, default_note=notes.get(name, ""))
        for name in FIELDS
    ]


def _values(choice_set: str) -> dict[str, str]:
    out = {}
    for code in CHOICES[choice_set]:
        words = [code, *MESSAGES[f"choice.{choice_set}.{code}"], *_VALUE_SYNONYMS[choice_set].get(code, ())]
        out.update({_key(word): code for word in words})
    return out


_POWER_TYPES = _values("power_type")
_MODES = _values("mode")
_ALL = {_key(word) for word in _ALL_WORDS}


def find_header(rows: Sequence[tuple[int, list[str]]]) -> tuple[int, dict[str, int]] | None:
    """(index in ``rows``, field → column index) of the header: the first of the first 20
    rows that names at least the code and the name column. A field named twice takes its
    first column."""
    for index, (_number, line) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, text in enumerate(line):
            name = _HEADERS.get(sheets.normalise(text))
            if name is not None and name not in columns:
                columns[name] = column
        if all(name in columns for name in REQUIRED_COLUMNS):
            return index, columns
    return None


def _code_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_catalog(
    rows: Sequence[tuple[int, list[str]]],
    known_townships: Collection[str],
    *,
    township_names: Mapping[str, str] | None = None,
    given: Mapping[str, str] | None = None,
    remembered: Mapping[str, Mapping[str, Any]] | None = None,
) -> CatalogPreview:
    """Find the header and its columns, and check every row below it.

    ``given`` (field → header text or column letter) and ``remembered`` (the home's
    confirmed mappings) say which column holds which field where the header words do not
    (see :func:`fazhi_tui.services.sheets.map_columns`; raises :class:`MappingNeeded`
    when the code or the name has no column). ``known_townships`` are the codes enrolled
    at this hub; ``township_names`` (name → code, optional) lets the townships column name
    them as well. A row is refused, with its number, for: an empty code or name, an item
    code used by an earlier row, a power type or mode that is not one of the known ones,
    a township that is not a township code or not enrolled here, a cell over 2000
    characters, or a code or name longer than a township's form accepts. Blank rows and
    repeated header rows are skipped.
    """
    colmap = sheets.map_columns(rows, catalog_specs(), purpose=PURPOSE, given=given, remembered=remembered)
    header_index, columns = colmap.header_index, colmap.columns
    header_line = rows[header_index][1]
    preview = CatalogPreview(
        header_row=colmap.header_row, missing_columns=[f for f in FIELDS if f not in columns], colmap=colmap, rows=list(rows)
    )
    names = {_key(name): code for name, code in (township_names or {}).items()}
    known = set(known_townships)
    first_row: dict[str, int] = {}
    for number, line in rows[header_index + 1 :]:
        cells = {
            name: clean_text(line[column] if column < len(line) else "", multiline=name == "legal_basis").strip()
            for name, column in columns.items()
        }
        if not any(cells.values()):
            continue
        if [sheets.normalise(c) for c in line] == [sheets.normalise(c) for c in header_line]:
            continue  # the header repeated (a sheet laid out for printing)
        if _HEADERS.get(sheets.normalise(cells["code"])) == "code" and _HEADERS.get(sheets.normalise(cells["name"])) == "name":
            continue
        for name, value in DEFAULTS.items():
            if name not in columns:
                cells[name] = value
        code = _code_text(cells["code"])
        result = _check_row(number, cells, code, first_row, known, names)
        if code and code not in first_row:
            first_row[code] = number
        if isinstance(result, RefusedRow):
            preview.refused.append(result)
        else:
            preview.good.append(result)
    return preview


def _check_row(
    number: int, cells: dict[str, str], code: str, first_row: dict[str, int], known: set[str], names: dict[str, str]
) -> CatalogItem | RefusedRow:
    def refuse(what: str, key: str, **params: Any) -> RefusedRow:
        return RefusedRow(number, what, key, params, code)

    for name in FIELDS:
        if len(cells.get(name, "")) > MAX_CELL_CHARS:
            return refuse(name, "catalog.reason.too_long", max=MAX_CELL_CHARS)
    if not code:
        return refuse("code", "catalog.reason.empty")
    if not cells["name"]:
        return refuse("name", "catalog.reason.empty")
    if code in first_row:
        return refuse("code", "catalog.reason.duplicate", value=code, first=first_row[code])
    kind = KINDS["delegated_item"]
    for name in ("code", "name", "department"):
        limit = kind.field(name).max_length
        value = code if name == "code" else cells.get(name, "")
        if len(value) > limit:
            return refuse(name, "catalog.reason.too_long", max=limit)
    values = {}
    for name, table in (("power_type", _POWER_TYPES), ("mode", _MODES)):
        text = cells.get(name, "")
        if not text:
            return refuse(name, "catalog.reason.empty")
        value = table.get(_key(text))
        if value is None:
            return refuse(name, f"catalog.reason.{name}", value=text)
        values[name] = value
    townships = _townships(cells.get("townships", ""), known, names)
    if isinstance(townships, RefusedRow):
        return RefusedRow(number, townships.field_or_code, townships.reason_key, townships.params, code)
    return CatalogItem(
        row_number=number,
        code=code,
        name=cells["name"],
        power_type=values["power_type"],
        legal_basis=cells.get("legal_basis", ""),
        department=cells.get("department", ""),
        mode=values["mode"],
        townships=townships,
    )


def _townships(text: str, known: set[str], names: dict[str, str]) -> tuple[str, ...] | RefusedRow:
    """("*",) for all townships, else the codes named (each valid and enrolled here)."""
    if not text or _key(text) in _ALL:
        return (ALL_TOWNSHIPS,)
    codes: list[str] = []
    invalid: list[str] = []
    unknown: list[str] = []
    for part in _SPLIT.split(unicodedata.normalize("NFKC", text)):
        if not part:
            continue
        code = check_township_code(part) or names.get(_key(part))
        if code is None:
            invalid.append(part)
        elif code not in known:
            unknown.append(code)
        elif code not in codes:
            codes.append(code)
    if invalid:
        return RefusedRow(0, "、".join(invalid), "catalog.reason.bad_township")
    if unknown:
        return RefusedRow(0, "、".join(unknown), "catalog.reason.unknown_township")
    return tuple(codes) or (ALL_TOWNSHIPS,)


# -- storing ----------------------------------------------------------------------------------------


def store_catalog(store, preview: CatalogPreview) -> int:
    """Make the good rows the hub's catalog, in one transaction; returns how many are stored.

    The county's file is the whole list, so it REPLACES the catalog: an item that is not in
    the file is removed from it. Two exceptions keep a clerk's typo from withdrawing an
    item: an item whose row was refused (it has its code) keeps the version stored before,
    and a preview without any good row changes nothing at all. An item stored unchanged
    keeps its ``updated_at``.

    The catalog goes to the townships with the next ``hub publish``; a township never
    deletes an item it received (it may have records against it): one the catalog no
    longer lists is marked withdrawn there (see :mod:`fazhi_tui.sync.member`).
    """
    if not preview.good:
        return 0
    keep = {row.code for row in preview.refused if row.code} - {item.code for item in preview.good}
    with store.transaction() as conn:
        now = store.clock()
        old = hub_store.catalog(conn)
        stays = keep | {item.code for item in preview.good}
        rows = []
        for item in preview.good:
            values = {
                "code": item.code,
                "name": item.name,
                "power_type": item.power_type,
                "legal_basis": item.legal_basis,
                "department": item.department,
                "mode": item.mode,
                "townships": json.dumps(list(item.townships), ensure_ascii=False),
            }
            before = old.get(item.code)
            same = before is not None and all(before[k] == v for k, v in values.items())
            values["updated_at"] = before["updated_at"] if same else now
            rows.append(values)
        hub_store.replace_catalog(store.db, [code for code in old if code not in stays], rows)
    return len(preview.good)


def preview_file(
    store, path: Path | str, *, given: Mapping[str, str] | None = None, remembered: Mapping[str, Mapping[str, Any]] | None = None
) -> CatalogPreview:
    """Read ``path`` and sort its rows into good and refused against the townships this hub
    has enrolled (by code or by name). Raises CatalogError when the file is no catalog, or
    MappingNeeded when the code or the name column must be pointed at."""
    with store.read_lock() as conn:
        members = hub_store.member_names(conn)
    rows = read_table(Path(path))
    return parse_catalog(rows, set(members), township_names={name: code for code, name in members.items()}, given=given, remembered=remembered)
