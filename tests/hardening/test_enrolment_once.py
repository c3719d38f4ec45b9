"""Class 5, enrolment truly one-time.

* The first bundle of a device consumes the enrolment secret: the hub clears it once the
  device key is bound, so the enrolment file left on a stick is useless afterwards.
* A second PC of a township needs an enrolment file of its own (``hub enroll
  --another-device``); the PCs already enrolled stay so.
* A township refuses an enrolment made by another hub's key unless the clerk confirms it
  (``enroll --replace``), with a warning naming the hub held and the hub offered.
* The hub's database, keys and archive are readable by their owner only (POSIX).
"""

from __future__ import annotations

import os
import stat

import pytest

from fazhi_tui.services.office import read_stick
from fazhi_tui.sync.hub import archive_dir
from fazhi_tui.sync.keys import load_enrolment
from tests.hardening.cases import tried
from tests.hardening.helpers import (
    COUNTY,
    TOWN_A,
    another_enrolment,
    dump,
    enrol,
    export,
    files,
    hub,
    hub_import,
    query,
    run,
    second_device,
)


def secret_of(db, code: str) -> str:
    return query(db, "SELECT secret FROM hub_member WHERE code = ?", (code,))[0][0]


def test_the_first_bundle_consumes_the_secret_and_the_file_on_the_stick_is_spent(world, tmp_path):
    w = world
    assert secret_of(w.hub.db, TOWN_A) != ""
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    assert secret_of(w.hub.db, TOWN_A) == ""  # consumed: the device key is bound

    # whoever finds the enrolment file on the stick enrols another PC with it: refused
    thief = second_device(w.a, tmp_path / "thief", w.enrolment(TOWN_A))
    before, archived = dump(w.hub.db), files(archive_dir(w.hub.home))
    stolen = export(thief, tmp_path / "thief-stick")
    outcome = hub_import(w.hub, stolen.path)
    assert outcome.verdict == "refused" and outcome.error.key == "err.enrolment_spent"
    assert "只能用一次" in outcome.error.message()
    assert dump(w.hub.db) == before and files(archive_dir(w.hub.home)) == archived

    # the township's own PC goes on as before
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"
    tried("enrolment: a spent file", 2)


def test_a_second_pc_needs_an_enrolment_of_its_own(world, tmp_path):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    extra = another_enrolment(w.hub, TOWN_A, w.usb)
    assert extra.name != w.enrolment(TOWN_A).name and w.enrolment(TOWN_A).exists()  # nothing replaced on the stick
    generation = query(w.hub.db, "SELECT generation FROM hub_member WHERE code = ?", (TOWN_A,))[0][0]
    assert generation == 1  # the PCs enrolled stay so
    second = second_device(w.a, tmp_path / "a2", extra)
    assert hub_import(w.hub, export(second, tmp_path / "stick2").path).verdict == "imported"
    assert secret_of(w.hub.db, TOWN_A) == ""
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"

    # the second PC's file, used once, is spent as well
    third = second_device(w.a, tmp_path / "a3", extra)
    outcome = hub_import(w.hub, export(third, tmp_path / "stick3").path)
    assert outcome.verdict == "refused" and outcome.error.key == "err.enrolment_spent"
    # two files issued before either is used both work, once each
    first, other = another_enrolment(w.hub, TOWN_A, w.usb), another_enrolment(w.hub, TOWN_A, w.usb)
    pcs = [second_device(w.a, tmp_path / f"pc{i}", path) for i, path in enumerate((first, other))]
    assert [hub_import(w.hub, export(pc, tmp_path / f"s{i}").path).verdict for i, pc in enumerate(pcs)] == ["imported"] * 2
    assert secret_of(w.hub.db, TOWN_A) == ""
    tried("enrolment: another device", 4)


def test_an_enrolment_from_another_hub_key_needs_the_clerks_confirmation(world, tmp_path):
    w = world
    other = hub(tmp_path / "other-county", COUNTY, "冒名的利通区")
    offered = enrol(other, TOWN_A, tmp_path / "other-stick")
    held = load_enrolment(w.a.home)

    result = run("enroll", offered, "--home", w.a.root)
    assert result.code == 1
    assert "利通区（640302）" in result.err and "冒名的利通区（640302）" in result.err and "确认" in result.err
    assert load_enrolment(w.a.home) == held  # nothing changed

    # the exchange screen's "read": refused with the same warning unless confirmed
    offered.rename(tmp_path / "other-stick" / f"fazhi-enrol-{TOWN_A}.json")
    with w.a.store() as store:
        lines = list(read_stick(w.a.home, w.a.config, store, tmp_path / "other-stick"))
    assert lines == [("confirm", lines[0][1])] and "冒名的利通区" in lines[0][1]  # nothing else read
    assert load_enrolment(w.a.home) == held

    # a re-enrolment by the same county is taken without a question
    again = tmp_path / "again"
    enrol(w.hub, TOWN_A, again)
    assert run("enroll", again / f"fazhi-enrol-{TOWN_A}.json", "--home", w.a.root).code == 0
    assert load_enrolment(w.a.home).generation == 2

    confirmed = run("enroll", tmp_path / "other-stick" / f"fazhi-enrol-{TOWN_A}.json", "--replace", "--home", w.a.root)
    assert confirmed.code == 0, confirmed
    assert load_enrolment(w.a.home).hub_name == "冒名的利通区"
    tried("enrolment: replacement by another key", 3)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_hubs_files_are_the_owners_only(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    home = w.hub.home

    def mode(path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(home.database) == 0o600
    assert mode(home.data_dir) == 0o700
    assert mode(home.keys) == 0o700 and all(mode(p) == 0o600 for p in home.keys.iterdir())
    assert mode(archive_dir(home)) == 0o700
    for path in archive_dir(home).rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    if home.backups.exists():
        assert mode(home.backups) == 0o700 and all(mode(p) == 0o600 for p in home.backups.iterdir() if p.is_file())
    assert mode(w.enrolment(TOWN_A)) == 0o600
    tried("enrolment: owner-only files", 1)
