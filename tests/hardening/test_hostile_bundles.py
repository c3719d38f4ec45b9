"""4. Hostile bundles: every one is refused cleanly — ``import_bundle`` returns the verdict
"refused" with a :class:`BundleRefused`, no other exception escapes — and nothing is
written (every table of the hub, and its archive folder, unchanged).

A hypothesis fuzzer starts from township A's valid bundle and

* changes its bytes: flips, cuts, insertions, deletions;
* changes the archive: members added (names that climb out of the folder, absolute
  paths, drive letters), removed, renamed, duplicated, made links or folders;
* changes the manifest — fields of the wrong type or size, huge counts, missing or extra
  fields, JSON nested thousands deep — and signs it again with the township's real key
  (a township program gone wrong, or a stolen PC);
* changes the records inside the payload the same way, seals and signs them again.

A change that leaves a bundle the hub may accept (the archive's members in another order,
a record's title changed and signed by its device) is imported whole and leaves a sound
database. Compression bombs are refused before any byte of them is expanded: a tripwire
on zipfile fails the test if a refused member is ever opened.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import stat
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Store
from fazhi_tui.sync import bundle as bundle_module
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import MEMBERS, payload_bytes
from fazhi_tui.sync.container import container_bytes, read_container
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.sync.hub import import_bundle
from fazhi_tui.sync.keys import load_device_key, load_hub_keys
from tests.hardening.cases import tried
from tests.hardening.helpers import World, copy_world, dump, export, files, hub_import, integrity, query, update


def fuzz(examples: int) -> settings:
    """Bounded, repeatable runs (the same cases on every run and in CI)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Tripwire(BaseException):
    """Raised (past every ``except Exception``) if a member that must be refused is opened."""


@dataclass(repr=False)
class Stage:
    world: World
    good: Path  # A's second bundle: all its records again, some changed (the hub holds the first)
    members: dict[str, bytes]
    manifest: dict[str, Any]
    records: dict[str, Any]  # the payload's JSON
    device_key: Any
    hub_box_public: bytes
    pristine: Path  # the hub's database before any fuzzed import
    pristine_dump: dict

    def __repr__(self) -> str:
        return f"Stage({self.good.name})"


@pytest.fixture(scope="module")
def stage(world_template, tmp_path_factory) -> Stage:
    w = copy_world(world_template, tmp_path_factory.mktemp("fuzz") / "w")
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    meeting = query(w.a.db, "SELECT uuid FROM meeting WHERE deleted_at IS NULL LIMIT 1")[0][0]
    update(w.a, "meeting", meeting, {"title": "第二包改过的会议"})
    good = export(w.a, w.usb, full=True).path
    members = read_container(good, MEMBERS)
    manifest = json.loads(members["manifest.json"])
    keys = load_hub_keys(w.hub.home)
    plain = crypto.unseal(keys.box, members["payload.bin"], manifest["bundle_id"].encode("ascii"))
    records = json.loads(zlib.decompress(plain))
    pristine = w.root / "hub-pristine.db"
    shutil.copyfile(w.hub.db, pristine)
    return Stage(
        w, good, members, manifest, records, load_device_key(w.a.home), crypto.public_box_bytes(keys.box), pristine, dump(w.hub.db)
    )


def forge(stage: Stage, manifest: dict | None = None, payload: Any = None, *, depth: int = 1,
          raw_plain: bytes | None = None, fix_digest: bool = True) -> dict[str, bytes]:
    """The members of a bundle holding ``manifest`` and ``payload``, sealed to the hub and
    signed with township A's real device key. ``depth``: how deep ``DEEP`` in the
    manifest nests."""
    manifest = dict(stage.manifest if manifest is None else manifest)
    plain = raw_plain if raw_plain is not None else payload_bytes(stage.records if payload is None else payload)
    bundle_id = manifest.get("bundle_id")
    associated = bundle_id.encode("ascii") if isinstance(bundle_id, str) and bundle_id.isascii() else b"x"
    sealed = crypto.seal(stage.hub_box_public, plain, associated)
    if fix_digest:
        manifest["payload_sha256"] = crypto.sha256_hex(sealed)
    manifest_bytes = encode(manifest, depth)
    return {"manifest.json": manifest_bytes, "manifest.sig": crypto.sign(stage.device_key, manifest_bytes), "payload.bin": sealed}


