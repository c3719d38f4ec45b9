"""Class 9, restore without loss.

After a township puts its database back from a backup — with ``fazhi-tui restore`` or by
copying the file by hand — the PC goes on as a new device: nothing it sends collides
with what the county holds (no bundle number reused), the next export is a full copy
that carries everything the county may not hold, and the county takes it without a new
enrolment (the same device key). An export never overwrites a file on the stick.
"""

from __future__ import annotations

import shutil

from fazhi_tui.storage.backups import make_backup
from tests.hardening.cases import tried
from tests.hardening.helpers import TOWN_A, export, hub_import, ok, query, records, update
from tests.sync.util import down, down_file, hub_publish, insert, live_uuids, new_training


def edits_after_the_backup(w):
    """Bundles 1 and 2 reach the county, the county confirms them; then the township's PC
    fails and its database goes back to a backup made after bundle 1."""
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    backup = make_backup(w.a.db, w.a.home.backups, "test")
    meeting = live_uuids(w.a, "meeting")[0]
    update(w.a, "meeting", meeting, {"title": "备份之后改的"})
    second = export(w.a, w.usb)
    assert hub_import(w.hub, second.path).verdict == "imported"
    assert down(w.a, down_file(hub_publish(w.hub, w.root / "down")[0].parent, TOWN_A)).confirmed_seq == 2
    return backup, meeting, second


def after_restore(w, meeting, second):
    """The restored PC adds a record and exports: everything arrives, nothing collides."""
    old_device = query(w.hub.db, "SELECT device_id FROM hub_bundle WHERE seq = 2")[0][0]
    added = insert(w.a, "training", new_training("恢复之后新加的培训"))
    update(w.a, "meeting", meeting, {"title": "恢复之后又改的"})
    third = export(w.a, w.usb)
    assert third.full and third.path.name != second.path.name and second.path.exists()
    assert w.a.device_id() != old_device
    outcome = hub_import(w.hub, third.path)
    assert outcome.verdict == "imported", outcome.error
    assert outcome.missing == []
    assert records(w.hub.db, TOWN_A) == records(w.a.db, TOWN_A)
    assert query(w.hub.db, "SELECT title FROM training WHERE uuid = ?", (added,)) == [("恢复之后新加的培训",)]
    # the county's next confirmation is for the new device: the PC's next bundle is a delta
    assert down(w.a, down_file(hub_publish(w.hub, w.root / "down2")[0].parent, TOWN_A)).confirmed_seq == third.seq
    update(w.a, "meeting", meeting, {"title": "第四包"})
    fourth = export(w.a, w.usb)
    assert not fourth.full and hub_import(w.hub, fourth.path).verdict == "imported"
    assert records(w.hub.db, TOWN_A) == records(w.a.db, TOWN_A)


def test_restore_from_the_command_line_goes_on_as_a_new_device(world):
    w = world
    backup, meeting, second = edits_after_the_backup(w)
    ok("restore", backup.name, "--home", w.a.root)
    after_restore(w, meeting, second)
    tried("restore: fazhi-tui restore", 1)


def test_a_backup_copied_over_the_database_by_hand_is_found_at_the_next_export(world):
    w = world
    backup, meeting, second = edits_after_the_backup(w)
    for suffix in ("-wal", "-shm"):
        (w.a.db.parent / f"{w.a.db.name}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, w.a.db)  # the clerk's own way back
    after_restore(w, meeting, second)
    tried("restore: a copy by hand", 1)


def test_an_export_never_overwrites_a_file_on_the_stick(world):
    w = world
    first = export(w.a, w.usb)  # bundle 2 (the world's bundle 1 is on the stick)
    taken = first.path.with_name(first.path.name.replace("000002", "000003"))
    taken.write_bytes(b"someone else's file")
    second = export(w.a, w.usb)
    assert second.seq == 3 and second.path != taken and second.path.exists()
    assert taken.read_bytes() == b"someone else's file"
    assert hub_import(w.hub, second.path).verdict == "imported"
    tried("restore: no overwrite on the stick", 1)
