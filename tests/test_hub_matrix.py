"""The county hub's matrix, its reports, what changed between imports, and the roll-up to the city.

Everything is built with the command line (``fazhi_tui.cli.main``) in a temporary folder,
on fixed dates: demo townships as of 2026-11-27, checklists and reports ``--date
2026-11-27``, the hub's own matrix with ``on=`` given.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rich.cells import cell_len

from fazhi_tui.base.config import Config, load_config, save_config
from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import Matrix, hub_matrix, load_active_rules, run_checklist
from fazhi_tui.services.checklist_report import actual_text, status_text, target_text
from fazhi_tui.services.demo import build_demo
from fazhi_tui.storage.store import Actor, Store, utc_now
from fazhi_tui.sync.hub import changes_between, import_history, member_overview
from tests.conftest import TODAY, make_clock

DATE = TODAY.isoformat()  # 2026-11-27
YEAR = TODAY.year
DEMOS = ("640302100", "640302101", "640302102")
SILENT = "640302103"  # enrolled, never reports
NAMES = {
    "640302100": "金星镇",
    "640302101": "胜利镇",
    "640302102": "新华街道",
    # A name that a spreadsheet would run as a formula if it were written carelessly.
    SILENT: '=HYPERLINK("z")',
}
INJECTED_TITLE = '=HYPERLINK("x")'  # a meeting title a township typed
INJECTED_ITEM = '=HYPERLINK("y")'  # a service item's name: its label starts with "="
STATUS_WORDS = {"met": "√ 达标", "not_met": "× 未达标", "at_risk": "! 有风险", "not_applicable": "- 不适用"}


def cli(*args) -> None:
    assert main([str(a) for a in args]) == 0, args


def township_checklist(folder: Path, tmp: Path) -> dict:
    out = tmp / f"checklist-{folder.name}.json"
    cli("checklist", "--format", "json", "--date", DATE, "--out", out, "--home", folder)
    return json.loads(out.read_text(encoding="utf-8"))


def open_store(folder: Path) -> tuple[Home, Config, Store]:
    home = resolve_home(folder)
    return home, load_config(home.config), Store.open(home.database, home.backups)


def matrix_of(folder: Path, year: int = YEAR) -> Matrix:
    home, config, store = open_store(folder)
    try:
        return hub_matrix(store, load_active_rules(home).ruleset, config, year=year, on=TODAY)
    finally:
        store.close()


def statuses(matrix: Matrix) -> dict[str, dict[str, str]]:
    return {row.code: {r.rule.id: r.status for r in row.results} for row in matrix.rows}


def import_all(county: Path, stick: Path, pattern: str = "fazhi-up-*.fzb") -> None:
    files = sorted(stick.glob(pattern))
    assert files
    cli("hub", "import", *files, "--home", county)


def build_county(root: Path, townships=DEMOS, silent=(SILENT,), inject: bool = False) -> dict[str, Path]:
    """A county hub with demo townships that reported once, and townships enrolled that never did."""
    stick = root / "stick"
    stick.mkdir()
    county = root / "county"
    cli("hub", "init", "640302", "--name", "利通区", "--home", county)
    for code in (*townships, *silent):
        cli("hub", "enroll", code, "--name", NAMES[code], "--to", stick, "--home", county)
    folders = {"county": county, "stick": stick}
    for code in townships:
        folder = root / code
        build_demo(resolve_home(folder), township=code, today=TODAY)
        cli("enroll", stick / f"fazhi-enrol-{code}.json", "--home", folder)
        if inject and code == DEMOS[0]:
            home, config, store = open_store(folder)
            try:
                actor = Actor(config.operator, code)
                store.insert(KINDS["meeting"], {"kind": "lecture", "date": "2026-10-15", "title": INJECTED_TITLE,
                                                "chair": "张三", "attendees": "镇机关全体干部"}, actor)
                item = {"name": INJECTED_ITEM, "guide_published": True, "procedure_done": False}
                store.insert(KINDS["service_item"], item, actor)
            finally:
                store.close()
        cli("export", "--to", stick, "--home", folder)
        folders[code] = folder
    import_all(county, stick)
    return folders


@pytest.fixture(scope="module")
def county4(tmp_path_factory) -> dict[str, Path]:
    """Read-only: three demo townships that reported (one with formula-like text) and one that never did."""
    root = tmp_path_factory.mktemp("county4")
    folders = build_county(root, inject=True)
    folders["checklists"] = {code: township_checklist(folders[code], root) for code in DEMOS}
    return folders


# -- the matrix --------------------------------------------------------------------------------------


def test_matrix_has_every_enrolled_township_and_the_silent_one_counts_against_every_share(county4):
    matrix = matrix_of(county4["county"])
    assert matrix.year == YEAR and matrix.on == TODAY
    assert [row.code for row in matrix.rows] == [*DEMOS, SILENT]
    assert [row.name for row in matrix.rows] == [NAMES[code] for code in (*DEMOS, SILENT)]
    silent = matrix.rows[-1]
    assert silent.results == () and silent.last_import is None
    assert all(row.results and row.last_import for row in matrix.rows[:3])

    checklists = county4["checklists"]
    for index, rule in enumerate(matrix.rules):
        township_statuses = [next(r["status"] for r in checklists[code]["rules"] if r["id"] == rule.id) for code in DEMOS]
        # met today: met, or at risk only by a lapsing certificate; "not applicable" is neither
        met = sum(next(r["met_today"] for r in checklists[code]["rules"] if r["id"] == rule.id) for code in DEMOS)
        applicable = 1 + sum(s != "not_applicable" for s in township_statuses)  # the silent one always counts
        assert matrix.share_met(index) == (met, applicable), rule.id
    # No demo township finds these rules inapplicable: the share is out of all four.
    for rule_id in ("T40-deploy", "T40-head", "T46-study", "T43"):
        index = [r.id for r in matrix.rules].index(rule_id)
        assert matrix.share_met(index)[1] == 4


def test_every_cell_is_the_townships_own_verdict(county4):
    """The hand-computed expectation: each township runs its own checklist on its own PC
    (``fazhi-tui checklist --format json``); the hub must agree cell by cell."""
    matrix = matrix_of(county4["county"])
    for row in matrix.rows[:3]:
        own = county4["checklists"][row.code]
        assert own["township"]["code"] == row.code and own["year"] == YEAR and own["date"] == DATE
        assert [r["id"] for r in own["rules"]] == [rule.id for rule in matrix.rules]
        for mine, result in zip(own["rules"], row.results):
            assert result.rule.id == mine["id"]
            assert result.status == mine["status"], (row.code, mine["id"])
            assert result.actual == mine["actual"] and result.target == mine["target"], (row.code, mine["id"])
            assert list(result.proving) == mine["evidence"]["proving"], (row.code, mine["id"])
            assert list(result.breaking) == mine["evidence"]["breaking"], (row.code, mine["id"])
    # The demo is deliberately imperfect: the matrix shows more than one verdict.
    seen = {r.status for row in matrix.rows for r in row.results}
    assert {"met", "not_met"} <= seen


def test_a_tiny_township_counted_by_hand(tmp_path):
    """One deploy meeting in 2026 (and one in 2025), no administrative meeting at all."""
    stick = tmp_path / "stick"
    stick.mkdir()
    county = tmp_path / "county"
    cli("hub", "init", "640302", "--name", "利通区", "--home", county)
    cli("hub", "enroll", "640302104", "--name", "小镇", "--to", stick, "--home", county)
    home = resolve_home(tmp_path / "tiny")
    home.ensure()
    save_config(home.config, Config(township_code="640302104", township_name="小镇", county_code="640302",
                                    county_name="利通区", operator="李四"))
    store = Store.open(home.database, home.backups)
    try:
        actor = Actor("李四", "640302104")
        deploy = store.insert(KINDS["meeting"], {"kind": "deploy", "date": "2026-03-10", "title": "2026年法治政府建设专题部署会",
                                                 "chair": "王书记"}, actor)
        store.insert(KINDS["meeting"], {"kind": "deploy", "date": "2025-03-12", "title": "2025年法治政府建设专题部署会",
                                        "chair": "王书记"}, actor)
        store.insert(KINDS["meeting"], {"kind": "study", "date": "2026-05-06", "title": "会前学法：行政处罚法"}, actor)
    finally:
        store.close()
    cli("enroll", stick / "fazhi-enrol-640302104.json", "--home", home.data_dir)
    cli("export", "--to", stick, "--home", home.data_dir)
    import_all(county, stick)

    matrix = matrix_of(county)
    assert [row.code for row in matrix.rows] == ["640302104"]
    (row,) = matrix.rows
    assert row.name == "小镇"
    ids = [rule.id for rule in matrix.rules]
    by_id = {r.rule.id: r for r in row.results}
    assert by_id["T40-deploy"].status == "met"
    assert by_id["T40-deploy"].actual == 1 and list(by_id["T40-deploy"].proving) == [deploy]
    assert by_id["T40-head"].status == "not_applicable"  # no administrative meeting to attend
    assert matrix.share_met(ids.index("T40-deploy")) == (1, 1)
    assert matrix.share_met(ids.index("T40-head")) == (0, 0)
    assert by_id["T46-study"].actual == 1 and by_id["T46-study"].status != "met"  # 1 of at least 4
    # The year before counts its own deploy meeting; 2024 has none.
    assert {r.rule.id: r.status for r in matrix_of(county, 2025).rows[0].results}["T40-deploy"] == "met"
    assert {r.rule.id: r.status for r in matrix_of(county, 2024).rows[0].results}["T40-deploy"] != "met"


# -- reports -----------------------------------------------------------------------------------------


def text(value) -> str:
    return "" if value is None else value


# at risk is met today, not applicable neither met nor counted
LEGEND = (
    "√ 达标；! 有风险：或今天达标但证件即将失效（计入达标），或尚未达标——年内尚差、仅靠计划记录、正在承接、报告未到期未报（不计入达标）；"
    "× 未达标；- 不适用，不计入达标率。只计入检查日及以前的记录。"
)


def share_text(met: int, applicable: int) -> str:
    return f"{met}/{applicable}（{round(100 * met / applicable)}%）" if applicable else "-"


def expected_matrix_rows(matrix: Matrix, checklists: dict) -> list[list[str]]:
    """The summary sheet as the county should see it, from the townships' own checklists."""
    rows = [["乡镇代码", "乡镇名称", "最近上报", *[f"{rule.task} {rule.name}" for rule in matrix.rules]]]
    for row in matrix.rows:
        if row.code in checklists:
            own = {r["id"]: r["status"] for r in checklists[row.code]["rules"]}
            cells = [STATUS_WORDS[own[rule.id]] for rule in matrix.rules]
        else:
            cells = ["从未"] * len(matrix.rules)
        rows.append([row.code, NAMES[row.code], (row.last_import or "")[:10], *cells])
    rows.append(["达标率", "", "", *[share_text(*matrix.share_met(i)) for i in range(len(matrix.rules))]])
    return rows