def write(stage: Stage, data: bytes, name: str = "fazhi-up-640302100-fuzz0000-000002.fzb") -> Path:
    path = stage.world.root / "stick" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def archived_name(path: Path) -> str:
    """The name the hub's archive gives a bundle: its content's digest."""
    return f"{crypto.sha256_hex(path.read_bytes())}.fzb"


def attempt(stage: Stage, path: Path) -> str:
    """Import ``path``; refused: nothing changed; imported: the database is sound (then reset)."""
    return attempt_outcome(stage, path).verdict


def attempt_outcome(stage: Stage, path: Path):
    w = stage.world
    store = Store.open(w.hub.db, w.hub.home.backups)
    try:
        outcome = import_bundle(w.hub.home, w.hub.config, store, path)
    finally:
        store.close()
    assert outcome.verdict in ("refused", "imported", "already"), outcome
    if outcome.verdict == "refused":
        assert isinstance(outcome.error, BundleRefused)
        assert outcome.error.message()  # a sentence a clerk can read
        assert dump(w.hub.db) == stage.pristine_dump
        assert files(w.hub.root / "archive" / "640302100") == {archived_name(w.bundle): w.bundle.read_bytes()}
    elif outcome.verdict == "imported":
        assert integrity(w.hub.db) == "ok"
        assert query(w.hub.db, "SELECT count(*) FROM hub_bundle")[0][0] == 2
        shutil.copyfile(stage.pristine, w.hub.db)
        for extra in (w.hub.root / "archive" / "640302100").iterdir():
            if extra.name != archived_name(w.bundle):
                extra.unlink()
    else:
        assert dump(w.hub.db) == stage.pristine_dump
    return outcome


def test_the_unchanged_bundle_and_a_plain_forgery_of_it_are_accepted(stage):
    """Controls: what the fuzzer starts from is accepted, so a refusal comes from the change."""
    assert attempt(stage, stage.good) == "imported"
    assert attempt(stage, write(stage, container_bytes(forge(stage)))) == "imported"


# -- bytes -------------------------------------------------------------------------------------------


