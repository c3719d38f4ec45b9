"""The words of office files both ways: spreadsheets mapped in (catalog, ledger import), the
ledger workbook, the annual-report draft and the checklist report going out. Joined into
:data:`fazhi_tui.base.i18n.CATALOG` (zh, en) — kept in a file of their own so the catalog's
other parts change without touching these."""

from __future__ import annotations

__all__ = ["FILES"]

FILES: dict[str, tuple[str, str]] = {
    # -- reading spreadsheets, mapping columns ------------------------------------------------
    "err.sheet_et": (
        "这是 WPS 表格的 .et 文件，本程序无法直接读取：请在 WPS 中另存为 .xlsx 后再导入",
        "This is a WPS .et file, which cannot be read directly: save it as .xlsx in WPS first",
    ),
    "err.sheet_mapping_needed": (
        "找不到表头中对应这些必需字段的列：{fields}",
        "No header column found for these needed fields: {fields}",
    ),
    "err.sheet_bad_map": (
        "--map {pair} 无法理解：应为 字段=表头（或列字母），字段为 {fields} 之一",
        "--map {pair} is not understood: FIELD=HEADER (or a column letter) expected, FIELD one of {fields}",
    ),
    "err.sheet_map_no_column": (
        "前 20 行中没有一行同时含有这些表头：{headers}",
        "No row among the first 20 holds all these headers: {headers}",
    ),
    "sheet.column": ("{letter} 列“{header}”，例：{samples}", "column {letter} “{header}”, e.g. {samples}"),
    "sheet.no_samples": ("（下面没有内容）", "(nothing below)"),
    "sheet.no_header": ("无表头", "no header"),
    "sheet.mapped": ("{field} ← {letter} 列“{header}”（{how}）", "{field} ← column {letter} “{header}” ({how})"),
    "sheet.how.words": ("按表头识别", "by its header"),
    "sheet.how.given": ("按指定", "as given"),
    "sheet.how.remembered": ("按上次确认的对应", "as confirmed last time"),
    "sheet.default": ("{field}：表中没有这一列，{default}", "{field}: no such column, {default}"),
    "sheet.unused": ("未使用的列：{columns}", "Columns not used: {columns}"),
    "sheet.columns_found": ("第 {row} 行的各列：", "The columns of row {row}:"),
    "sheet.map_hint": (
        "用 --map 字段=表头（或列字母，如 --map name=C）指明各列，可重复；字段：{fields}",
        "Say which column is which with --map FIELD=HEADER (or a column letter, e.g. --map name=C), repeatable; fields: {fields}",
    ),
    "catalog.default.power_type": ("全部按“{value}”保存", "every item is stored as “{value}”"),
    "catalog.default.mode": ("全部按“{value}”保存", "every item is stored as “{value}”"),
    "catalog.default.townships": ("全部事项适用所有乡镇", "every item applies to all townships"),
    "cli.opt.map": (
        "字段=表头：指明哪一列是哪个字段（表头文字或列字母，可重复）",
        "FIELD=HEADER: which column holds a field (header text or column letter; repeatable)",
    ),
    # -- the mapping step (screen) -------------------------------------------------------------
    "map.title": ("对应表格的列：为每个字段选择所在的列", "Map the columns: pick the column of each field"),
    "map.field": ("{field}（必填）", "{field} (needed)"),
    "map.unused": ("（不导入）", "(not imported)"),
    "map.required": ("必填字段没有选择列：{fields}", "Needed fields without a column: {fields}"),
    "map.twice": ("同一列选给了两个字段：{column}", "One column is picked for two fields: {column}"),
    "key.map_confirm": ("确认对应", "Confirm"),
    "key.map_columns": ("对应列", "Map columns"),
}