def report(county: Path, tmp: Path, fmt: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"hub-report.{fmt}"
    cli("hub", "report", "--year", YEAR, "--date", DATE, "--format", fmt, "--out", out, "--home", county)
    assert out.is_file()
    return out


def expected_evidence(county4, rule, index: int) -> list[list[str]]:
    """One rule's evidence sheet, from each township's own database: its records' labels."""
    matrix = matrix_of(county4["county"])
    body = []
    for row in matrix.rows:
        if row.code not in county4:
            body.append([row.code, NAMES[row.code], "从未", "", "", "", "", ""])
            continue
        home, config, store = open_store(county4[row.code])
        try:
            result = run_checklist(store, load_active_rules(home).ruleset, config, year=YEAR, on=TODAY)[index]
            assert result.rule.id == rule.id
            cited = [(u, t("report.role.breaking")) for u in result.breaking]
            cited += [(u, t("report.role.proving")) for u in result.proving]
            labels = store.labels(KINDS[result.evidence_kind], [u for u, _ in cited])
        finally:
            store.close()
        common = [row.code, NAMES[row.code], status_text(result.status), actual_text(result), target_text(result),
                  kind_label(result.evidence_kind)]
        if not cited:
            body.append([*common, "", ""])
        for record_uuid, role in cited:
            body.append([*common, labels[record_uuid], role])
    return body


def test_xlsx_report_read_back_cell_by_cell(county4, tmp_path):
    path = report(county4["county"], tmp_path, "xlsx")
    matrix = matrix_of(county4["county"])
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", *[rule.id for rule in matrix.rules]]

    sheet = book["汇总"]
    assert sheet.freeze_panes == "D2"
    expected = expected_matrix_rows(matrix, county4["checklists"])
    got = [[text(cell.value) for cell in row] for row in sheet.iter_rows()]
    assert got[:-2] == expected
    # below the share row, after a blank one: the legend saying how the share counts
    assert not any(got[-2]) and got[-1][0] == LEGEND and not any(got[-1][1:])
    assert sheet.max_row == 1 + 4 + 1 + 2
    assert all(value == "从未" for value in got[4][3:])  # the silent township, in words
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_col=4, max_row=len(expected)) for cell in row)  # statuses as text
    assert sheet.cell(row=5, column=2).value == NAMES[SILENT] and sheet.cell(row=5, column=2).data_type == "s"
    for column in range(1, 4):  # code, name, last bundle: wide enough for their header
        width = sheet.column_dimensions[get_column_letter(column)].width
        assert width >= cell_len(expected[0][column - 1])
    widest_status = max(cell_len(s) for s in (*STATUS_WORDS.values(), "从未"))
    for column in range(4, 4 + len(matrix.rules)):  # rules: the header wraps, every status fits
        assert sheet.cell(row=1, column=column).alignment.wrap_text
        assert sheet.column_dimensions[get_column_letter(column)].width >= widest_status

    # No formula anywhere in the workbook.
    assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]

    for index, rule in enumerate(matrix.rules):
        ws = book[rule.id]
        assert ws.freeze_panes == "A4"
        assert ws["A1"].value == f"{rule.task} {rule.name}" and ws["A2"].value == rule.quote
        header = ["乡镇代码", "乡镇名称", "状态", "实际", "目标", "依据类别", "依据记录", "作用", "证明文件"]
        assert [text(c.value) for c in ws[3]] == header
        body = [[text(c.value) for c in row][:8] for row in ws.iter_rows(min_row=4)]
        body = [row + [""] * (8 - len(row)) for row in body]
        assert body == expected_evidence(county4, rule, index), rule.id
        for column, title in enumerate(header, start=1):
            assert ws.column_dimensions[get_column_letter(column)].width >= cell_len(title)

    # What a township typed is a plain string, never a formula.
    item = [c for row in book["T44"].iter_rows(min_col=7, max_col=7) for c in row if c.value == INJECTED_ITEM]
    assert item and all(c.data_type == "s" for c in item)
    lecture = [c for row in book["T49"].iter_rows(min_col=7, max_col=7) for c in row
               if c.value == f"2026-10-15 {INJECTED_TITLE}"]
    assert lecture and all(c.data_type == "s" for c in lecture)


