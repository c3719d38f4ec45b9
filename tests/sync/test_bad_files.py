"""Files the hub (and a township) must refuse: each with exit code 1, one line starting
"拒收" that a clerk understands, and not one byte written to the database or the archive.

Where a bad file is built by hand, a control built the same way but without the fault is
accepted, so the refusal is known to come from the fault.
"""

from __future__ import annotations

import io
import json
import random
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from fazhi_tui.sync import bundle as bundle_module
from fazhi_tui.sync import container as container_module
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import MEMBERS, write_bundle
from fazhi_tui.sync.container import read_container
from fazhi_tui.sync.hub import archive_dir, import_bundle
from fazhi_tui.sync.keys import load_device_key, load_hub_keys
from tests.sync.conftest import World, make_world
from tests.sync.util import (
    COUNTY,
    TOWN_A,
    Office,
    down,
    down_file,
    dump,
    enrol,
    export,
    files,
    hub,
    hub_import,
    hub_publish,
    live_uuids,
    ok,
    record_tables,
    run,
    township,
    update,
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@dataclass(frozen=True)
class Stage:
    world: World
    good: Path  # township A's second bundle (changes since the confirmed first), not yet imported
    good_b: Path  # township B's first bundle, not yet imported
    down_a: Path  # a down-bundle for A that A has not imported yet
    other_county: Path  # a bundle of 640303100 for the hub of 红寺堡区 (640303)
    impostor: Path  # a bundle of a 640302100 enrolled by another hub that says it is 利通区
    stranger: Path  # a bundle of 640302102, enrolled only by that other hub
    impostor_down: Path  # a down-bundle for 640302100 signed by that other hub


@pytest.fixture(scope="module")
def stage(tmp_path_factory) -> Stage:
    root = tmp_path_factory.mktemp("bad")
    w = make_world(root)
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"
    assert down(w.a, down_file(hub_publish(w.hub, w.root / "down1")[0].parent, TOWN_A)).confirmed_seq == 1
    update(w.a, "meeting", live_uuids(w.a, "meeting")[0], {"title": "确认之后改过的会议"})
    good = export(w.a, w.usb)
    assert not good.full and good.records == 1
    good_b = export(w.b, w.usb).path
    down_a = down_file(hub_publish(w.hub, w.root / "down2")[0].parent, TOWN_A)

    foreign_usb = root / "usb-foreign"
    other_hub = hub(root / "other-county", "640303", "红寺堡区")
    other_town = township(root / "other-town", "640303100", records=30)
    enrol(other_hub, other_town, foreign_usb)
    impostor_hub = hub(root / "impostor", COUNTY, "利通区")
    fake_a = township(root / "fake-a", TOWN_A, records=30)
    stranger = township(root / "stranger", "640302102", records=30)
    enrol(impostor_hub, fake_a, foreign_usb)
    enrol(impostor_hub, stranger, foreign_usb)
    impostor_down = down_file(hub_publish(impostor_hub, root / "down-impostor")[0].parent, TOWN_A)
    return Stage(
        world=w,
        good=good.path,
        good_b=good_b,
        down_a=down_a,
        other_county=export(other_town, foreign_usb).path,
        impostor=export(fake_a, foreign_usb).path,
        stranger=export(stranger, foreign_usb).path,
        impostor_down=impostor_down,
    )


@pytest.fixture
def county(stage, tmp_path) -> Office:
    """This test's own copy of the county hub: township A's first bundle imported."""
    return stage.world.hub.moved(tmp_path / "county")


@pytest.fixture
def bad(tmp_path) -> Path:
    """Where a bad file goes; named like a real bundle of township A."""
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder / f"fazhi-up-{TOWN_A}-0badf11e-000002.fzb"


def assert_refused(hub_office: Office, path: Path, *words: str) -> str:
    before, archived = dump(hub_office.db), files(archive_dir(hub_office.home))
    result = run("hub", "import", path, "--home", hub_office.root)
    assert result.code == 1, result
    assert len(result.lines) == 1 and result.lines[0].startswith(f"拒收：{path}："), result
    assert result.err == ""
    for word in words:
        assert word in result.lines[0], result.lines[0]
    assert dump(hub_office.db) == before
    assert files(archive_dir(hub_office.home)) == archived
    return result.lines[0]


def accepted_dry(hub_office: Office, path: Path) -> None:
    """The control: the hub would import this file (a dry run, so nothing is written)."""
    outcome = hub_import(hub_office, path, dry_run=True)
    assert outcome.verdict == "imported", outcome.error and outcome.error.detail


def members_of(path: Path) -> dict[str, bytes]:
    return read_container(path, MEMBERS)


def zip_of(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]], compression: int = zipfile.ZIP_STORED) -> Path:
    """A ZIP of exactly ``members`` (names as given, plain files unless a ZipInfo says otherwise)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for info, data in members:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = compression
            archive.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def rebuilt(path: Path, source: Path, *, compression: int = zipfile.ZIP_STORED, **replace: bytes | tuple) -> Path:
    """``source``'s three members in a new ZIP at ``path``; ``payload=...``, ``manifest=...``
    or ``sig=...`` replace one (bytes, or a (ZipInfo or name, bytes) pair)."""
    members = members_of(source)
    parts = []
    for key, name in (("manifest", "manifest.json"), ("sig", "manifest.sig"), ("payload", "payload.bin")):
        value = replace.get(key, members[name])
        parts.append(value if isinstance(value, tuple) else (name, value))
    return zip_of(path, parts, compression)


def flipped(data: bytes, offset: int) -> bytes:
    out = bytearray(data)
    out[offset] ^= 0x5A
    return bytes(out)


# -- damaged on the way ----------------------------------------------------------------------------------------


def test_the_good_file_and_a_plain_rebuild_of_it_are_accepted(stage, county, bad):
    accepted_dry(county, stage.good)
    accepted_dry(county, zip_of(bad, list(members_of(stage.good).items())))


@pytest.mark.parametrize("cut", ["10", "100", "half", "len-1"])
def test_truncated(stage, county, bad, cut):
    data = stage.good.read_bytes()
    size = {"10": 10, "100": 100, "half": len(data) // 2, "len-1": len(data) - 1}[cut]
    bad.write_bytes(data[:size])
    assert_refused(county, bad, "已损坏或不完整")


def _offsets(data: bytes) -> dict[str, int]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = {i.filename: i for i in archive.infolist()}

    def middle(name: str) -> int:
        info = infos[name]
        (name_len, extra_len) = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
        return info.header_offset + 30 + name_len + extra_len + info.compress_size // 2

    central = struct.unpack("<I", data[-6:-2])[0]  # the end record's offset of the central directory
    return {
        "first byte": 0,
        "member name": 31,
        "manifest": middle("manifest.json"),
        "signature": middle("manifest.sig"),
        "payload": middle("payload.bin"),
        "central version needed": central + 6,
        "central header offset": central + 45,
        "end record": len(data) - 20,
        "end record's directory offset": len(data) - 3,
    }


@pytest.mark.parametrize(
    "where",
    [
        "first byte",
        "member name",
        "manifest",
        "signature",
        "payload",
        "central version needed",
        "central header offset",
        "end record",
        "end record's directory offset",
    ],
)
def test_one_byte_changed(stage, county, bad, where):
    data = stage.good.read_bytes()
    bad.write_bytes(flipped(data, _offsets(data)[where]))
    assert_refused(county, bad)


def test_any_one_byte_change_is_refused_or_reads_the_very_same_bundle(stage, county, bad):
    """Every offset, two bit patterns: never a crash, never different contents. (A change to
    a ZIP field the reader does not use, a date or a local copy of a size, leaves the signed
    contents intact: such a file reads as the same bundle.)"""
    data = stage.good.read_bytes()
    original = members_of(stage.good)
    before = dump(county.db)
    refused = 0
    config = county.config
    with county.store() as store:
        for offset in range(len(data)):
            for mask in (0x01, 0x80):
                changed = bytearray(data)
                changed[offset] ^= mask
                bad.write_bytes(bytes(changed))
                outcome = import_bundle(county.home, config, store, bad, dry_run=True)
                if outcome.verdict == "refused":
                    refused += 1
                    assert outcome.error.message() and outcome.error.detail
                else:
                    assert outcome.verdict == "imported"
                    assert members_of(bad) == original, offset
    assert refused > len(data)  # most changes are refused
    assert dump(county.db) == before


# -- not ours ------------------------------------------------------------------------------------------------------


def test_a_bundle_for_another_county_renamed(stage, county, bad):
    bad.write_bytes(stage.other_county.read_bytes())
    assert_refused(county, bad, "另一个汇总端（640303）")


def test_a_bundle_for_another_hub_of_the_same_code(stage, county):
    assert_refused(county, stage.impostor, TOWN_A, "尚未在本汇总端登记")


def test_another_townships_bundle_renamed(stage, county, bad):
    bad.write_bytes(stage.stranger.read_bytes())
    assert_refused(county, bad, "640302102", "尚未在本汇总端登记")


def test_another_townships_bundle_relabelled_and_re_signed(stage, county, bad):
    """Township B rewrites its bundle to say it is A's and signs it with its own key."""
    w = stage.world
    members = members_of(stage.good_b)
    manifest = json.loads(members["manifest.json"])
    key = load_device_key(w.b.home)
    write_bundle(bad, manifest, members["payload.bin"], key)  # unchanged: the control
    accepted_dry(county, bad)
    write_bundle(bad, {**manifest, "member": TOWN_A}, members["payload.bin"], key)
    assert_refused(county, bad, TOWN_A, "尚未在本汇总端登记")


