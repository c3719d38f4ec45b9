"""The delegated-items catalog (T41) as county offices really keep it: a spreadsheet.

A county keeps the list of enforcement powers it delegates to its townships in an Excel or
WPS file: a merged title row or two above the header, Chinese column names in whatever
order the office chose, blank rows, extra columns (序号, 备注), and — when saved as CSV on
a Chinese Windows PC — GB18030/GBK text, or UTF-8 with or without a BOM.

:func:`read_table` turns such a file into numbered rows of text, :func:`parse_catalog`
finds the header and checks every row (refusing a row, with its number and the field or
township code at fault, never the whole file), and :func:`store_catalog` makes the good
rows the hub's catalog, which the next ``hub publish`` sends to the townships.

Spreadsheets are read with openpyxl and CSV with the standard ``csv`` module (dialect by
``csv.Sniffer``): never a home-made parser. Formulas are never evaluated nor trusted: a
cell holding ``=1+1`` or ``=HYPERLINK(...)`` is read as that literal text.

No Textual here: the command line and the hub screen both use this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.division import check_township_code
from fazhi_tui.base.i18n import CATALOG as MESSAGES
from fazhi_tui.base.i18n import field_label, t
from fazhi_tui.base.text import clean_text, visible
from fazhi_tui.domain.kinds import CHOICES, KINDS
from fazhi_tui.storage import hub_store

__all__ = [
    "CatalogError",
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
]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 2000
# An .xlsx is a ZIP of XML: refuse one that would expand past this (a "zip bomb").
MAX_XLSX_EXPANDED = 256 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
SNIFF_SAMPLE = 64 * 1024
ALL_TOWNSHIPS = "*"

# The catalog's columns, in the order of the hub_catalog table.
FIELDS = ("code", "name", "power_type", "legal_basis", "department", "mode", "townships")
REQUIRED_COLUMNS = ("code", "name")

_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "编码", "事项代码", "代码", "code", "item code"),
    "name": ("事项名称", "名称", "name", "item name"),
    "power_type": ("权力类型", "事项类型", "类型", "职权类型", "power type", "type"),
    "legal_basis": ("法律依据", "设定依据", "依据", "实施依据", "legal basis", "basis"),
    "department": ("原实施部门", "实施部门", "部门", "原实施主体", "下放部门", "department", "delegating department"),
    "mode": ("下放方式", "方式", "mode"),
    "townships": ("适用乡镇", "承接乡镇", "乡镇", "承接主体", "townships", "township"),
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


class CatalogError(Exception):
    """The file as a whole cannot be read as a catalog. ``key`` is the i18n message."""

    def __init__(self, key: str, detail: str = "", **params: Any) -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail
        self.params = params

    def message(self) -> str:
        return t(self.key, **self.params)


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


def field_title(name: str) -> str:
    return t("catalog.field.townships") if name == "townships" else field_label("delegated_item", name)


# -- reading files ---------------------------------------------------------------------------------


def read_table(path: Path | str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a spreadsheet, each with its 1-based row number in the file.

    ``.xlsx`` (also ``.xlsm``) through openpyxl; ``.csv``/``.txt``/``.tsv`` as text in
    UTF-8 (with or without BOM) or else GB18030 (a superset of GBK, what Excel and WPS
    write on Chinese Windows). The kind is told by the content where it can be (a ZIP is
    an .xlsx whatever its name). Cells are text, stripped; a CSV row number is the
    record's number, as Excel shows it. Raises :class:`CatalogError` for a file that is
    missing, too big, empty, or not a spreadsheet.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise CatalogError("err.catalog_unreadable", "not a file", path=str(path), reason=t("catalog.not_a_file"))
    except OSError as exc:
        raise CatalogError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    if size > MAX_FILE_BYTES:
        raise CatalogError("err.catalog_too_big", f"{size} bytes", mb=MAX_FILE_BYTES // (1024 * 1024))
    if size == 0:
        raise CatalogError("err.catalog_empty", "0 bytes")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise CatalogError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE compound file: old .xls, or an encrypted workbook
        raise CatalogError("err.catalog_xls", "OLE compound file")
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_text(path)
    raise CatalogError("err.catalog_type", f"suffix {suffix}")


def _cell_text(value: Any) -> str:
    """A cell as text. Formulas stay the literal text they are (never evaluated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Codes typed into Excel become numbers: 640302100.0 is "640302100".
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if not isinstance(value, str):
        value = getattr(value, "text", None) or str(value)  # ArrayFormula keeps its "=..." in .text
    # The one rule for text (base/text.py); one-line fields lose their line breaks in parse_catalog.
    return clean_text(value.translate(_INVISIBLE), multiline=True).strip()


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CatalogError("err.catalog_not_xlsx", f"not a ZIP: {exc}") from exc
    if expanded > MAX_XLSX_EXPANDED:
        raise CatalogError("err.catalog_too_big", f"expands to {expanded} bytes", mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unsupported extension", "no default style", ...
            # read_only=False: merged cells are known. data_only=False: a formula is read as
            # its own text, never as a value some spreadsheet program once computed.
            book = openpyxl.load_workbook(path, read_only=False, data_only=False, keep_links=False)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside the reader means a broken file
        raise CatalogError("err.catalog_not_xlsx", f"{type(exc).__name__}: {exc}") from exc
    try:
        sheets = sorted(book.worksheets, key=lambda sheet: sheet.sheet_state != "visible")
        tables = [_sheet_rows(sheet) for sheet in sheets]
    finally:
        book.close()
    for rows in tables:
        if find_header(rows) is not None:
            return rows
    return tables[0] if tables else []


def _sheet_rows(sheet) -> list[tuple[int, list[str]]]:
    """The sheet's non-blank rows. Only the cells stored in the file are visited (a sheet
    formatted down to row 1 048 576 is not a million empty rows)."""
    cells: dict[int, dict[int, str]] = {}
    for (row, column), cell in sheet._cells.items():  # openpyxl's store of the file's cells
        text = _cell_text(cell.value)
        if text:
            cells.setdefault(row, {})[column] = text
    # A cell merged down several rows (a department written once beside five items) counts
    # for every row it covers; a merge across columns (a title row) only at its first.
    for merged in sheet.merged_cells.ranges:
        text = cells.get(merged.min_row, {}).get(merged.min_col, "")
        if text:
            for row in range(merged.min_row + 1, merged.max_row + 1):
                cells.setdefault(row, {})[merged.min_col] = text
    out = []
    for row in sorted(cells):
        values = cells[row]
        line = [""] * max(values)
        for column, text in values.items():
            line[column - 1] = text
        out.append((row, line))
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogError("err.catalog_not_text", "neither UTF-8 nor GB18030")


def _read_text(path: Path) -> list[tuple[int, list[str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    if b"\x00" in data:
        raise CatalogError("err.catalog_not_text", "holds NUL bytes (UTF-16, or not text)")
    text = _decode(data)
    sample = text[:SNIFF_SAMPLE]
    if len(text) > SNIFF_SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # whole lines only
    # The Sniffer tells the separator. Its guess at quoting is not trusted: a quoted cell
    # that holds doubled quotes and commas (=HYPERLINK(""..."",""..."")) fools it, and
    # Excel and WPS always quote with " and double a quote inside (the excel dialect).
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = csv.excel.delimiter
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            line = [_cell_text(value) for value in record]
            if any(line):
                out.append((number, line))
    except csv.Error as exc:
        raise CatalogError("err.catalog_bad_csv", str(exc), row=number + 1, reason=str(exc)) from exc
    return out


# -- parsing ----------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A header or value as compared: full-width folded, no spaces, no required-marks."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s*_:：]+", "", folded)


_HEADERS = {_key(word): name for name, words in _HEADER_SYNONYMS.items() for word in words}


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
            name = _HEADERS.get(_key(text))
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
) -> CatalogPreview:
    """Find the header and check every row below it.

    ``known_townships`` are the codes enrolled at this hub; ``township_names`` (name →
    code, optional) lets the townships column name them as well. A row is refused, with
    its number, for: an empty code or name, an item code used by an earlier row, a power
    type or mode that is not one of the known ones, a township that is not a township code
    or not enrolled here, a cell over 2000 characters, or a code or name longer than a
    township's form accepts. Blank rows and repeated header rows are skipped.
    """
    found = find_header(rows)
    if found is None:
        raise CatalogError("err.catalog_no_header", "no header row", rows=HEADER_SEARCH_ROWS)
    header_index, columns = found
    preview = CatalogPreview(header_row=rows[header_index][0], missing_columns=[f for f in FIELDS if f not in columns])
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
        if _HEADERS.get(_key(cells["code"])) == "code" and _HEADERS.get(_key(cells["name"])) == "name":
            continue  # the header repeated (a sheet laid out for printing)
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


def preview_file(store, path: Path | str) -> CatalogPreview:
    """Read ``path`` and sort its rows into good and refused against the townships this hub
    has enrolled (by code or by name). Raises CatalogError when the file is no catalog."""
    with store.read_lock() as conn:
        members = hub_store.member_names(conn)
    rows = read_table(Path(path))
    return parse_catalog(rows, set(members), township_names={name: code for code, name in members.items()})
