"""Evidence files at a township: types judged by content, the content-addressed store, and
attach / files / detach from the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.base.config import save_config
from fazhi_tui.base.filestore import FileStore, sha256_hex
from fazhi_tui.base.filetypes import FileTypeRefused, sniff
from fazhi_tui.base.paths import resolve_home
from tests.evidence.samples import docx, ole, tiny_pdf, tiny_png, xlsx, zip_bomb_docx
from tests.sync.util import TOWN_A, ok, run, township


def test_types_are_judged_by_content():
    assert sniff(tiny_pdf()) == "pdf"
    assert sniff(tiny_png()) == "png"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\0" * 100) == "jpeg"
    assert sniff(docx()) == "docx"
    assert sniff(xlsx()) == "xlsx"
    assert sniff(ole()) == "ole"
    for bad, key in ((b"MZ\x90\0 an exe", "err.file_type"), (b"PK\x03\x04broken", "err.file_damaged"), (zip_bomb_docx(), "err.file_bomb")):
        with pytest.raises(FileTypeRefused) as info:
            sniff(bad)
        assert info.value.key == key


def test_the_store_keeps_a_file_once_by_its_digest(tmp_path):
    store = FileStore(tmp_path / "files")
    data = tiny_pdf("minutes")
    digest, written = store.put(data)
    assert written and digest == sha256_hex(data)
    assert store.path(digest) == tmp_path / "files" / digest[:2] / f"{digest}.bin"
    assert store.put(data) == (digest, False)
    assert store.read(digest) == data
    assert store.total_size() == len(data)
    store.path(digest).write_bytes(b"%PDF-1.4 changed")
    with pytest.raises(ValueError):
        store.read(digest)
    assert not list((tmp_path / "files").rglob("*.tmp"))


def meeting_uuid(root: Path) -> str:
    conn = sqlite3.connect(resolve_home(root).database)
    try:
        return conn.execute("SELECT uuid FROM meeting WHERE deleted_at IS NULL ORDER BY rowid LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def attachment_rows(root: Path) -> list[tuple]:
    conn = sqlite3.connect(resolve_home(root).database)
    try:
        return conn.execute("SELECT name, deleted_at, sha256 FROM attachment ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_attach_list_open_and_detach_from_the_command_line(tmp_path, monkeypatch):
    town = township(tmp_path / "a", TOWN_A, records=30)
    record = meeting_uuid(town.root)
    before = len(attachment_rows(town.root))
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "纪要.pdf").write_bytes(tiny_pdf("minutes"))
    (scans / "签到表.png").write_bytes(tiny_png())
    (scans / "纪要副本.pdf").write_bytes(tiny_pdf("minutes"))  # the same scan again
    done = ok("attach", record, scans / "纪要.pdf", scans / "签到表.png", scans / "纪要副本.pdf", "--caption", "专题会议", "--home", town.root)
    assert "已附加 3 个文件" in done.out
    rows = attachment_rows(town.root)[before:]
    assert [r[0] for r in rows] == ["纪要.pdf", "签到表.png", "纪要副本.pdf"]
    home = resolve_home(town.root)
    assert rows[0][2] == rows[2][2] == sha256_hex(tiny_pdf("minutes"))
    assert len(list(home.files.glob("??/*.bin"))) == 2 + (before and 2)  # one file for the two copies

    listed = ok("files", record, "--home", town.root)
    first = listed.lines[0].split("  ")
    assert first[:4] == ["1", "纪要.pdf", f"{len(tiny_pdf('minutes'))} B", "PDF"] and first[4] == sha256_hex(tiny_pdf("minutes"))
    data = json.loads(ok("files", record, "--format", "json", "--home", town.root).out)
    assert [d["name"] for d in data] == ["纪要.pdf", "签到表.png", "纪要副本.pdf"] and all(d["held"] for d in data)
    assert data[1]["type"] == "png" and data[1]["caption"] == "专题会议"

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    opened = ok("files", record, "--open", "2", "--home", town.root)
    where = Path(opened.out.split("：", 1)[1].strip())
    assert "没有可用的查看程序" in opened.out and where.name == "签到表.png" and where.read_bytes() == tiny_png()
    assert run("files", record, "--open", "9", "--home", town.root).code == 2

    ok("detach", record, "2", "--home", town.root)
    assert [d["name"] for d in json.loads(ok("files", record, "--format", "json", "--home", town.root).out)] == ["纪要.pdf", "纪要副本.pdf"]
    assert attachment_rows(town.root)[before + 1][1] is not None  # a tombstone, not a delete
    conn = sqlite3.connect(home.database)
    actions = [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE table_name = 'attachment' ORDER BY id")]
    conn.close()
    assert actions[-4:] == ["insert", "insert", "insert", "delete"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("病毒.exe", b"MZ\x90\0" + b"\0" * 64, "不是 PDF、JPEG、PNG、Word 或 Excel 文件"),
        ("照片.jpg", tiny_pdf(), "文件名与内容不符：内容是 PDF"),
        ("纪要.docx", zip_bomb_docx(), "解压炸弹"),
        ("大文件.pdf", tiny_pdf() + b"\0" * (2 * 1024 * 1024), "超过每个文件 1.0 MB 的上限"),
    ],
)
def test_a_file_refused_attaches_nothing_and_says_why(tmp_path, name, content, reason):
    town = township(tmp_path / "a", TOWN_A, records=30)
    config = town.config
    config.evidence.max_file_mb = 1
    save_config(town.home.config, config)
    record = meeting_uuid(town.root)
    good = tmp_path / "ok.pdf"
    good.write_bytes(tiny_pdf("fine"))
    bad = tmp_path / name
    bad.write_bytes(content)
    before = attachment_rows(town.root)
    result = run("attach", record, good, bad, "--home", town.root)
    assert result.code != 0 and reason in result.err and name in result.err
    assert attachment_rows(town.root) == before


def test_attach_to_a_record_that_does_not_exist(tmp_path):
    town = township(tmp_path / "a", TOWN_A, records=30)
    good = tmp_path / "ok.pdf"
    good.write_bytes(tiny_pdf())
    result = run("attach", "no-such-record", good, "--home", town.root)
    assert result.code == 2 and "找不到记录 no-such-record" in result.err


def test_a_new_pc_restores_the_stick_copy_with_its_evidence_files(tmp_path):
    """backup --to on the old PC, then `restore E:\\fazhi-…-auto-copy.db` on a new one: the
    database and the scans its records name come back; a scan altered on the stick is left
    there and named as missing, and a file the database does not name is not taken."""
    town = township(tmp_path / "a", TOWN_A, records=30)
    record = meeting_uuid(town.root)
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "纪要.pdf").write_bytes(tiny_pdf("minutes"))
    (scans / "签到表.png").write_bytes(tiny_png())
    ok("attach", record, scans / "纪要.pdf", scans / "签到表.png", "--home", town.root)
    stick = tmp_path / "stick"
    stick.mkdir()
    ok("backup", "--to", stick, "--home", town.root)
    (copy,) = stick.glob("fazhi-*-auto-copy.db")
    png = sha256_hex(tiny_png())
    altered = stick / "fazhi-files" / png[:2] / f"{png}.bin"
    altered.write_bytes(tiny_png() + b"changed")
    stray = sha256_hex(b"not named by any record")
    (stick / "fazhi-files" / stray[:2]).mkdir(exist_ok=True)
    (stick / "fazhi-files" / stray[:2] / f"{stray}.bin").write_bytes(b"not named by any record")

    new_root = tmp_path / "new"
    new_pc = resolve_home(new_root)
    new_pc.ensure()
    save_config(new_pc.config, town.config)  # the new PC's first start: the same township
    missing = run("restore", "fazhi-no-such.db", "--home", new_root)
    assert missing.code != 0 and "没有名为 fazhi-no-such.db 的备份" in missing.err
    done = ok("restore", copy, "--home", new_root)
    assert "取回了 1 个附件文件" in done.out
    assert "1 个附件文件在 U 盘上找不到或已损坏" in done.out and png in done.out
    store = FileStore(new_pc.files)
    assert store.read(sha256_hex(tiny_pdf("minutes"))) == tiny_pdf("minutes")
    assert not store.has(png) and not store.has(stray)
    assert [r[0] for r in attachment_rows(new_root)][-2:] == ["纪要.pdf", "签到表.png"]
    files = ok("files", record, "--home", new_root)
    assert "纪要.pdf" in files.out

    altered.write_bytes(tiny_png())  # the clerk finds the good copy and tries again
    again = ok("restore", copy, "--home", new_root)
    assert "取回了 1 个附件文件" in again.out and "找不到" not in again.out
    assert store.read(png) == tiny_png()