def test_the_name_of_a_file_is_not_trusted(stage, county, bad):
    """B's own bundle under A's file name is imported, as B's records."""
    bad.write_bytes(stage.good_b.read_bytes())
    outcome = hub_import(county, bad)
    assert (outcome.verdict, outcome.member) == ("imported", stage.world.b.code)
    tables = record_tables(county.db)
    assert {row[1] for row in tables["meeting"]} == {TOWN_A, stage.world.b.code}


@pytest.mark.parametrize(
    "content",
    [b"", "这是一个文本文件，不是数据包。\n".encode(), PNG_HEADER + bytes(200), b"PK\x05\x06" + bytes(18)],
    ids=["empty", "text", "png", "empty-zip"],
)
def test_not_a_bundle(county, bad, content):
    bad.write_bytes(content)
    assert_refused(county, bad)


def test_not_a_bundle_says_so(county, bad):
    bad.write_bytes("名单\n张三\n".encode())
    assert_refused(county, bad, "这不是本程序的数据包")


def test_a_down_bundle_given_to_the_hub(stage, county):
    assert_refused(county, stage.down_a, "县里下发的数据包")


def test_a_newer_format_version(stage, county, bad, monkeypatch):
    members = members_of(stage.good)
    manifest = json.loads(members["manifest.json"])
    for key in ("format", "format_version", "payload_sha256"):
        del manifest[key]
    device_key = load_device_key(stage.world.a.home)
    write_bundle(bad, manifest, members["payload.bin"], device_key)
    accepted_dry(county, bad)  # the control: re-signed, version 1
    monkeypatch.setattr(bundle_module, "FORMAT_VERSION", 99)
    write_bundle(bad, manifest, members["payload.bin"], device_key)
    monkeypatch.undo()
    assert json.loads(members_of(bad)["manifest.json"])["format_version"] == 99
    assert_refused(county, bad, "更新版本")


