"""A township's own ledgers (staff lists, meeting lists, ...) brought in from a spreadsheet.

For any record kind of :data:`fazhi_tui.domain.kinds.KINDS` (a new kind comes for free):
the file is read by :mod:`fazhi_tui.services.sheets`, its columns mapped to the kind's
fields (by their labels in both languages, their names and a few common words; the user
points at the rest, and a confirmed mapping is remembered), each row turned into what a
form would hold — a choice by its code or label, yes/no in words, a linked record (a
person) by its name — and validated exactly as the form does
(:func:`fazhi_tui.domain.validation.validate`). A row that repeats a live record (same
naming fields, e.g. a meeting's date and title) or an earlier row is left out as a
duplicate. The good rows are stored in one transaction, each through the Store's own
insert (one audit row each).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.i18n import CATALOG, choice_label, field_label, t
from fazhi_tui.domain.kinds import CHOICES, KINDS, Kind
from fazhi_tui.domain.validation import Limits, validate
from fazhi_tui.services import sheets
from fazhi_tui.services.sheets import ColumnMap, FieldSpec
from fazhi_tui.storage.store import Actor, Store

__all__ = ["SheetPreview", "purpose", "import_specs", "preview_rows", "preview_sheet", "store_sheet", "preview_lines"]

# Common header words by field name, beside each field's labels (any kind with such a field).
_WORDS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "时间", "会议时间", "会议日期", "培训时间", "培训日期", "开庭时间", "旁听时间", "举办时间", "date"),
    "title": ("名称", "主题", "会议名称", "会议主题", "培训主题", "培训名称", "讲座主题", "内容", "title", "subject"),
    "notes": ("备注", "说明", "notes", "remarks", "note"),
    "name": ("姓名", "名字", "人员姓名", "name"),
    "post": ("职务", "岗位", "职务岗位", "职务/岗位", "post", "position"),
    "education": ("学历", "文化程度", "最高学历", "education"),
    "background": ("专业背景", "法律背景", "专业", "background"),
    "start_date": ("到岗时间", "入职时间", "任职时间", "到岗日期", "参加工作时间"),
    "end_date": ("离岗时间", "离职时间", "调离时间"),
    "active": ("在岗", "是否在岗", "在职", "在职状态"),
    "cert_no": ("执法证号", "执法证编号", "证件编号", "执法证件号", "证号"),
    "cert_issued": ("发证日期", "发证时间", "领证时间"),
    "cert_expiry": ("有效期至", "有效期", "证件有效期", "到期日期", "到期时间"),
    "chair": ("主持人", "主持"),
    "attendees": ("参会人员", "参加人员", "出席人员", "参会人"),
    "minutes_no": ("纪要文号", "纪要编号", "会议纪要", "文号"),
    "department": ("组织部门", "部门", "实施部门", "原实施部门"),
    "hours": ("学时", "课时", "时长"),
    "court": ("法院", "审理法院"),
    "case_name": ("案件", "案件名称", "案由"),
    "staff_uuid": ("旁听人员", "姓名", "人员"),
    "staff": ("人员", "参训人员", "执法人员", "承办人员"),
}

# Words township ledgers use for choice values, beside the codes and both labels.
_VALUE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "meeting_kind": {
        "deploy": ("部署", "专题部署", "专题会议", "部署会"),
        "admin": ("常务会议", "政府常务会议", "镇长办公会", "办公会议", "行政办公会"),
        "study": ("学法", "集中学法", "学法会"),
        "lecture": ("讲座", "专题讲座"),
        "forum": ("论坛", "研讨", "座谈", "座谈会"),
    },
    "attendance": {"full": ("全程列席", "是"), "partial": ("部分列席", "中途离席"), "absent": ("未列席", "否")},
    "background": {
        "law_degree": ("法学", "法律", "法学学历", "法律专业", "法学本科", "法学类"),
        "law_work": ("法治工作", "法律工作", "法律工作经历"),
    },
    "training_form": {"central": ("集中", "集中授课"), "onsite": ("实地", "现场指导"), "joint": ("跟班", "随队"), "online": ("网络", "网上", "视频")},
    "hearing_mode": {"online": ("线上", "网络", "网上", "直播"), "onsite": ("现场", "到庭")},
}

_YES = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "在岗", "在职", "对"}
_NO = {"否", "×", "✗", "n", "no", "false", "0", "无", "离岗", "离职", "不在岗", "错"}
_SPLIT = re.compile(r"[、，,;；/／\n]+")


def purpose(kind: Kind) -> str:
    """What remembered mappings of this kind's sheets are filed under."""
    return f"ledger:{kind.name}"


