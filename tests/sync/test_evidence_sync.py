"""Evidence files travel township → county: sealed and signed with the records, every byte
verified at the hub, stored once, sent once, split across sticks when they do not fit one;
hostile files are refused and nothing of the bundle is written."""

from __future__ import annotations

import json
import uuid as uuid_module
import zlib
from pathlib import Path
from typing import Any

import pytest

from fazhi_tui.base.config import save_config
from fazhi_tui.base.filestore import sha256_hex
from fazhi_tui.services.evidence import attach_files
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import FILES_LIMIT, FILES_MEMBER, MEMBERS, payload_bytes, write_bundle
from fazhi_tui.sync.container import container_bytes, read_container
from fazhi_tui.sync.keys import load_device_key, load_hub_keys
from tests.evidence.samples import tiny_pdf, tiny_png, zip_bomb_docx
from tests.sync.util import Office, down, down_file, dump, export, hub_import, hub_publish, live_uuids, ok, run


def attach(office: Office, record: str, files: dict[str, bytes], folder: Path, caption: str = "") -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    with office.store() as store:
        return attach_files(office.home, office.config, store, record, paths, caption)


def stored(office: Office) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in office.home.files.glob("??/*.bin")}


def fresh(w, name: str) -> Path:
    stick = w.root / name
    stick.mkdir()
    return stick


def test_scans_reach_the_county_verified_once_and_are_not_sent_again(world):
    w = world
    meeting = live_uuids(w.a, "meeting")[0]
    minutes, sheet = tiny_pdf("minutes of the dedicated meeting"), tiny_png()
    attach(w.a, meeting, {"纪要.pdf": minutes, "签到表.png": sheet}, w.root / "scans", "专题会议")
    first = export(w.a, fresh(w, "stick1"))
    assert first.files == 2 and first.parts == ()
    members = read_container(first.path, {**MEMBERS, FILES_MEMBER: FILES_LIMIT}, optional=(FILES_MEMBER,))
    assert minutes not in members[FILES_MEMBER] and b"%PDF" not in members[FILES_MEMBER]  # sealed, not in the clear
    assert "纪要" not in members["manifest.json"].decode("utf-8")

    line = ok("hub", "import", first.path, "--home", w.hub.root)
    assert "证明文件：新增 2 个，已有 0 个" in line.out
    assert stored(w.hub) == {sha256_hex(minutes): minutes, sha256_hex(sheet): sheet}
    at_hub = ok("hub", "files", w.a.code, meeting, "--home", w.hub.root)
    at_town = ok("files", meeting, "--home", w.a.root)
    assert at_hub.out == at_town.out and sha256_hex(minutes) in at_hub.out and "未送到" not in at_hub.out
    data = json.loads(ok("hub", "files", w.a.code, meeting, "--format", "json", "--home", w.hub.root).out)
    assert [(d["name"], d["caption"], d["held"]) for d in data] == [("纪要.pdf", "专题会议", True), ("签到表.png", "专题会议", True)]
    assert Path(data[0]["path"]).read_bytes() == minutes
    assert ok("hub", "files", w.b.code, meeting, "--home", w.hub.root).out.strip() == "这条记录没有附加文件"  # another township's view

    # a re-import copies nothing and changes nothing
    before, mtimes = dump(w.hub.db), {p: p.stat().st_mtime_ns for p in w.hub.home.files.glob("??/*.bin")}
    assert ok("hub", "import", first.path, "--home", w.hub.root).out.startswith("已导入过")
    assert dump(w.hub.db) == before and {p: p.stat().st_mtime_ns for p in w.hub.home.files.glob("??/*.bin")} == mtimes

    # the county says what it holds: the next bundle carries no file again
    publish_to = fresh(w, "down")
    hub_publish(w.hub, publish_to)
    assert down(w.a, down_file(publish_to, w.a.code)).verdict == "imported"
    attach(w.a, meeting, {"纪要-again.pdf": minutes}, w.root / "scans2")  # the same scan, attached again
    second = export(w.a, fresh(w, "stick2"))
    assert second.files == 0 and not second.full
    outcome = hub_import(w.hub, second.path)
    assert outcome.verdict == "imported" and outcome.files_new == 0
    assert len(json.loads(ok("hub", "files", w.a.code, meeting, "--format", "json", "--home", w.hub.root).out)) == 3

    # detaching travels as a tombstone
    ok("detach", meeting, "1", "--home", w.a.root)
    hub_import(w.hub, export(w.a, fresh(w, "stick3")).path)
    names = [d["name"] for d in json.loads(ok("hub", "files", w.a.code, meeting, "--format", "json", "--home", w.hub.root).out)]
    assert names == ["签到表.png", "纪要-again.pdf"]