# -- archives built to do harm ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil", "/tmp/evil", "C:evil", "sub/evil", "extra.txt"])
def test_an_extra_member_or_a_path_that_climbs_out(stage, county, bad, tmp_path, name):
    members = list(members_of(stage.good).items())
    zip_of(bad, [*members, (name, b"owned")])
    assert_refused(county, bad, "已损坏或不完整")
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil").exists()


def test_a_member_in_place_of_another(stage, county, bad):
    members = members_of(stage.good)
    rebuilt(bad, stage.good, payload=("../payload.bin", members["payload.bin"]))
    assert_refused(county, bad, "已损坏或不完整")


def test_a_symlink_member(stage, county, bad):
    link = zipfile.ZipInfo("payload.bin", date_time=(1980, 1, 1, 0, 0, 0))
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    rebuilt(bad, stage.good, payload=(link, b"../../etc/passwd"))
    assert_refused(county, bad, "已损坏或不完整", "not a plain file")


def test_a_compression_bomb_member(stage, county, bad):
    bomb = bytes(8 * 1024 * 1024)  # 8 MB of zeros: about 8 KB deflated
    rebuilt(bad, stage.good, payload=bomb, compression=zipfile.ZIP_DEFLATED)
    assert bad.stat().st_size < 64 * 1024
    assert_refused(county, bad, "解压后过大")


def test_a_member_larger_than_its_limit(stage, county, bad, monkeypatch):
    noise = random.Random(7).randbytes(16 * 1024)  # deflates badly: no suspicious ratio
    monkeypatch.setitem(MEMBERS, "payload.bin", 4096)
    rebuilt(bad, stage.good, payload=noise, compression=zipfile.ZIP_DEFLATED)
    assert_refused(county, bad, "解压后过大")


def test_a_member_that_lies_about_its_size(stage, county, bad, monkeypatch):
    """A deflated member whose headers say 1 KB but which expands to 1 MB."""
    rebuilt(bad, stage.good, payload=bytes(1024 * 1024), compression=zipfile.ZIP_DEFLATED)
    data = bytearray(bad.read_bytes())
    for info in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist():
        if info.filename == "payload.bin":
            struct.pack_into("<I", data, info.header_offset + 22, 1024)  # local header: uncompressed size
    central = struct.unpack("<I", data[-6:-2])[0]
    position = central
    while data[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[position + 28 : position + 34])
        if data[position + 46 : position + 46 + name_len] == b"payload.bin":
            struct.pack_into("<I", data, position + 24, 1024)  # central directory: uncompressed size
        position += 46 + name_len + extra_len + comment_len
    bad.write_bytes(bytes(data))
    monkeypatch.setattr(container_module, "MAX_RATIO", 10**9)  # let it past the ratio check
    assert_refused(county, bad, "已损坏或不完整")