def import_specs(kind: Kind) -> list[FieldSpec]:
    """The kind's fields as the mapping sees them: needed are the required fields without a
    default; a default is stated in the preview."""
    specs = []
    for f in kind.fields:
        label = CATALOG.get(f"field.{kind.name}.{f.name}", (f.name, f.name))
        words = (*label, *_WORDS.get(f.name, ()))
        note = ""
        if f.default is not None and f.type in ("choice", "bool"):
            value = choice_label(f.choices, f.default) if f.type == "choice" else t("bool.yes" if f.default else "bool.no")
            note = t("import.default", value=value)
        specs.append(FieldSpec(f.name, field_label(kind.name, f.name), words, required=f.required and f.default is None, default_note=note))
    return specs


@dataclass(frozen=True)
class Refusal:
    row_number: int
    field: str  # a field's name, or "" for the whole row
    message: str

    def line(self, kind: Kind) -> str:
        what = field_label(kind.name, self.field) if self.field else t("import.row")
        return t("catalog.refused_row", row=self.row_number, what=what, reason=self.message)


@dataclass
class SheetPreview:
    kind: Kind
    colmap: ColumnMap
    rows: list[sheets.Row]
    good: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, validated values)
    refused: list[Refusal] = field(default_factory=list)
    duplicates: list[tuple[int, str, int | None]] = field(default_factory=list)  # (row, label, earlier row or None: a stored record)


def _key(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)).casefold())