@st.composite
def byte_changes(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        how = draw(st.sampled_from(["flip", "flip", "cut", "insert", "delete", "zero"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if how == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del out[at:]
        elif how == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif how == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            out[at : at + 16] = bytes(len(out[at : at + 16]))
    return bytes(out)


@fuzz(160)
@given(data=st.data())
def test_fuzzed_bytes_are_refused_or_read_the_very_same_bundle(stage, data):
    original = stage.good.read_bytes()
    changed = data.draw(byte_changes(original))
    verdict = attempt(stage, write(stage, changed))
    if verdict == "imported":  # only possible if the members read are the very same
        assert read_container(stage.world.root / "stick" / "fazhi-up-640302100-fuzz0000-000002.fzb", MEMBERS) == read_container(
            stage.good, MEMBERS
        )
    tried("bundle fuzzer: bytes")


# -- the archive's members ---------------------------------------------------------------------------

CLIMBING = ["../x", "../../etc/passwd", "/abs", "/etc/cron.d/x", "C:\\x", "C:x", "a/b", "..", ".", "\\\\server\\share", "", "x" * 300,
            "payload.bin/", "payload.bin\x00.txt", "ma\u202enifest.json"]


def raw_zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": on purpose
        with zipfile.ZipFile(buffer, "w") as archive:
            for info, data in entries:
                archive.writestr(info, data, compress_type=info.compress_type)
    return buffer.getvalue()


def entry(name: str, data: bytes, *, mode: int = stat.S_IFREG | 0o644, deflate: bool = False) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    return info, data


@pytest.fixture
def tripwire(monkeypatch):
    """Any member opened for reading fails the test (writing a test archive is allowed)."""
    real_open = zipfile.ZipFile.open

    def opened(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            raise Tripwire(f"member {getattr(name, 'filename', name)!r} was opened")
        return real_open(self, name, mode, *args, **kwargs)

    def read(self, name, *args, **kwargs):
        raise Tripwire(f"member {getattr(name, 'filename', name)!r} was read")

    monkeypatch.setattr(zipfile.ZipFile, "open", opened)
    monkeypatch.setattr(zipfile.ZipFile, "read", read)


@st.composite
def member_changes(draw, good: dict[str, bytes]) -> list[tuple[zipfile.ZipInfo, bytes]]:
    entries = [entry(name, data) for name, data in good.items()]
    how = draw(st.sampled_from(["add", "remove", "rename", "duplicate", "symlink", "folder", "many", "climb"]))
    index = draw(st.integers(0, len(entries) - 1))
    name, data = entries[index][0].filename, entries[index][1]
    if how == "add":
        entries.insert(draw(st.integers(0, 3)), entry(draw(st.sampled_from(CLIMBING + ["readme.txt", "payload.bin.old"])), b"x"))
    elif how == "remove":
        del entries[index]
    elif how == "rename":
        entries[index] = entry(draw(st.sampled_from(CLIMBING + ["Manifest.json", "payload.BIN", name + " "])), data)
    elif how == "duplicate":
        entries.insert(draw(st.integers(0, 3)), entry(name, draw(st.sampled_from([data, b"", b"{}"]))))
    elif how == "symlink":
        entries[index] = entry(name, b"/etc/passwd", mode=stat.S_IFLNK | 0o777)
    elif how == "folder":
        entries.insert(0, entry(name.split(".")[0] + "/", b"", mode=stat.S_IFDIR | 0o755))
    elif how == "many":
        entries += [entry(f"extra{i}.bin", b"") for i in range(draw(st.integers(14, 40)))]
    else:
        entries[index] = entry(draw(st.sampled_from(CLIMBING)), data)
    return entries


@fuzz(70)
@given(data=st.data())
def test_fuzzed_members_are_refused_before_anything_is_opened(stage, tripwire, data):
    zipped = raw_zip(data.draw(member_changes(stage.members)))
    assert attempt(stage, write(stage, zipped)) == "refused"
    tried("bundle fuzzer: archive members")


def test_members_in_another_order_are_the_same_bundle(stage):
    members = list(stage.members.items())
    assert attempt(stage, write(stage, raw_zip([entry(n, d) for n, d in reversed(members)]))) == "imported"


# -- compression bombs -------------------------------------------------------------------------------


def deflated_zeros(megabytes: int) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    return b"".join(squeeze.compress(chunk) for _ in range(megabytes)) + squeeze.flush()


@pytest.fixture(scope="module")
def bomb() -> tuple[bytes, int]:
    return deflated_zeros(64), 64 << 20


def bomb_zip(stage: Stage, stream: bytes, declared: int, *, name: str = "payload.bin") -> bytes:
    """A bundle whose ``name`` member is the deflate ``stream``, declaring ``declared`` bytes
    once expanded (the CRC is that of the declared zeros: only a full expansion tells)."""
    entries = [entry(n, d) for n, d in stage.members.items() if n != name]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = declared, len(stream), 0
        # the raw deflate stream as the member's data (no recompression), by hand
        info.header_offset = archive.fp.tell()
        archive.fp.write(info.FileHeader(zip64=False))
        archive.fp.write(stream)
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
        archive.start_dir = archive.fp.tell()
    return buffer.getvalue()


def test_a_compression_bomb_is_refused_before_expansion(stage, bomb, tripwire):
    stream, real = bomb
    # honest about its size: 64 MB from 64 KB, a ratio no real payload has
    assert attempt(stage, write(stage, bomb_zip(stage, stream, real))) == "refused"
    # over the member's size limit
    assert attempt(stage, write(stage, bomb_zip(stage, stream, bundle_module.PAYLOAD_LIMIT + 1))) == "refused"
    # the manifest as the bomb
    assert attempt(stage, write(stage, bomb_zip(stage, stream, real, name="manifest.json"))) == "refused"
    tried("compression bomb", 3)


def test_a_bomb_that_lies_about_its_size_expands_no_further_than_it_says(stage, bomb, monkeypatch):
    """Declaring a small size gets past the checks, but zipfile stops expanding at the size
    declared, the CRC does not match, and the file is refused."""
    stream, _ = bomb
    expanded = []
    real_read = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = real_read(self, n)
        expanded.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    declared = 1000
    assert attempt(stage, write(stage, bomb_zip(stage, stream, declared))) == "refused"
    assert sum(expanded) <= len(stage.members["manifest.json"]) + len(stage.members["manifest.sig"]) + declared
    tried("compression bomb", 1)


def test_a_signed_payload_that_expands_beyond_its_limit(stage, monkeypatch):
    """A payload sealed and signed by the township's real key that decompresses to far more
    than the limit: decompression stops one byte past the limit (counted here)."""
    limit = 8 << 20
    monkeypatch.setattr(bundle_module, "EXPANDED_LIMIT", limit)
    produced = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *args):
            self.inner = real(*args)

        def decompress(self, data, max_length=0):
            out = self.inner.decompress(data, max_length)
            produced.append(len(out))
            return out

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr("fazhi_tui.sync.container.zlib.decompressobj", Counting)
    squeeze = zlib.compressobj(9)
    body = b'{"records": {"meeting": [' + b" " * (64 << 20)
    plain = squeeze.compress(body) + squeeze.flush()
    assert attempt(stage, write(stage, container_bytes(forge(stage, raw_plain=plain)))) == "refused"
    assert sum(produced) <= limit + 1
    tried("payload bomb", 1)


# -- the manifest, signed again --------------------------------------------------------------------


DEEP = "\x00deep\x00"


def hostile_values(max_text: int = 70_000):
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([2**53, 2**63, 2**64 + 1, -1, 0, 10**8, 10**30, 10**400]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40),
        st.sampled_from(["", " ", "x" * max_text, "６４０３０２１００", "640302100\n", "２０２６-11-27T00:00:00Z", "../../x", "=1+1"]),
        st.sampled_from(["2026-11-27T08:00:00Z", "9999-12-31T23:59:59.999999Z", "0000-00-00T00:00:00.000000Z"]),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
        st.just(DEEP),
    )


def encode(value: Any, depth: int) -> bytes:
    """JSON of ``value``, with ``DEEP`` standing for arrays nested ``depth`` deep."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace(json.dumps(DEEP), "[" * depth + "]" * depth).encode("utf-8")


@st.composite
def manifest_changes(draw, manifest: dict) -> dict:
    changed = json.loads(json.dumps(manifest))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["set", "set", "delete", "add", "counts", "offices"]))
        key = draw(st.sampled_from(sorted(changed) or ["format"]))
        if how == "set":
            changed[key] = draw(hostile_values())
        elif how == "delete":
            changed.pop(key, None)
        elif how == "add":
            changed[draw(st.text(min_size=1, max_size=8))] = draw(hostile_values())
        elif how == "counts":
            counts = changed.get("counts") if isinstance(changed.get("counts"), dict) else {}
            counts[draw(st.sampled_from([*KINDS, "secrets", ""]))] = draw(hostile_values())
            changed["counts"] = counts
        else:
            changed["offices"] = draw(st.dictionaries(st.sampled_from(["640302100", "640302199", "x", "1" * 12]), hostile_values(), max_size=3))
    return changed


@fuzz(140)
@given(data=st.data())
def test_fuzzed_manifests_signed_by_the_township_are_refused_or_harmless(stage, data):
    changed = data.draw(manifest_changes(stage.manifest))
    depth = data.draw(st.sampled_from([1, 50, 1000, 30_000]))
    members = forge(stage, changed, depth=depth, fix_digest=data.draw(st.booleans()))
    verdict = attempt(stage, write(stage, container_bytes(members)))
    if verdict != "refused":  # a change the hub may ignore: a name, an extra field
        assert {k: changed.get(k) for k in ("bundle_id", "member", "device_id", "seq", "counts")} == {
            k: stage.manifest.get(k) for k in ("bundle_id", "member", "device_id", "seq", "counts")
        } or verdict == "already"
    tried("bundle fuzzer: manifest (signed)")


# -- the records, sealed and signed again ------------------------------------------------------------


@st.composite
def payload_changes(draw, records: dict) -> dict:
    payload = json.loads(json.dumps(records))
    kinds = [k for k, rows in payload["records"].items() if rows]
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["field", "field", "field", "drop", "extra", "row", "kind", "unknown_kind", "whole",
                                    "duplicate", "foreign", "dangling", "many"]))
        kind = draw(st.sampled_from(kinds))
        rows = payload["records"].get(kind)
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            continue
        index = draw(st.integers(0, len(rows) - 1))
        row = rows[index] if isinstance(rows[index], dict) else rows[0]
        if how == "field":
            row[draw(st.sampled_from(sorted(row)))] = draw(hostile_values(5_000))
        elif how == "drop":
            row.pop(draw(st.sampled_from(sorted(row))), None)
        elif how == "extra":
            row[draw(st.text(min_size=1, max_size=8))] = draw(hostile_values(100))
        elif how == "row":
            rows[index] = draw(hostile_values(100))
        elif how == "kind":
            payload["records"][kind] = draw(hostile_values(100))
        elif how == "unknown_kind":
            payload["records"][draw(st.sampled_from(["audit_log", "meta", "hub_member", "sqlite_master", "x"]))] = []
        elif how == "whole":
            payload = draw(st.sampled_from([[], {}, {"records": []}, {"records": {}, "more": 1}, None, "records"]))
            break
        elif how == "duplicate":
            rows.append(dict(row))
        elif how == "foreign":
            row["township"] = draw(st.sampled_from(["640302101", "640303100", "640302", "6403021000"]))
        elif how == "dangling" and "hearing" in payload["records"]:
            hearing = payload["records"]["hearing"]
            if hearing and isinstance(hearing[0], dict):
                hearing[0]["staff_uuid"] = "no-such-person"
        elif how == "many":
            rows.extend(dict(row, uuid=f"copy-{i}") for i in range(draw(st.integers(1, 300))))
    return payload


@fuzz(140)
@given(data=st.data())
def test_fuzzed_records_sealed_and_signed_are_refused_or_imported_whole(stage, data):
    payload = data.draw(payload_changes(stage.records))
    manifest = dict(stage.manifest)
    if data.draw(st.booleans()) and isinstance(payload, dict) and isinstance(payload.get("records"), dict):
        # the counts made to agree, so the records themselves are checked
        manifest["counts"] = {k: len(v) for k, v in payload["records"].items() if k in KINDS and isinstance(v, list)}
    depth = data.draw(st.sampled_from([1, 1, 20, 5000]))
    plain = zlib.compress(encode(payload, depth), 6)
    verdict = attempt(stage, write(stage, container_bytes(forge(stage, manifest, raw_plain=plain))))
    assert verdict in ("refused", "imported")
    tried("bundle fuzzer: records (sealed and signed)")


def _signed_with(stage: Stage, change) -> Path:
    payload = json.loads(json.dumps(stage.records))
    change(payload["records"])
    manifest = dict(stage.manifest, counts={k: len(v) for k, v in payload["records"].items()})
    return write(stage, container_bytes(forge(stage, manifest, payload)))


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("meeting", "chair", None),  # optional, but the column is NOT NULL
        ("training", "date", None),  # required date
        ("training", "hours", None),
        ("service_item", "guide_published", None),
        ("delegated_item", "staff", None),
        ("meeting", "created_at", "2026-11-27T08:00:00Z"),  # a stamp in another form (no microseconds)
    ],
)
def test_signed_records_the_database_would_refuse_are_refused_cleanly(stage, kind, field, value):
    def change(records):
        records[kind][0][field] = value
        records[kind][0]["uuid"] = "a-new-record"  # new to the hub: it must be written, or refused

    outcome = attempt_outcome(stage, _signed_with(stage, change))
    assert outcome.verdict == "refused"
    assert outcome.error.key == "err.bundle_damaged", outcome.error.detail
    tried("signed record the database would refuse")


def test_a_signed_link_to_a_person_the_hub_does_not_hold_is_refused_naming_it(stage):
    """Refused by the forms' own check (the reference must exist), naming record and field."""
    def change(records):
        records["hearing"][0]["staff_uuid"] = "no-such-person"
        records["hearing"][0]["uuid"] = "a-new-record"

    outcome = attempt_outcome(stage, _signed_with(stage, change))
    assert outcome.verdict == "refused"
    assert outcome.error.key == "err.bundle_invalid_value", outcome.error.detail
    assert "旁听庭审" in outcome.error.message() and "“人员”" in outcome.error.message()
    tried("signed record the database would refuse")


def test_the_same_record_twice_in_one_bundle_is_merged_against_what_the_first_wrote(stage):
    """The merge writes in bulk; a uuid met again in the same bundle is merged against the
    version its first row wrote (as two bundles would be), not against the hub's older one."""
    new_uuid = "twice-in-one-bundle"

    def change(records):
        first = next(row for row in records["meeting"] if row["deleted_at"] is None)
        first["uuid"] = new_uuid
        records["meeting"].append(dict(first, title="同一包里的第二个版本", rev=first["rev"] + 1))

    path = _signed_with(stage, change)
    w = stage.world
    store = Store.open(w.hub.db, w.hub.home.backups)
    try:
        outcome = import_bundle(w.hub.home, w.hub.config, store, path)
    finally:
        store.close()
    try:
        assert outcome.verdict == "imported", outcome.error
        assert query(w.hub.db, "SELECT title FROM meeting WHERE uuid = ?", (new_uuid,)) == [("同一包里的第二个版本",)]
        actions = query(w.hub.db, "SELECT action FROM audit_log WHERE record_uuid = ? ORDER BY id", (new_uuid,))
        assert actions == [("insert",), ("update",)]
        assert outcome.summary["meeting"].added == 1 and outcome.summary["meeting"].changed >= 1
        assert integrity(w.hub.db) == "ok"
    finally:
        shutil.copyfile(stage.pristine, w.hub.db)
        for extra in (w.hub.root / "archive" / "640302100").iterdir():
            if extra.name != archived_name(w.bundle):
                extra.unlink()


# -- validly signed hostile values (the attacker holds a real enrolment) ---------------------------------


FUTURE_STAMPS = ["2099-01-01T00:00:00.000000Z", "2999-12-31T23:59:59.999999Z", "9998-12-31T23:59:59.999999Z"]
BAD_STAMPS = ["9999-12-31T23:59:59.999999Z", "2026-13-45T08:00:00.000000Z", "2026-02-30T00:00:00.000000Z",
              "２０２６-11-27T08:00:00.000000Z", "2026-11-27T08:00:00.000000Z\n"]
DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "２０２６-11-27", "٢٠٢٦-11-27", "2026-11-27\n", "2026-1-5", "2099-01-01"]
CODES = ["640302100\n", "６４０３０２１００", "640302101", "640302100 ", "6403021000"]


@st.composite
def signed_hostile_values(draw, records: dict, manifest: dict) -> tuple[dict, dict]:
    """Values of the right JSON type in the right places, chosen to mislead: stamps from
    the future or impossible, impossible dates and digits of other scripts, references to
    records nobody holds, township codes with a newline, numbers at their limits, another
    township's bundle id."""
    payload = json.loads(json.dumps(records))
    manifest = json.loads(json.dumps(manifest))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(sorted(k for k, v in payload["records"].items() if v)))
        rows = payload["records"][kind]
        row = rows[draw(st.integers(0, len(rows) - 1))]
        fields = {f.name: f for f in KINDS[kind].fields}
        how = draw(st.sampled_from(["stamp", "stamp", "date", "ref", "township", "seq", "bundle_id", "choice"]))
        if how == "stamp":
            row[draw(st.sampled_from(["created_at", "updated_at", "sync_stamp", "deleted_at"]))] = draw(
                st.sampled_from(FUTURE_STAMPS + BAD_STAMPS))
        elif how == "date":
            dates = [n for n, f in fields.items() if f.type == "date"]
            if dates:
                row[draw(st.sampled_from(dates))] = draw(st.sampled_from(DATES))
        elif how == "ref":
            refs = [n for n, f in fields.items() if f.type in ("ref", "refs")]
            if refs:
                name = draw(st.sampled_from(refs))
                ghost = draw(st.sampled_from(["no-such-record", "0" * 32, row["uuid"]]))
                row[name] = [ghost] if fields[name].type == "refs" else ghost
        elif how == "township":
            row["township"] = draw(st.sampled_from(CODES))
        elif how == "seq":
            manifest["seq"] = draw(st.sampled_from([2, 2**53 - 1, 10**15]))
            manifest["since_seq"] = draw(st.sampled_from([0, 1, manifest["seq"] - 1]))
        elif how == "bundle_id":
            manifest["bundle_id"] = draw(st.sampled_from(["copied-from-640302101", manifest["bundle_id"] + "-2"]))
        else:
            choices = [n for n, f in fields.items() if f.type == "choice"]
            if choices:
                row[draw(st.sampled_from(choices))] = draw(st.sampled_from(["", "other", "ADMIN", "admin\n"]))
    return manifest, payload


def _hub_holds_only_sane_records(db: Path, limit: str) -> None:
    """No stamp later than the hub's clock plus the tolerance, no township code but digits
    (the forms' own checks are exercised one by one in test_hub_validates.py)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        for name in KINDS:
            for row in conn.execute(f"SELECT * FROM {name}"):
                for stamp_name in ("created_at", "updated_at", "deleted_at", "sync_stamp"):
                    assert row[stamp_name] is None or row[stamp_name] <= limit, (name, stamp_name, row[stamp_name])
                assert row["township"].isascii() and row["township"].isdigit(), row["township"]
    finally:
        conn.close()


@fuzz(120)
@given(data=st.data())
def test_validly_signed_hostile_values_are_refused_or_harmless(stage, data):
    """Every bundle here is signed, proved and sealed with township A's real keys."""
    from fazhi_tui.storage.store import utc_now
    from fazhi_tui.sync.hub.common import stamp_limit

    manifest, payload = data.draw(signed_hostile_values(stage.records, stage.manifest))
    manifest["counts"] = {k: len(v) for k, v in payload["records"].items()}
    plain = zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)
    members = forge(stage, manifest, raw_plain=plain)
    path = write(stage, container_bytes(members))
    w = stage.world
    store = Store.open(w.hub.db, w.hub.home.backups)
    try:
        outcome = import_bundle(w.hub.home, w.hub.config, store, path)
    finally:
        store.close()
    if outcome.verdict == "refused":
        assert isinstance(outcome.error, BundleRefused) and outcome.error.message()
        assert dump(w.hub.db) == stage.pristine_dump
        assert files(w.hub.root / "archive" / "640302100") == {archived_name(w.bundle): w.bundle.read_bytes()}
    else:
        assert outcome.verdict == "imported", outcome
        try:
            assert integrity(w.hub.db) == "ok"
            _hub_holds_only_sane_records(w.hub.db, stamp_limit(utc_now()))
            assert len(outcome.missing) <= 2  # ranges, whatever the numbers
        finally:
            shutil.copyfile(stage.pristine, w.hub.db)
            for extra in (w.hub.root / "archive" / "640302100").iterdir():
                if extra.name != archived_name(w.bundle):
                    extra.unlink()
    tried(f"bundle fuzzer: validly signed hostile values, {outcome.verdict}")
