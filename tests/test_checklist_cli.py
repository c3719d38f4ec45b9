"""``fazhi-tui checklist``, run in-process on the demo township (today fixed at 2026-11-27)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.base.paths import HOME_ENV, Home, resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.checklist import STATUSES, builtin_rules, builtin_rules_text
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.demo import build_demo

TODAY = dt.date(2026, 11, 27)
DAY = TODAY.isoformat()
BUILTIN_IDS = [r.id for r in builtin_rules().rules]
ROLLING = {r.id for r in builtin_rules().rules if r.period == "rolling"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TASK = re.compile(r"^T\d+$")


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch) -> Path:
    """FAZHI_TUI_HOME points at an empty folder of its own: only --home finds the office."""
    folder = tmp_path / "env-home"
    monkeypatch.setenv(HOME_ENV, str(folder))
    return folder


@pytest.fixture
def demo(tmp_path) -> Home:
    home = resolve_home(tmp_path / "office")
    build_demo(home, today=TODAY)
    return home


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def checklist(capsys, home: Home, *options: str) -> tuple[int, str, str]:
    return run(capsys, "checklist", "--home", str(home.data_dir), *options)


def as_json(capsys, home: Home, *options: str) -> dict:
    code, out, err = checklist(capsys, home, "--format", "json", *options)
    assert code == 0, err
    return json.loads(out)


def by_id(data: dict) -> dict[str, dict]:
    return {rule["id"]: rule for rule in data["rules"]}


def live_uuids(home: Home, kind: str, uuids: list[str]) -> set[str]:
    conn = sqlite3.connect(home.database)
    try:
        marks = ", ".join("?" for _ in uuids)
        rows = conn.execute(f"SELECT uuid FROM {kind} WHERE deleted_at IS NULL AND uuid IN ({marks})", uuids)
        return {row[0] for row in rows}
    finally:
        conn.close()


def labels_of(home: Home, kind: str, uuids: list[str]) -> list[str]:
    """The short names a printed report uses, read straight from the database."""
    fields = KINDS[kind].label_fields
    conn = sqlite3.connect(home.database)
    try:
        out = []
        for uuid in uuids:
            row = conn.execute(f"SELECT {', '.join(fields)} FROM {kind} WHERE uuid = ?", (uuid,)).fetchone()
            out.append(" ".join(str(v) for v in row if v not in (None, "")))
        return out
    finally:
        conn.close()


def section(report: str, start: str) -> str:
    """The lines of ``report`` from the line starting with ``start`` to the next heading."""
    lines = report.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    rest = lines[first + 1 :]
    end = next((i for i, line in enumerate(rest) if line.startswith("## ")), len(rest))
    return "\n".join([lines[first], *rest[:end]])


# -- json --------------------------------------------------------------------------------------


def test_json_has_every_rule_with_its_figures_and_evidence(demo, capsys):
    code, out, err = checklist(capsys, demo, "--format", "json", "--date", DAY)
    assert code == 0, err  # rules that are not met are a finding, not a failure
    data = json.loads(out)
    assert data["township"] == {"code": "640302100", "name": "金星镇"}
    assert data["year"] == 2026 and data["date"] == DAY and data["rules_source"] == "builtin"
    assert [r["id"] for r in data["rules"]] == BUILTIN_IDS and len(BUILTIN_IDS) == 26
    statuses = [r["status"] for r in data["rules"]]
    assert "not_met" in statuses
    assert data["summary"] == {s: statuses.count(s) for s in STATUSES}
    for rule in data["rules"]:
        assert TASK.match(rule["task"]), rule
        assert rule["status"] in STATUSES
        assert isinstance(rule["actual"], (int, float)) and isinstance(rule["target"], (int, float))
        evidence = rule["evidence"]
        assert evidence["kind"] in KINDS
        proving, breaking = evidence["proving"], evidence["breaking"]
        assert isinstance(proving, list) and isinstance(breaking, list)
        assert not set(proving) & set(breaking), rule["id"]
        assert set(evidence["at_risk"]) <= set(breaking)
        cited = proving + breaking
        assert all(UUID.fullmatch(u) for u in cited), rule["id"]
        if cited:
            assert live_uuids(demo, evidence["kind"], cited) == set(cited), rule["id"]
        if rule["status"] == "not_met":
            assert breaking or rule["type"] == "count", rule["id"]  # a count that falls short has nothing to blame
    rules = by_id(data)
    assert rules["T40-deploy"]["status"] == "met" and rules["T40-deploy"]["evidence"]["proving"]
    assert rules["T40-head"]["evidence"]["breaking"]


def test_year_and_date(demo, capsys):
    this_year = as_json(capsys, demo, "--date", DAY)
    last_year = as_json(capsys, demo, "--year", "2025", "--date", DAY)
    assert this_year["year"] == 2026 and last_year["year"] == 2025
    assert last_year["date"] == DAY
    # a calendar year, but for the rules of a rolling window (T43-office: the office named, ever)
    assert all(r["period"] == ["2025-01-01", "2025-12-31"] for r in last_year["rules"] if r["id"] not in ROLLING)
    assert all(r["period"] == ["2026-01-01", "2026-12-31"] for r in this_year["rules"] if r["id"] not in ROLLING)
    assert [r["id"] for r in last_year["rules"]] == BUILTIN_IDS
    # 2026 is not over, so a short count is only at risk; 2025 is over, so nothing is at risk
    assert by_id(this_year)["T46-study"]["status"] == "at_risk"
    assert all(r["status"] != "at_risk" for r in last_year["rules"] if r["type"] == "count")
    assert this_year["rules"] != last_year["rules"]

    # --date alone sets the year
    mid_2025 = as_json(capsys, demo, "--date", "2025-06-30")
    assert mid_2025["year"] == 2025 and mid_2025["date"] == "2025-06-30"
    assert mid_2025 == as_json(capsys, demo, "--year", "2025", "--date", "2025-06-30")
    assert mid_2025["rules"] != last_year["rules"]

    # no --date: today, and its year
    before = dt.date.today()
    default = as_json(capsys, demo)
    after = dt.date.today()
    assert default["date"] in (before.isoformat(), after.isoformat())
    assert default["year"] == dt.date.fromisoformat(default["date"]).year


def test_home_before_or_after_the_command_name(demo, capsys, elsewhere):
    after = run(capsys, "checklist", "--home", str(demo.data_dir), "--format", "json", "--date", DAY)
    before = run(capsys, "--home", str(demo.data_dir), "checklist", "--format", "json", "--date", DAY)
    assert after[0] == before[0] == 0
    assert after[1] == before[1]
    assert json.loads(before[1])["township"]["name"] == "金星镇"
    assert not elsewhere.exists()


# -- the other formats -------------------------------------------------------------------------


def test_table(demo, capsys):
    code, out, err = checklist(capsys, demo, "--date", DAY)  # table is the default
    assert code == 0, err
    assert out == checklist(capsys, demo, "--date", DAY, "--format", "table")[1]
    lines = out.splitlines()
    assert "金星镇" in lines[0] and "2026" in lines[0] and DAY in lines[1]
    rows = [line for line in lines if TASK.match(line.split(" ", 1)[0])]
    assert len(rows) == len(BUILTIN_IDS)
    data = by_id(as_json(capsys, demo, "--date", DAY))
    for row, rule in zip(rows, builtin_rules().rules):
        assert row.startswith(rule.task) and rule.name in row
        mark = {"met": "√", "not_met": "×", "at_risk": "!", "not_applicable": "-"}[data[rule.id]["status"]]
        assert mark in row
    assert lines[-3].startswith("达标 ")
    counts = {status: sum(r["status"] == status for r in data.values()) for status in ("met", "at_risk", "not_met")}
    # met today: met, or at risk only by a lapsing certificate; not applicable is neither; the legend says so
    met = sum(r["met_today"] for r in data.values())
    applicable = counts["met"] + counts["at_risk"] + counts["not_met"]
    assert counts["met"] <= met <= counts["met"] + counts["at_risk"]
    assert lines[-2] == f"今天达标 {met}/{applicable} 项"
    assert "有风险" in lines[-1] and "计入达标" in lines[-1] and "不适用，不计入" in lines[-1]


def test_csv(demo, capsys):
    code, out, err = checklist(capsys, demo, "--date", DAY, "--format", "csv")
    assert code == 0, err
    table = list(csv.reader(io.StringIO(out, newline="")))
    header, rows = table[0], table[1:]
    assert len(rows) == len(BUILTIN_IDS)
    assert "status" in header and "id" in header
    status_col, id_col = header.index("status"), header.index("id")
    assert all(len(row) == len(header) for row in rows)
    data = by_id(as_json(capsys, demo, "--date", DAY))
    assert [row[id_col] for row in rows] == BUILTIN_IDS
    for row in rows:
        assert row[status_col] in STATUSES
        assert row[status_col] == data[row[id_col]]["status"]
        assert row[0] == data[row[id_col]]["task"]


def test_markdown(demo, capsys):
    code, out, err = checklist(capsys, demo, "--date", DAY, "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("# ") and "金星镇" in lines[0] and "2026" in lines[0]
    table_rows = [line for line in lines if line.startswith("| T")]
    assert len(table_rows) == len(BUILTIN_IDS)
    assert any(re.fullmatch(r"\|( --- \|)+", line) for line in lines)
    assert not UUID.search(out)  # evidence is named, never by its uuid
    data = by_id(as_json(capsys, demo, "--date", DAY))
    deploy = data["T40-deploy"]
    body = section(out, f"## T40 {builtin_rules().get('T40-deploy').name}")
    for label in labels_of(demo, "meeting", deploy["evidence"]["proving"]):
        assert f"- {label}" in body
    head = data["T40-head"]
    body = section(out, f"## T40 {builtin_rules().get('T40-head').name}")
    evidence = head["evidence"]["breaking"] + head["evidence"]["proving"]
    assert [f"- {x}" for x in labels_of(demo, "meeting", evidence)] == [x for x in body.splitlines() if x.startswith("- ")]


def test_text(demo, capsys):
    code, out, err = checklist(capsys, demo, "--date", DAY, "--format", "text")
    assert code == 0, err
    lines = out.splitlines()
    assert "金星镇" in lines[0] and "2026" in lines[0] and set(lines[1]) == {"="}
    assert not UUID.search(out) and "|" not in out and "## " not in out
    for rule in builtin_rules().rules:
        assert any(line.startswith(f"{rule.task} {rule.name}: ") for line in lines), rule.id
    deploy = by_id(as_json(capsys, demo, "--date", DAY))["T40-deploy"]
    for label in labels_of(demo, "meeting", deploy["evidence"]["proving"]):
        assert f"- {label}" in lines


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "text"])
def test_out_writes_the_file_and_nothing_else(demo, capsys, tmp_path, fmt):
    code, printed, err = checklist(capsys, demo, "--date", DAY, "--format", fmt)
    assert code == 0, err
    target = tmp_path / f"report.{fmt}"
    code, out, err = checklist(capsys, demo, "--date", DAY, "--format", fmt, "--out", str(target))
    assert code == 0, err
    assert out == "" and err == ""
    written = target.read_bytes()
    if fmt == "csv":  # with a BOM, so that Excel and WPS read the Chinese right
        assert written.startswith(b"\xef\xbb\xbf")
    assert written.decode("utf-8-sig") == printed


def test_out_to_a_folder_that_cannot_be_written_says_so(demo, capsys, tmp_path):
    target = tmp_path / "no-such-folder-file"
    target.write_text("a file, not a folder")
    code, out, err = checklist(capsys, demo, "--date", DAY, "--out", str(target / "report.txt"))
    assert code == 1 and "无法写入" in err and out == ""


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [("--year", "abc", "abc"), ("--year", "1999", "1999"), ("--date", "2026-02-30", "2026-02-30"), ("--format", "xml", "xml")],
)
def test_bad_arguments_are_usage_errors(demo, capsys, option, value, shown):
    with pytest.raises(SystemExit) as exc:
        main(["checklist", "--home", str(demo.data_dir), option, value])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert option in captured.err and shown in captured.err


def test_a_home_that_was_never_set_up(tmp_path, capsys):
    folder = tmp_path / "nothing-here"
    code, out, err = run(capsys, "checklist", "--home", str(folder))
    assert code == 1
    assert out == "" and "还没有配置" in err
    assert not folder.exists()


def test_a_home_with_a_config_but_no_database(demo, capsys):
    demo.database.unlink()
    code, out, err = checklist(capsys, demo, "--date", DAY)
    assert code == 1 and out == "" and "还没有配置" in err
    assert not demo.database.exists()


def test_a_corrupt_database_is_reported_and_left_alone(demo, capsys):
    junk = bytes(range(256)) * 16
    demo.database.write_bytes(junk)
    for side in ("-wal", "-shm"):
        Path(str(demo.database) + side).unlink(missing_ok=True)
    code, out, err = checklist(capsys, demo, "--date", DAY)
    assert code != 0
    assert out == "" and "损坏" in err and str(demo.database) in err
    assert demo.database.read_bytes() == junk


# -- rule files --------------------------------------------------------------------------------


def rules_file(home: Home) -> Path:
    return home.config_dir / "rules.toml"


def last_good(home: Home) -> Path:
    return home.config_dir / "rules.last-good.toml"


def header_line(text: str, rule_id: str) -> int:
    """The 1-based line of the ``[[rule]]`` header of ``rule_id``."""
    lines = text.splitlines()
    at = lines.index(f'id = "{rule_id}"')
    return max(i for i in range(at) if lines[i].strip() == "[[rule]]") + 1


def change_rule(text: str, rule_id: str, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` inside the block of ``rule_id`` only."""
    start = text.index(f'id = "{rule_id}"')
    end = text.find("[[rule]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    assert old in block
    return text[:start] + block.replace(old, new, 1) + text[end:]


def switch_off(text: str, rule_id: str) -> str:
    line = f'id = "{rule_id}"'
    return change_rule(text, rule_id, line, f"{line}\nenabled = false")


def test_a_home_rule_file_switches_a_rule_off_and_is_remembered(demo, capsys):
    text = switch_off(builtin_rules_text(), "T44")
    rules_file(demo).write_text(text, encoding="utf-8")
    code, out, err = checklist(capsys, demo, "--format", "json", "--date", DAY)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["rules_source"] == "home"
    assert [r["id"] for r in data["rules"]] == [i for i in BUILTIN_IDS if i != "T44"]
    assert last_good(demo).read_text(encoding="utf-8") == text

    # now the county's file breaks: the last good copy stays in force
    broken = change_rule(text, "T46-lecture", 'kind = "meeting"', 'kind = "nonsense"')
    rules_file(demo).write_text(broken, encoding="utf-8")
    code, out, err = checklist(capsys, demo, "--format", "json", "--date", DAY)
    assert code == 0
    assert f"第 {header_line(broken, 'T46-lecture')} 行" in err and "nonsense" in err
    data = json.loads(out)
    assert data["rules_source"] == "last-good"
    assert [r["id"] for r in data["rules"]] == [i for i in BUILTIN_IDS if i != "T44"]
    assert last_good(demo).read_text(encoding="utf-8") == text  # the broken file never replaces it

    # other formats still print, with the warning on stderr only
    code, out, err = checklist(capsys, demo, "--format", "csv", "--date", DAY)
    assert code == 0 and "第 " in err and ",T44," not in out and len(out.splitlines()) == len(BUILTIN_IDS)  # a header, the rules but T44


@pytest.mark.parametrize(
    "breakage",
    [
        ("T46-lecture", 'kind = "meeting"', 'kind = "nonsense"'),  # refused by validation: the rule's header line
        ("T49", "min = 2", "min = "),  # refused by the TOML parser: the line itself
    ],
    ids=["unknown-kind", "toml-syntax"],
)
def test_a_broken_rule_file_without_a_last_good_copy_falls_back_to_the_built_in_rules(demo, capsys, breakage):
    rule_id, old, new = breakage
    broken = change_rule(builtin_rules_text(), rule_id, old, new)
    rules_file(demo).write_text(broken, encoding="utf-8")
    code, out, err = checklist(capsys, demo, "--format", "json", "--date", DAY)
    assert code == 0
    lines = broken.splitlines()
    line = header_line(broken, rule_id) if "kind" in old else lines.index(new) + 1
    assert f"第 {line} 行" in err
    data = json.loads(out)
    assert data["rules_source"] == "builtin"
    assert [r["id"] for r in data["rules"]] == BUILTIN_IDS
    assert not last_good(demo).exists()
    assert data == as_json_without_home_rules(capsys, demo)


def as_json_without_home_rules(capsys, home: Home) -> dict:
    saved = rules_file(home).read_bytes()
    rules_file(home).unlink()
    try:
        return as_json(capsys, home, "--date", DAY)
    finally:
        rules_file(home).write_bytes(saved)


def test_a_changed_threshold_changes_target_and_status(demo, capsys):
    before = by_id(as_json(capsys, demo, "--date", DAY))["T46-study"]
    assert before["target"] == 4 and before["actual"] < 4 and before["status"] != "met"
    assert before["actual"] >= 2  # the demo holds enough study meetings for a lower bar
    text = change_rule(builtin_rules_text(), "T46-study", "min = 4", "min = 2")
    rules_file(demo).write_text(text, encoding="utf-8")
    data = as_json(capsys, demo, "--date", DAY)
    assert data["rules_source"] == "home"
    after = by_id(data)["T46-study"]
    assert after["target"] == 2 and after["status"] == "met"
    assert after["actual"] == before["actual"]
    assert after["evidence"]["proving"] == before["evidence"]["proving"]
    others = {k: v for k, v in by_id(data).items() if k != "T46-study"}
    assert others == {k: v for k, v in by_id(as_json_without_home_rules(capsys, demo)).items() if k != "T46-study"}