def test_csv_report_is_the_same_matrix_with_formulas_quoted(county4, tmp_path):
    path = report(county4["county"], tmp_path, "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel and WPS read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        got = list(csv.reader(handle))
    expected = expected_matrix_rows(matrix_of(county4["county"]), county4["checklists"])
    quoted = [[("'" + v) if v[:1] in ("=", "+", "-", "@") else v for v in row] for row in expected]
    assert got[:-1] == quoted and got[-1] == [LEGEND]
    assert got[4][1] == "'" + NAMES[SILENT]  # the "=" text, quoted
    assert not [v for row in got for v in row if v[:1] in ("=", "+", "-", "@")]


def test_json_report_statuses_equal_the_matrix(county4, tmp_path):
    path = report(county4["county"], tmp_path, "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    matrix = matrix_of(county4["county"])
    assert data["hub"] == {"level": "county", "code": "640302", "name": "利通区"}
    assert data["year"] == YEAR and data["date"] == DATE
    assert [r["id"] for r in data["rules"]] == [rule.id for rule in matrix.rules]
    assert {tw["code"]: {rid: v["status"] for rid, v in tw["rules"].items()} for tw in data["townships"]} == statuses(matrix)
    assert [tw["name"] for tw in data["townships"]] == [NAMES[c] for c in (*DEMOS, SILENT)]
    silent = data["townships"][-1]
    assert silent["rules"] == {} and silent["last_import"] is None
    for index, rule in enumerate(matrix.rules):
        met, applicable = matrix.share_met(index)
        assert data["share_met"][rule.id] == {"met": met, "applicable": applicable}
    assert data["legend"] == LEGEND


# -- what changed ------------------------------------------------------------------------------------


@pytest.fixture
def later_clock(monkeypatch):
    """Every store the commands open from now on runs on a clock three days ahead."""
    start = dt.datetime.strptime(utc_now(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC) + dt.timedelta(days=3)
    clock = make_clock(start)
    original = Store.open.__func__

    def open_later(cls, path, backup_dir, clock_=None):
        return original(cls, path, backup_dir, clock_ or clock)

    def install():
        monkeypatch.setattr(Store, "open", classmethod(open_later))
        return start.date()

    return install


def test_changes_of_a_second_round(tmp_path, capsys, later_clock):
    folders = build_county(tmp_path, townships=DEMOS[:2], silent=())
    edited = DEMOS[1]
    later = later_clock()  # the second round happens three days later

    home, config, store = open_store(folders[edited])
    try:
        actor = Actor(config.operator, edited)
        meetings = store.all_live(KINDS["meeting"])
        assert store.update(KINDS["meeting"], meetings[0]["uuid"], {"title": "改过的会议名称"}, actor)
        store.tombstone(KINDS["meeting"], meetings[1]["uuid"], actor)
    finally:
        store.close()
    for stale in folders["stick"].glob("fazhi-up-*.fzb"):
        stale.unlink()
    cli("export", "--to", folders["stick"], "--home", folders[edited])
    import_all(folders["county"], folders["stick"])

    capsys.readouterr()
    cli("hub", "changes", "--since", later.isoformat(), "--home", folders["county"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("6403")]
    assert lines == [f"{edited}  {NAMES[edited]}  会议：新增 0，修改 1，删除 1"], out

    home, config, store = open_store(folders["county"])
    try:
        assert [(c.township, c.kind, c.added, c.changed, c.deleted) for c in changes_between(store, later.isoformat())] == [
            (edited, "meeting", 0, 1, 1)
        ]
        before = changes_between(store, None, (later - dt.timedelta(days=1)).isoformat())
        assert {c.township for c in before} == set(DEMOS[:2]) and all(c.changed == 0 for c in before)
        history = import_history(store)
        members = {m.code: m for m in member_overview(store)}
    finally:
        store.close()
    # Newest first: the second round, then the first round's files in the order they were read.
    assert [(h["member"], h["seq"]) for h in history] == [(edited, 2), (DEMOS[1], 1), (DEMOS[0], 1)]
    stamps = [h["imported_at"] for h in history]
    assert stamps == sorted(stamps, reverse=True) and stamps[0][:10] == later.isoformat()
    newest = history[0]
    assert newest["member_name"] == NAMES[edited]
    assert newest["totals"]["added"] == 0 and newest["totals"]["changed"] == 1 and newest["totals"]["deleted"] == 1
    assert newest["totals"]["unchanged"] > 100
    for older in history[1:]:
        assert older["totals"]["added"] > 100 and older["totals"]["changed"] == 0
    assert members[edited].bundles == 2 and members[edited].last_import[:10] == later.isoformat()


# -- three levels ------------------------------------------------------------------------------------


def test_city_sees_the_same_verdicts_as_the_county(tmp_path):
    folders = build_county(tmp_path)
    county, city, stick = folders["county"], tmp_path / "city", tmp_path / "stick2"
    stick.mkdir()
    cli("hub", "init", "6403", "--name", "吴忠市", "--level", "city", "--home", city)
    cli("hub", "enroll", "640302", "--name", "利通区", "--to", stick, "--home", city)
    cli("enroll", stick / "fazhi-enrol-640302.json", "--home", county)
    cli("hub", "export", "--to", stick, "--home", county)
    import_all(city, stick, "fazhi-up-640302-*.fzb")

    at_county, at_city = matrix_of(county), matrix_of(city)
    assert [r.id for r in at_city.rules] == [r.id for r in at_county.rules]
    assert [(row.code, row.name) for row in at_city.rows] == [(row.code, row.name) for row in at_county.rows]
    assert [row.name for row in at_city.rows] == [NAMES[c] for c in (*DEMOS, SILENT)]  # the county's names
    assert statuses(at_city) == statuses(at_county)
    assert [at_city.share_met(i) for i in range(len(at_city.rules))] == [
        at_county.share_met(i) for i in range(len(at_county.rules))
    ]

    county_json = json.loads(report(county, tmp_path / "c", "json").read_text(encoding="utf-8"))
    city_json = json.loads(report(city, tmp_path / "w", "json").read_text(encoding="utf-8"))
    assert city_json["hub"] == {"level": "city", "code": "6403", "name": "吴忠市"}

    def townships(data):  # when each hub last heard of a township is its own clock's business
        return [{k: v for k, v in tw.items() if k != "last_import"} for tw in data["townships"]]

    assert townships(city_json) == townships(county_json)
    assert city_json["share_met"] == county_json["share_met"]


# -- the rest of the ledger (issue 15) ----------------------------------------------------------------

LEDGER_KINDS = ("enforcement_decision", "supervision_check", "complaint", "lawsuit", "recommendation", "oath",
                "law_report", "exam_result", "law_list", "training_plan", "law_office")
LEDGER_RULES = ("T26-review", "T26-publish", "T30-check", "T30-complaints", "T37", "T39", "T45", "T46-leader",
                "T47", "T49-exam", "T49-list", "T42-plan", "T43-office")


def test_the_new_kinds_reach_the_hub_unchanged_and_their_rules_fill_the_xlsx(county4, tmp_path):
    from tests.sync.util import contents

    hub_db = resolve_home(county4["county"]).database
    for code in DEMOS:
        own = contents(resolve_home(county4[code]).database, code)
        at_hub = contents(hub_db, code)
        for name in (*LEDGER_KINDS, "meeting", "staff"):  # meeting and staff carry the two new columns
            assert own[name] and at_hub[name] == own[name], (code, name)
        assert any(r["principal_speaker"] for r in at_hub["meeting"].values())
        assert any(r["leader"] for r in at_hub["staff"].values())

    book = load_workbook(report(county4["county"], tmp_path, "xlsx"))
    matrix = matrix_of(county4["county"])
    for rule_id in LEDGER_RULES:
        rule = next(r for r in matrix.rules if r.id == rule_id)
        ws = book[rule_id]
        assert ws["A2"].value == rule.quote
        kinds = {c.value for row in ws.iter_rows(min_row=4, min_col=6, max_col=6) for c in row if c.value}
        statuses_seen = {c.value for row in ws.iter_rows(min_row=4, min_col=3, max_col=3) for c in row}
        assert statuses_seen - {"从未"}, rule_id  # each reporting township has a verdict
        if rule.type != "count" or rule_id in ("T30-check", "T49-list", "T43-office", "T46-leader"):
            # the evidence names records of the rule's own kind (count rules that are met cite theirs)
            assert kinds <= {kind_label(rule.kind), kind_label(rule.link.kind) if rule.link else ""}, rule_id
    # the demo shows both verdicts among the new rules
    seen = {r.status for row in matrix.rows[:3] for r in row.results if r.rule.id in LEDGER_RULES}
    assert {"met", "not_met"} <= seen
    # records of the new kinds are cited by their kind's name (the linked ones, oaths, law
    # reports, exams and plans, prove the people and items they name, which are cited)
    cited = {c.value for ws in book.worksheets[1:] for row in ws.iter_rows(min_row=4, min_col=6, max_col=6) for c in row}
    evidence_kinds = ("enforcement_decision", "supervision_check", "complaint", "lawsuit", "recommendation", "law_list",
                      "law_office")
    assert {kind_label(name) for name in evidence_kinds} <= cited