def test_a_split_across_sticks_is_taken_in_any_order(world):
    w = world
    meeting, training = live_uuids(w.a, "meeting")[0], live_uuids(w.a, "training")[0]
    big = {f"扫描{i}.pdf": tiny_pdf(f"scan {i}") + bytes([i]) * (700 * 1024) for i in range(3)}
    attach(w.a, meeting, dict(list(big.items())[:2]), w.root / "scans")
    attach(w.a, training, dict(list(big.items())[2:]), w.root / "scans")
    stick = fresh(w, "stick")
    result = export(w.a, stick, max_bytes=1024 * 1024)
    assert len(result.parts) == 3 and result.files == 3
    assert [p.name.rsplit("-", 1)[1] for p in result.parts] == ["1of3.fzb", "2of3.fzb", "3of3.fzb"]
    assert all(p.stat().st_size <= 1024 * 1024 for p in result.parts)
    line = run("export", "--to", fresh(w, "stick9"), "--max-size", "1", "--full", "--home", w.a.root)
    assert line.code == 0 and "分成 3 个部分" in line.out

    before = dump(w.hub.db)
    third = hub_import(w.hub, result.parts[2])
    assert third.verdict == "imported" and third.files_new == 1 and third.part == (3, 3)
    assert dump(w.hub.db) == before  # a files part writes no row
    assert hub_import(w.hub, result.parts[2]).verdict == "already"  # nothing copied again
    assert hub_import(w.hub, result.parts[0]).verdict == "imported"
    held = json.loads(ok("hub", "files", w.a.code, meeting, "--format", "json", "--home", w.hub.root).out)
    assert [d["held"] for d in held] == [True, False]  # the first part carried the first file; the second not yet
    assert hub_import(w.hub, result.parts[1]).verdict == "imported"
    assert {sha256_hex(d) for d in big.values()} == set(stored(w.hub))
    for record in (meeting, training):
        assert all(d["held"] for d in json.loads(ok("hub", "files", w.a.code, record, "--format", "json", "--home", w.hub.root).out))


def test_a_file_too_big_for_any_part_is_refused_before_anything_is_written(world):
    w = world
    attach(w.a, live_uuids(w.a, "meeting")[0], {"大.pdf": tiny_pdf() + b"\0" * (300 * 1024)}, w.root / "scans")
    stick = fresh(w, "stick")
    result = run("export", "--to", stick, "--max-size", "1", "--home", w.a.root)
    assert result.code == 0  # 300 KB fits a 1 MB part
    small = fresh(w, "small")
    with pytest.raises(Exception) as info:
        export(w.a, small, max_bytes=200 * 1024)
    assert getattr(info.value, "key", "") == "err.export_file_too_big"
    assert list(small.iterdir()) == []


# -- hostile files, validly signed by the township ----------------------------------------------------


def _open(hub_office: Office, path: Path) -> tuple[dict, dict, bytes]:
    members = read_container(path, {**MEMBERS, FILES_MEMBER: FILES_LIMIT}, optional=(FILES_MEMBER,))
    manifest = json.loads(members["manifest.json"])
    keys = load_hub_keys(hub_office.home)
    payload = json.loads(zlib.decompress(crypto.unseal(keys.box, members["payload.bin"], manifest["bundle_id"].encode("ascii"))))
    blob = crypto.unseal(keys.box, members[FILES_MEMBER], f"{manifest['bundle_id']}/files".encode("ascii"))
    return manifest, payload, blob


