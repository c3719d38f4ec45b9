"""Spreadsheets as offices really keep them, read into rows, and their columns mapped to fields.

Used by the county's catalog import (:mod:`fazhi_tui.services.catalog_import`) and the
township's ledger import (:mod:`fazhi_tui.services.ledger_import`).

Reading (:func:`read_table`): ``.xlsx``/``.xlsm`` through openpyxl (merged cells known,
formulas read as their literal text); ``.xls``, ``.xlsb`` and ``.ods`` through
python-calamine; text exports (``.csv``, ``.txt``, ``.tsv``) in UTF-8 (with or without
BOM), UTF-16 or UTF-32 with a BOM (Excel's "Unicode text") or else GB18030, the separator
told by ``csv.Sniffer``. A WPS ``.et`` file is refused with the advice to save it as
.xlsx. Never a home-made parser.

Mapping (:func:`map_columns`): headers are normalised (full and half width, spaces,
parenthesised suffixes, required-marks) and matched against each field's words; a 序号-like
column is left out. A mapping the user gave (``field → header text or column letter``)
wins, then one remembered for a file with the same headers, then the words. When a
required field is still without a column, :class:`MappingNeeded` carries what the
screen or the command line shows to let the user choose (each column with samples).

Remembered mappings live in ``column-maps.json`` in the home's data folder, written
atomically; a file that cannot be read is a forgotten convenience, never an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.files import atomic_write_text
from fazhi_tui.base.i18n import t
from fazhi_tui.base.text import clean_text

__all__ = [
    "Row",
    "SheetError",
    "MappingNeeded",
    "FieldSpec",
    "Column",
    "ColumnMap",
    "MAX_FILE_BYTES",
    "HEADER_SEARCH_ROWS",
    "SPREADSHEET_PATTERNS",
    "read_table",
    "normalise",
    "map_columns",
    "parse_given",
    "column_letter",
    "remembered_maps",
    "remember_map",
    "mapping_lines",
]

Row = tuple[int, list[str]]

MAX_FILE_BYTES = 20 * 1024 * 1024
# An .xlsx is a ZIP of XML: refuse one that would expand past this (a "zip bomb").
MAX_XLSX_EXPANDED = 256 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
SNIFF_SAMPLE = 64 * 1024
SAMPLES = 3
MAPS_FILE = "column-maps.json"

# What the file pickers offer.
SPREADSHEET_PATTERNS = ("*.xlsx", "*.xlsm", "*.xls", "*.ods", "*.csv", "*.txt", "*.tsv")
_CALAMINE_SUFFIXES = (".xls", ".xlsb", ".ods")

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
# Columns that only number the rows (序号): never a field, never "unknown".
_ROW_NUMBER_WORDS = frozenset({"序号", "序", "顺序号", "行号", "编次", "no", "no.", "#", "序列号"})
# Columns of remarks: a field may take one (a record's notes); if none does, it is not "unknown".
_REMARK_WORDS = frozenset({"备注", "说明", "附注", "备注说明", "remarks", "notes", "note"})


class SheetError(Exception):
    """The file as a whole cannot be read as a table. ``key`` is the i18n message."""

    def __init__(self, key: str, detail: str = "", **params: Any) -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail
        self.params = params

    def message(self) -> str:
        return t(self.key, **self.params)


@dataclass(frozen=True)
class FieldSpec:
    """A field a sheet may fill: its name, its title (shown to the user), the header words
    that name it, whether the import needs it, and what a missing column means (an i18n
    line stating the default, shown in the preview), if anything."""

    name: str
    title: str
    words: tuple[str, ...]
    required: bool = False
    default_note: str = ""


@dataclass(frozen=True)
class Column:
    """One column of the header row: its index, its header text and a few sample values."""

    index: int
    header: str
    samples: tuple[str, ...]

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def describe(self) -> str:
        samples = "、".join(self.samples) if self.samples else t("sheet.no_samples")
        return t("sheet.column", letter=self.letter, header=self.header or t("sheet.no_header"), samples=samples)


@dataclass
class ColumnMap:
    """Which column holds which field, read from the header row ``header_index`` (an index
    into the rows) — or, while :class:`MappingNeeded` is raised, the best guess so far."""

    header_index: int
    header_row: int  # its number in the file
    columns: dict[str, int]  # field → column index
    how: dict[str, str]  # field → "words" | "given" | "remembered"
    all_columns: list[Column]
    unknown: list[Column]  # header cells no field took (序号-like columns left out)
    missing: list[str]  # required fields without a column
    signature: str = ""

    def header_of(self, name: str) -> str:
        index = self.columns[name]
        return next((c.header for c in self.all_columns if c.index == index), "")

    def as_given(self) -> dict[str, str]:
        """The mapping as the command line takes it (field → header text, or the column's
        letter where the header cell is empty)."""
        return {name: (self.header_of(name) or column_letter(index)) for name, index in self.columns.items()}


class MappingNeeded(SheetError):
    """Required fields have no column: the user picks them (``colmap`` holds the guess)."""

    def __init__(self, colmap: ColumnMap, specs: Sequence[FieldSpec]) -> None:
        titles = "、".join(s.title for s in specs if s.name in colmap.missing)
        super().__init__("err.sheet_mapping_needed", f"missing {colmap.missing}", fields=titles)
        self.colmap = colmap
        self.specs = tuple(specs)


# -- reading files ---------------------------------------------------------------------------------


def read_table(path: Path | str, prefer: Callable[[list[Row]], float] | None = None) -> list[Row]:
    """The non-blank rows of a spreadsheet, each with its 1-based row number in the file.

    For a workbook of several sheets, the one (visible ones first) that ``prefer`` scores
    highest above 0 (a yes counts 1; the first of equals), else the first that has any row. Cells are text, stripped. Raises
    :class:`SheetError` for a file that is missing, too big, empty, or not a spreadsheet.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SheetError("err.catalog_unreadable", "not a file", path=str(path), reason=t("catalog.not_a_file"))
    except OSError as exc:
        raise SheetError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    if size > MAX_FILE_BYTES:
        raise SheetError("err.catalog_too_big", f"{size} bytes", mb=MAX_FILE_BYTES // (1024 * 1024))
    if size == 0:
        raise SheetError("err.catalog_empty", "0 bytes")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SheetError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    suffix = path.suffix.lower()
    if suffix in (".et", ".ett"):
        raise SheetError("err.sheet_et", "WPS .et")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE compound file: .xls (or an encrypted workbook)
        return _choose(_read_calamine(path, "err.catalog_xls"), prefer)
    if head.startswith(b"PK") and suffix == ".ods":
        return _choose(_read_calamine(path, "err.catalog_not_xlsx"), prefer)
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return _choose(_read_xlsx(path), prefer)
    if suffix in _CALAMINE_SUFFIXES:
        return _choose(_read_calamine(path, "err.catalog_xls"), prefer)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_text(path)
    raise SheetError("err.catalog_type", f"suffix {suffix}")


def _choose(tables: list[list[Row]], prefer: Callable[[list[Row]], float] | None) -> list[Row]:
    if prefer is not None:
        scored = [(float(prefer(rows)), -index) for index, rows in enumerate(tables)]
        best = max(scored, default=(0.0, 0))
        if best[0] > 0:
            return tables[-best[1]]
    return next((rows for rows in tables if rows), [])


def cell_text(value: Any) -> str:
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
    if isinstance(value, dt.timedelta):
        return str(value)
    if not isinstance(value, str):
        value = getattr(value, "text", None) or str(value)  # ArrayFormula keeps its "=..." in .text
    # The one rule for text (base/text.py); one-line fields lose their line breaks later.
    return clean_text(value.translate(_INVISIBLE), multiline=True).strip()


def _read_xlsx(path: Path) -> list[list[Row]]:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError("err.catalog_not_xlsx", f"not a ZIP: {exc}") from exc
    if expanded > MAX_XLSX_EXPANDED:
        raise SheetError("err.catalog_too_big", f"expands to {expanded} bytes", mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unsupported extension", "no default style", ...
            # read_only=False: merged cells are known. data_only=False: a formula is read as
            # its own text, never as a value some spreadsheet program once computed.
            book = openpyxl.load_workbook(path, read_only=False, data_only=False, keep_links=False)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside the reader means a broken file
        raise SheetError("err.catalog_not_xlsx", f"{type(exc).__name__}: {exc}") from exc
    try:
        sheets = sorted(book.worksheets, key=lambda sheet: sheet.sheet_state != "visible")
        return [_sheet_rows(sheet) for sheet in sheets]
    finally:
        book.close()


def _sheet_rows(sheet) -> list[Row]:
    """The sheet's non-blank rows. Only the cells stored in the file are visited (a sheet
    formatted down to row 1 048 576 is not a million empty rows)."""
    cells: dict[int, dict[int, str]] = {}
    for (row, column), cell in sheet._cells.items():  # openpyxl's store of the file's cells
        text = cell_text(cell.value)
        if text:
            cells.setdefault(row, {})[column] = text
    merges = [(m.min_row, m.min_col, m.max_row) for m in sheet.merged_cells.ranges]
    return _rows_from_cells(cells, merges)


def _rows_from_cells(cells: dict[int, dict[int, str]], merges: Sequence[tuple[int, int, int]]) -> list[Row]:
    """Rows from (1-based) row → column → text. A cell merged down several rows (a
    department written once beside five items) counts for every row it covers; a merge
    across columns (a title row) only at its first."""
    for first_row, column, last_row in merges:
        text = cells.get(first_row, {}).get(column, "")
        if text:
            for row in range(first_row + 1, last_row + 1):
                cells.setdefault(row, {})[column] = text
    out = []
    for row in sorted(cells):
        values = cells[row]
        line = [""] * max(values)
        for column, text in values.items():
            line[column - 1] = text
        out.append((row, line))
    return out


_NATIVE_LOCK = threading.Lock()


@contextmanager
def _native_reader() -> Iterator[None]:
    """Around a call into python-calamine (Rust). On a malformed file it may *panic*: the
    panic arrives as an exception (pyo3's PanicException, a BaseException, caught by the
    callers), but Rust's panic hook first writes its message to the process's stderr
    (file descriptor 2) directly, past ``sys.stderr`` — over the interface's screen. While
    it reads, descriptor 2 goes to the null device (one reader at a time)."""
    with _NATIVE_LOCK:
        try:
            saved = os.dup(2)
        except OSError:  # no descriptor 2 at all (a windowed program): nothing to protect
            yield
            return
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _fatal(exc: BaseException) -> bool:
    """An exception that must go on up (Ctrl+C, exit, no memory) rather than mean "a broken file"."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _read_calamine(path: Path, broken_key: str) -> list[list[Row]]:
    """An .xls, .xlsb or .ods workbook through python-calamine (a Rust reader, well kept)."""
    from python_calamine import CalamineWorkbook

    tables = []
    with _native_reader():
        try:
            book = CalamineWorkbook.from_path(str(path))
        except BaseException as exc:  # noqa: BLE001 - an encrypted or damaged file, or a reader panic
            if _fatal(exc):
                raise
            raise SheetError(broken_key, f"{type(exc).__name__}: {exc}") from None
        try:
            visible = [str(meta.visible).endswith("Visible") for meta in book.sheets_metadata]
            order = sorted(range(len(book.sheet_names)), key=lambda i: not visible[i])
            for index in order:
                sheet = book.get_sheet_by_index(index)
                values = sheet.to_python(skip_empty_area=False)
                merges = sheet.merged_cell_ranges or []
                tables.append((values, merges))
        except BaseException as exc:  # noqa: BLE001 - a sheet the reader cannot read
            if _fatal(exc):
                raise
            raise SheetError(broken_key, f"{type(exc).__name__}: {exc}") from None
        finally:
            book.close()
    out = []
    for values, merges in tables:
        cells: dict[int, dict[int, str]] = {}
        for row_index, line in enumerate(values, start=1):
            for column_index, value in enumerate(line, start=1):
                text = cell_text(value)
                if text:
                    cells.setdefault(row_index, {})[column_index] = text
        spans = [(start[0] + 1, start[1] + 1, end[0] + 1) for start, end in merges]
        out.append(_rows_from_cells(cells, spans))
    return out


def _decode(data: bytes) -> str:
    # A byte-order mark says the encoding (UTF-32 first: its little-endian mark begins
    # with UTF-16's). Without one: UTF-8, else GB18030 (what Chinese Windows writes).
    for mark, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SheetError("err.catalog_not_text", f"bad {encoding}") from exc
    if b"\x00" in data:
        raise SheetError("err.catalog_not_text", "holds NUL bytes (UTF-16 without a mark, or not text)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("err.catalog_not_text", "neither UTF-8 nor GB18030")


def _read_text(path: Path) -> list[Row]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError("err.catalog_unreadable", str(exc), path=str(path), reason=exc.strerror or str(exc)) from exc
    text = _decode(data)
    if "\x00" in text:
        raise SheetError("err.catalog_not_text", "NUL characters in the text")
    sample = text[:SNIFF_SAMPLE]
    if len(text) > SNIFF_SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # whole lines only
    # The Sniffer tells the separator. Its guess at quoting is not trusted: a quoted cell
    # that holds doubled quotes and commas (=HYPERLINK(""..."",""..."")) fools it, and
    # Excel and WPS always quote with " and double a quote inside (the excel dialect).
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else csv.excel.delimiter
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            line = [cell_text(value) for value in record]
            if any(line):
                out.append((number, line))
    except csv.Error as exc:
        raise SheetError("err.catalog_bad_csv", str(exc), row=number + 1, reason=str(exc)) from exc
    return out


# -- mapping columns to fields ---------------------------------------------------------------------

_BRACKETS = re.compile(r"[(（\[【〔<《].*?[)）\]】〕>》]")


def normalise(text: str) -> str:
    """A header as compared: full-width folded, lower case, no spaces, no required-marks,
    no parenthesised suffix (``适用乡镇（街道）`` is ``适用乡镇``)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = _BRACKETS.sub("", folded) or folded
    return re.sub(r"[\s*_:：、.。\"'“”‘’]+", "", stripped)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _letter_index(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", text):
        return None
    index = 0
    for char in text:
        index = index * 26 + ord(char) - 64
    return index - 1


def parse_given(pairs: Sequence[str], specs: Sequence[FieldSpec]) -> dict[str, str]:
    """``FIELD=HEADER`` pairs (the command line's ``--map``) as field → header. FIELD is a
    field's name or its title; raises SheetError for a pair that names no field."""
    names = {normalise(s.name): s.name for s in specs} | {normalise(s.title): s.name for s in specs}
    out: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = pair.partition("=")
        name = names.get(normalise(left))
        if not sep or name is None or not right.strip():
            raise SheetError("err.sheet_bad_map", pair, pair=pair, fields=", ".join(s.name for s in specs))
        out[name] = right.strip()
    return out


def _signature(purpose: str, line: Sequence[str]) -> str:
    cells = [normalise(c) for c in line]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256(("\x1f".join([purpose, *cells])).encode("utf-8")).hexdigest()[:32]


def _columns(rows: Sequence[Row], header_index: int) -> list[Column]:
    line = rows[header_index][1]
    width = max((len(r[1]) for r in rows[header_index : header_index + 1 + 50]), default=len(line))
    samples: dict[int, list[str]] = {i: [] for i in range(width)}
    for _number, below in rows[header_index + 1 :]:
        for index, text in enumerate(below):
            if text and index in samples and len(samples[index]) < SAMPLES and text not in samples[index]:
                samples[index].append(text.replace("\n", " ")[:30])
        if all(len(v) >= SAMPLES for v in samples.values()):
            break
    return [Column(i, line[i] if i < len(line) else "", tuple(samples[i])) for i in range(width)]


def _by_words(line: Sequence[str], specs: Sequence[FieldSpec], taken: dict[str, int]) -> dict[str, int]:
    """field → column for the header cells the fields' words name: exactly first, then a
    header that holds one field's word (the longest), when no other field's word is as long."""
    found = dict(taken)
    used = set(found.values())
    words = {normalise(w): s.name for s in specs for w in (s.name, s.title, *s.words) if normalise(w)}
    for index, text in enumerate(line):
        name = words.get(normalise(text))
        if name is not None and name not in found and index not in used:
            found[name] = index
            used.add(index)
    for index, text in enumerate(line):
        key = normalise(text)
        if index in used or not key or key in _ROW_NUMBER_WORDS:
            continue
        best: list[tuple[int, str]] = sorted(((len(w), n) for w, n in words.items() if len(w) >= 2 and w in key), reverse=True)
        if not best:
            continue
        length, name = best[0]
        rivals = {n for size, n in best if size == length}
        if len(rivals) == 1 and name not in found:
            found[name] = index
            used.add(index)
    return found


def map_columns(
    rows: Sequence[Row],
    specs: Sequence[FieldSpec],
    *,
    purpose: str,
    given: Mapping[str, str] | None = None,
    remembered: Mapping[str, Mapping[str, Any]] | None = None,
) -> ColumnMap:
    """Find the header row among the first 20 and which column holds which field.

    ``given`` (field → header text or column letter) wins; then a mapping in ``remembered``
    (see :func:`remembered_maps`) for a header row of the same cells and ``purpose``; then
    the fields' words. Raises :class:`MappingNeeded` when a required field has no column,
    :class:`SheetError` (``err.catalog_no_header``) when no row looks like a header at all,
    or (``err.sheet_map_no_column``) when a given header is in no candidate row.
    """
    given = dict(given or {})
    remembered = remembered or {}
    best: tuple[int, int, dict[str, int], dict[str, str]] | None = None  # (score, index, columns, how)
    for index, (_number, line) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        how: dict[str, str] = {}
        columns: dict[str, int] = {}
        for name, header in given.items():
            found = next((i for i, text in enumerate(line) if normalise(text) == normalise(header)), None)
            if found is None:
                found = _letter_index(header)  # a column letter names a column in any row
            if found is not None:
                columns[name] = found
                how[name] = "given"
        if not all(n in columns for n in given):
            continue
        memory = remembered.get(_signature(purpose, line))
        if memory:
            for name, header in dict(memory.get("columns", {})).items():
                if name in columns or name not in {s.name for s in specs}:
                    continue
                found = next((i for i, text in enumerate(line) if normalise(text) == normalise(header)), None)
                if found is None:
                    found = _letter_index(header)
                if found is not None and found not in columns.values():
                    columns[name] = found
                    how[name] = "remembered"
        by_words = _by_words(line, specs, columns)
        for name in by_words:
            how.setdefault(name, "words")
        texts = [h for h in given.values() if not _is_letter(h)]
        score = len(by_words) + (100 if texts else 0) + (50 if memory else 0)
        if best is None or score > best[0]:
            best = (score, index, by_words, how)
    if given and best is None:
        raise SheetError("err.sheet_map_no_column", "given header not found", headers="、".join(given.values()))
    if best is None or best[0] == 0:
        index = _widest_row(rows)
        if index is None:
            raise SheetError("err.catalog_no_header", "no header row", rows=HEADER_SEARCH_ROWS)
        letters = {n: i for n, h in given.items() if (i := _letter_index(h)) is not None}
        best = (0, index, letters, dict.fromkeys(letters, "given"))
    _score, index, columns, how = best
    all_columns = _columns(rows, index)
    used = set(columns.values())
    unknown = [c for c in all_columns if c.index not in used and c.header and normalise(c.header) not in _ROW_NUMBER_WORDS | _REMARK_WORDS]
    missing = [s.name for s in specs if s.required and s.name not in columns]
    colmap = ColumnMap(index, rows[index][0], columns, how, all_columns, unknown, missing, _signature(purpose, rows[index][1]))
    if missing:
        raise MappingNeeded(colmap, specs)
    return colmap


def _is_letter(text: str) -> bool:
    return _letter_index(text) is not None


def _widest_row(rows: Sequence[Row]) -> int | None:
    """The first of the first 20 rows with the most cells (at least two): a header the
    words did not recognise, under a title row merged across it."""
    counts = [(sum(1 for c in line if c), index) for index, (_n, line) in enumerate(rows[:HEADER_SEARCH_ROWS])]
    most = max((count for count, _ in counts), default=0)
    if most < 2:
        return None
    return next(index for count, index in counts if count == most)


def mapping_lines(colmap: ColumnMap, specs: Sequence[FieldSpec]) -> list[str]:
    """What the preview says about the columns: each field's column and how it was found,
    each default stated, each column left unused."""
    lines = []
    for spec in specs:
        if spec.name in colmap.columns:
            index = colmap.columns[spec.name]
            lines.append(
                t("sheet.mapped", field=spec.title, letter=column_letter(index), header=colmap.header_of(spec.name) or t("sheet.no_header"),
                  how=t(f"sheet.how.{colmap.how.get(spec.name, 'words')}"))
            )
        elif spec.default_note:
            lines.append(t("sheet.default", field=spec.title, default=spec.default_note))
    if colmap.unknown:
        lines.append(t("sheet.unused", columns="、".join(f"{c.letter}“{c.header}”" for c in colmap.unknown)))
    return lines


# -- remembered mappings ---------------------------------------------------------------------------


def _maps_path(data_dir: Path) -> Path:
    return Path(data_dir) / MAPS_FILE


def remembered_maps(data_dir: Path) -> dict[str, dict[str, Any]]:
    """signature → {"purpose", "headers", "columns": field → header, "at"} of every mapping
    a user confirmed (empty when there is none, or the file cannot be read)."""
    try:
        data = json.loads(_maps_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    maps = data.get("maps") if isinstance(data, dict) else None
    return {k: v for k, v in maps.items() if isinstance(v, dict)} if isinstance(maps, dict) else {}


def remember_map(data_dir: Path, colmap: ColumnMap, purpose: str, rows: Sequence[Row], *, today: dt.date | None = None) -> bool:
    """Keep ``colmap`` for files with the same header cells (written atomically). Returns
    False when it could not be written (a convenience: never an error)."""
    maps = remembered_maps(data_dir)
    maps[colmap.signature] = {
        "purpose": purpose,
        "headers": list(rows[colmap.header_index][1]),
        "columns": colmap.as_given(),
        "at": (today or dt.date.today()).isoformat(),
    }
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        atomic_write_text(_maps_path(data_dir), json.dumps({"version": 1, "maps": maps}, ensure_ascii=False, indent=1))
    except OSError:
        return False
    return True