def _choice_table(choice_set: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code in CHOICES[choice_set]:
        for word in (code, *CATALOG.get(f"choice.{choice_set}.{code}", ()), *_VALUE_WORDS.get(choice_set, {}).get(code, ())):
            out.setdefault(_key(word), code)
    return out


class _PendingLookup:
    """Validation's lookup over the stored records and the rows already accepted."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.taken: dict[tuple[str, str, Any], int] = {}

    def add(self, kind: Kind, values: dict[str, Any], number: int) -> None:
        for column, value in values.items():
            if isinstance(value, (str, int, float)) and value != "":
                self.taken.setdefault((kind.name, column, value), number)

    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        return (kind, column, value) in self.taken or self.store.is_taken(kind, column, value, exclude_uuid)

    def exists(self, kind: str, uuid: str) -> bool:
        return self.store.exists(kind, uuid)


def _names(store: Store, kind: Kind) -> dict[str, str]:
    """A linked kind's records by their name: the first naming field, and the whole label."""
    out: dict[str, str] = {}
    for record in store.all_live(kind):
        first = record.get(kind.label_fields[0])
        label = " ".join(str(record[c]) for c in kind.label_fields if record.get(c) not in (None, ""))
        for word in (first, label):
            if word not in (None, ""):
                out.setdefault(_key(word), record["uuid"])
    return out


def _raw_value(f, text: str, tables: dict[str, dict[str, str]], names: dict[str, dict[str, str]]) -> tuple[Any, str | None]:
    """The form's raw value for a cell, or (None, a message) when it cannot be one."""
    if f.type == "choice":
        if not text:
            return None, None
        code = tables[f.choices].get(_key(text))
        if code is None:
            return None, t("import.not_choice", value=text, choices="、".join(choice_label(f.choices, c) for c in CHOICES[f.choices]))
        return code, None
    if f.type == "bool":
        if not text:
            return f.default, None
        key = _key(text)
        if key in _YES:
            return True, None
        if key in _NO:
            return False, None
        return None, t("import.not_bool", value=text)
    if f.type == "ref":
        if not text:
            return None, None
        uuid = names[f.ref].get(_key(text))
        return (uuid, None) if uuid else (None, t("import.no_record", value=text, kind=t(f"kind.{f.ref}")))
    if f.type == "refs":
        parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
        uuids, missing = [], []
        for part in parts:
            uuid = names[f.ref].get(_key(part))
            (uuids if uuid else missing).append(uuid or part)
        if missing:
            return None, t("import.no_record", value="、".join(missing), kind=t(f"kind.{f.ref}"))
        return uuids, None
    return text, None


def _label(kind: Kind, values: Mapping[str, Any]) -> str:
    return " ".join(str(values[c]) for c in kind.label_fields if values.get(c) not in (None, ""))


def _same_key(kind: Kind, values: Mapping[str, Any]) -> str:
    """What makes two records the same for the duplicate check: the fields that name a
    record, and the person (or other record) it is about — several people attend one
    hearing, each a record of their own."""
    names = [*kind.label_fields, *(f.name for f in kind.fields if f.type == "ref" and f.name not in kind.label_fields)]
    return "\x1f".join(_key(values.get(n) if values.get(n) is not None else "") for n in names)


def preview_rows(
    store: Store,
    kind: Kind,
    rows: Sequence[sheets.Row],
    *,
    today: dt.date,
    limits: Limits = Limits(),
    given: Mapping[str, str] | None = None,
    remembered: Mapping[str, Mapping[str, Any]] | None = None,
) -> SheetPreview:
    """Map the columns (raises MappingNeeded / SheetError) and check every row below the header."""
    colmap = sheets.map_columns(rows, import_specs(kind), purpose=purpose(kind), given=given, remembered=remembered)
    preview = SheetPreview(kind, colmap, list(rows))
    tables = {f.choices: _choice_table(f.choices) for f in kind.fields if f.choices}
    names = {f.ref: _names(store, KINDS[f.ref]) for f in kind.fields if f.ref}
    existing = {_same_key(kind, r) for r in store.all_live(kind)}
    seen: dict[str, int] = {}
    lookup = _PendingLookup(store)
    header = [sheets.normalise(c) for c in rows[colmap.header_index][1]]
    for number, line in rows[colmap.header_index + 1 :]:
        cells = {name: (line[i] if i < len(line) else "").strip() for name, i in colmap.columns.items()}
        if not any(cells.values()) or [sheets.normalise(c) for c in line] == header:
            continue  # a blank row, or the header repeated
        raw: dict[str, Any] = {}
        problems: list[Refusal] = []
        for name, text in cells.items():
            value, message = _raw_value(kind.field(name), text, tables, names)
            if message:
                problems.append(Refusal(number, name, message))
            elif value is not None:
                raw[name] = value
        if problems:
            preview.refused.extend(problems[:1])
            continue
        result = validate(kind, raw, today=today, lookup=lookup, limits=limits)
        # A repeat is told as a repeat (not as, say, a certificate number already taken).
        key = _same_key(kind, result.values)
        if key in existing:
            preview.duplicates.append((number, _label(kind, result.values), None))
            continue
        if key in seen:
            preview.duplicates.append((number, _label(kind, result.values), seen[key]))
            continue
        if not result.ok:
            name, problem = next(iter(result.problems.items()))
            preview.refused.append(Refusal(number, name, t(problem.key, **problem.params)))
            continue
        seen[key] = number
        lookup.add(kind, result.values, number)
        preview.good.append((number, result.values))
    return preview


def preview_sheet(
    store: Store, kind: Kind, path: Path | str, *, today: dt.date, limits: Limits = Limits(),
    given: Mapping[str, str] | None = None, data_dir: Path | None = None,
) -> SheetPreview:
    """Read ``path`` and preview it as records of ``kind`` (the home's remembered mappings
    used when ``data_dir`` is given)."""
    specs = import_specs(kind)
    names = {sheets.normalise(w) for s in specs for w in (s.name, s.title, *s.words)}

    def prefer(rows: list[sheets.Row]) -> float:
        """The sheet whose header row names most of the kind's fields (a ledger workbook
        holds a sheet per kind)."""
        best = 0.0
        for _n, line in rows[: sheets.HEADER_SEARCH_ROWS]:
            cells = [sheets.normalise(c) for c in line if c]
            if cells:
                hits = sum(1 for c in cells if c in names)
                best = max(best, hits + hits / len(cells) if hits >= 2 else 0.0)
        return best

    rows = sheets.read_table(path, prefer=prefer)
    remembered = sheets.remembered_maps(data_dir) if data_dir is not None else None
    return preview_rows(store, kind, rows, today=today, limits=limits, given=given, remembered=remembered)


def store_sheet(store: Store, preview: SheetPreview, actor: Actor, *, data_dir: Path | None = None) -> int:
    """Store the good rows in one transaction (each through the Store's insert, with its
    audit row); remember a given or confirmed mapping. Returns how many were stored."""
    if not preview.good:
        return 0
    with store.transaction():
        for _number, values in preview.good:
            store.insert(preview.kind, values, actor)
    colmap = preview.colmap
    if data_dir is not None and any(h in ("given", "remembered") for h in colmap.how.values()):
        sheets.remember_map(data_dir, colmap, purpose(preview.kind), preview.rows)
    return len(preview.good)


def preview_lines(preview: SheetPreview, name: str) -> list[tuple[str, str]]:
    """(verdict, line): counts, the columns used and defaults stated, each refused row
    ("refused") and each duplicate ("duplicate")."""
    kind = preview.kind
    lines = [("info", t("import.preview", path=name, kind=t(f"kind.{kind.name}"), good=len(preview.good),
                        refused=len(preview.refused), duplicates=len(preview.duplicates)))]
    lines += [("info", line) for line in sheets.mapping_lines(preview.colmap, import_specs(kind))]
    lines += [("refused", r.line(kind)) for r in preview.refused]
    for number, label, earlier in preview.duplicates:
        key = "import.duplicate_row" if earlier else "import.duplicate_stored"
        lines.append(("duplicate", t(key, row=number, label=label, first=earlier or 0)))
    return lines