def _forge(hub_office: Office, sender: Office, manifest: dict, payload: dict, blob: bytes, path: Path) -> Path:
    manifest = {k: v for k, v in manifest.items() if k not in ("format", "format_version", "payload_sha256", "files_sha256")}
    manifest["bundle_id"] = str(uuid_module.uuid4())
    box = crypto.public_box_bytes(load_hub_keys(hub_office.home).box)
    sealed = crypto.seal(box, payload_bytes(payload), manifest["bundle_id"].encode("ascii"))
    files = crypto.seal(box, blob, f"{manifest['bundle_id']}/files".encode("ascii"))
    write_bundle(path, manifest, sealed, load_device_key(sender.home), files)
    return path


def _with_file(payload: dict[str, Any], blob: bytes, data: bytes, kind: str, **row_changes) -> tuple[dict, bytes]:
    payload = json.loads(json.dumps(payload))
    row = dict(payload["attachments"][0], uuid=str(uuid_module.uuid4()), sha256=sha256_hex(data), size=len(data), type=kind, **row_changes)
    payload["attachments"].append(row)
    payload["files"].append({"sha256": sha256_hex(data), "size": len(data), "type": kind})
    return payload, blob + data


def hostile_cases(payload, blob):
    pdf = tiny_pdf("hostile")
    yield "wrong type for its name", _with_file(payload, blob, pdf, "pdf", name="photo.jpg"), "err.bundle_attachment_bad"
    yield "a type the content is not", _with_file(payload, blob, pdf, "png", name="photo.png"), "err.bundle_file_bad"
    yield "a path in the name", _with_file(payload, blob, pdf, "pdf", name="../../evil.pdf"), "err.bundle_attachment_bad"
    yield "a zip bomb docx", _with_file(payload, blob, zip_bomb_docx(), "docx", name="纪要.docx"), "err.bundle_file_bad"
    yield "oversized", _with_file(payload, blob, pdf + b"\0" * (1024 * 1024 + 1), "pdf", name="big.pdf"), "err.bundle_file_bad"
    yield "an executable", _with_file(payload, blob, b"MZ\x90\0" * 64, "pdf", name="x.pdf"), "err.bundle_file_bad"
    forged = json.loads(json.dumps(payload))
    forged["files"][0]["sha256"] = sha256_hex(b"another")
    yield "a digest that does not match", (forged, blob), "err.bundle_file_tampered"
    foreign = json.loads(json.dumps(payload))
    foreign["attachments"][0]["township"] = "640302101"
    yield "another township's row", (foreign, blob), "err.bundle_foreign_rows"


def test_hostile_files_are_refused_and_nothing_is_written(world):
    w = world
    config = w.hub.config
    config.evidence.max_file_mb = 1
    save_config(w.hub.home.config, config)
    attach(w.a, live_uuids(w.a, "meeting")[0], {"纪要.pdf": tiny_pdf("good")}, w.root / "scans")
    good = export(w.a, fresh(w, "stick")).path
    manifest, payload, blob = _open(w.hub, good)
    before = dump(w.hub.db)
    for number, (what, (bad_payload, bad_blob), key) in enumerate(hostile_cases(payload, blob)):
        path = _forge(w.hub, w.a, manifest, bad_payload, bad_blob, w.root / "forged" / f"fazhi-up-{number}.fzb")
        outcome = hub_import(w.hub, path)
        assert (outcome.verdict, outcome.error.key if outcome.error else None) == ("refused", key), what
        assert dump(w.hub.db) == before, what
        assert stored(w.hub) == {}, what
    # the control: the same forging, unchanged, is taken
    control = _forge(w.hub, w.a, manifest, payload, blob, w.root / "forged" / "fazhi-up-control.fzb")
    assert hub_import(w.hub, control).verdict == "imported" and stored(w.hub) == {sha256_hex(tiny_pdf("good")): tiny_pdf("good")}