def test_a_signed_payload_that_expands_beyond_its_limit(stage, county, bad, monkeypatch):
    """A device key holder seals a zlib bomb: refused once it grows past the limit."""
    w = stage.world
    members = members_of(stage.good)
    manifest = json.loads(members["manifest.json"])
    plain = zlib.compress(b'{"records": {}' + b" " * (2 * 1024 * 1024) + b"}")
    sealed = crypto.seal(crypto.unb64(load_hub_keys(w.hub.home).box_public), plain, manifest["bundle_id"].encode("ascii"))
    write_bundle(bad, {**manifest, "counts": {}}, sealed, load_device_key(w.a.home))
    assert len(sealed) < 16 * 1024
    # 2 MB from 16 KB: more than real records ever expand (bounded work per bundle)
    assert_refused(county, bad, "超过原大小的 50 倍")
    monkeypatch.setattr("fazhi_tui.sync.hub.importing.MAX_EXPANSION_RATIO", 10**6)
    accepted_dry(county, bad)  # without the ratio, 2 MB is within the size limit (an empty bundle)
    monkeypatch.setattr(bundle_module, "EXPANDED_LIMIT", 1024 * 1024)
    assert_refused(county, bad, "解压后过大")


# -- changed on purpose ------------------------------------------------------------------------------------------------


def test_a_changed_payload_in_a_well_formed_zip(stage, county, bad):
    """Rebuilt with a correct ZIP checksum: only the signed digest can tell."""
    members = members_of(stage.good)
    payload = bytearray(members["payload.bin"])
    payload[len(payload) // 2] ^= 0x01
    rebuilt(bad, stage.good, payload=bytes(payload))
    assert_refused(county, bad, "签名不符")


def test_a_changed_manifest_in_a_well_formed_zip(stage, county, bad):
    members = members_of(stage.good)
    manifest = json.loads(members["manifest.json"])
    text = json.dumps({**manifest, "seq": 1000}, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    rebuilt(bad, stage.good, manifest=text)
    assert_refused(county, bad, "签名不符")


def test_a_payload_swapped_with_its_digest_but_not_its_signature(stage, county, bad):
    members = members_of(stage.good)
    other = members_of(stage.good_b)["payload.bin"]
    manifest = json.loads(members["manifest.json"])
    text = json.dumps({**manifest, "payload_sha256": crypto.sha256_hex(other)}, sort_keys=True, indent=1).encode("utf-8")
    rebuilt(bad, stage.good, manifest=text, payload=other)
    assert_refused(county, bad, "签名不符")


# -- the township side -------------------------------------------------------------------------------------------------


def assert_down_refused(office: Office, path: Path, *words: str) -> None:
    before = dump(office.db)
    rules = (office.root / "rules.toml").exists()
    result = run("import", path, "--home", office.root)
    assert result.code == 1, result
    assert len(result.lines) == 1 and result.lines[0].startswith(f"拒收：{path}：")
    for word in words:
        assert word in result.lines[0], result.lines[0]
    assert dump(office.db) == before
    assert (office.root / "rules.toml").exists() == rules


@pytest.fixture
def town(stage, tmp_path) -> Office:
    return stage.world.a.moved(tmp_path / "town")


def test_a_tampered_down_bundle_is_refused_by_the_township(stage, town, tmp_path):
    members = members_of(stage.down_a)
    payload = bytearray(members["payload.bin"])
    payload[len(payload) // 2] ^= 0x01
    tampered = rebuilt(tmp_path / stage.down_a.name, stage.down_a, payload=bytes(payload))
    assert_down_refused(town, tampered, "签名不符")
    truncated = tmp_path / "cut.fzb"
    truncated.write_bytes(stage.down_a.read_bytes()[:-100])
    assert_down_refused(town, truncated, "已损坏或不完整")
    assert ok("import", stage.down_a, "--home", town.root).out.startswith("已导入")  # the control


def test_a_down_bundle_signed_by_another_hub_is_refused(stage, town):
    assert_down_refused(town, stage.impostor_down, "签名不符")


def test_an_up_bundle_given_to_the_township(stage, town):
    assert_down_refused(town, stage.good, "乡镇上报的数据包")