def test_a_file_altered_on_the_stick_is_refused(world):
    w = world
    attach(w.a, live_uuids(w.a, "meeting")[0], {"纪要.pdf": tiny_pdf("good")}, w.root / "scans")
    path = export(w.a, fresh(w, "stick")).path
    members = read_container(path, {**MEMBERS, FILES_MEMBER: FILES_LIMIT}, optional=(FILES_MEMBER,))
    files = bytearray(members[FILES_MEMBER])
    files[-20] ^= 1
    path.write_bytes(container_bytes({**members, FILES_MEMBER: bytes(files)}))
    before = dump(w.hub.db)
    outcome = hub_import(w.hub, path)
    assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_tampered", outcome.error.detail
    assert dump(w.hub.db) == before and stored(w.hub) == {}
    # the files member taken away: refused as well
    path.write_bytes(container_bytes({name: data for name, data in members.items() if name != FILES_MEMBER}))
    assert hub_import(w.hub, path).error.key == "err.bundle_tampered"


def test_the_county_report_counts_per_rule_the_evidence_records_with_files(world):
    w = world
    hub_import(w.hub, export(w.a, fresh(w, "stick0")).path)
    first = w.root / "first.json"
    ok("hub", "report", "--format", "json", "--out", first, "--home", w.hub.root)
    town = next(r for r in json.loads(first.read_text(encoding="utf-8"))["townships"] if r["code"] == w.a.code)
    rule_id, rule = next((i, r) for i, r in town["rules"].items() if r["evidence"]["proving"] or r["evidence"]["breaking"])
    assert all(r["evidence"]["with_files"] == 0 for r in town["rules"].values())
    record = (rule["evidence"]["proving"] + rule["evidence"]["breaking"])[0]
    attach(w.a, record, {"纪要.pdf": tiny_pdf("minutes"), "签到表.png": tiny_png()}, w.root / "scans")
    hub_import(w.hub, export(w.a, fresh(w, "stick1")).path)
    second = w.root / "second.json"
    ok("hub", "report", "--format", "json", "--out", second, "--home", w.hub.root)
    town = next(r for r in json.loads(second.read_text(encoding="utf-8"))["townships"] if r["code"] == w.a.code)
    assert town["rules"][rule_id]["evidence"]["with_files"] == 1  # one record, with two files
    book_path = w.root / "report.xlsx"
    ok("hub", "report", "--format", "xlsx", "--out", book_path, "--home", w.hub.root)
    from openpyxl import load_workbook

    sheet = load_workbook(book_path)[rule_id]
    assert sheet.cell(row=3, column=9).value == "证明文件"
    assert sorted(c.value for c in sheet["I"][3:] if c.value) == [2]


def _big_scans(w) -> None:
    meeting = live_uuids(w.a, "meeting")[0]
    attach(w.a, meeting, {f"扫描{i}.pdf": tiny_pdf(f"scan {i}") + bytes([i]) * (700 * 1024) for i in range(3)}, w.root / "scans")


def export_log_rows(office: Office) -> int:
    from tests.sync.util import query

    return query(office.db, "SELECT count(*) FROM export_log")[0][0]


@pytest.mark.parametrize("failing", ["write of part 2", "name of part 1"])
def test_a_split_export_that_fails_leaves_nothing_and_goes_again(world, monkeypatch, failing):
    import errno

    from fazhi_tui.base import files as fsutil
    from fazhi_tui.sync import export as export_module

    w = world
    _big_scans(w)
    stick = fresh(w, "stick")
    before = export_log_rows(w.a)
    if failing == "write of part 2":
        real_stage, calls = export_module.stage_bytes, []

        def stage(path, data, *args, **kwargs):
            calls.append(path)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_stage(path, data, *args, **kwargs)

        monkeypatch.setattr(export_module, "stage_bytes", stage)
    else:
        real_commit = fsutil.StagedFile.commit

        def commit(self):
            if self.path.name.endswith("-1of3.fzb"):
                self.discard()
                raise OSError(errno.EIO, "Input/output error")
            real_commit(self)

        monkeypatch.setattr(fsutil.StagedFile, "commit", commit)
    with pytest.raises(OSError):
        export(w.a, stick, max_bytes=1024 * 1024)
    assert list(stick.iterdir()) == [] and export_log_rows(w.a) == before
    monkeypatch.undo()
    again = export(w.a, stick, max_bytes=1024 * 1024)
    assert len(again.parts) == 3 and export_log_rows(w.a) == before + 1
    for part in reversed(again.parts):
        assert hub_import(w.hub, part).verdict == "imported"
    assert len(stored(w.hub)) == 3
