"""A hub import, a publish and a township's import of the county's file each leave a
routine backup to undo them with (one for a run of files), and are logged."""

from __future__ import annotations

from fazhi_tui.base.logs import log_path, setup_logging
from fazhi_tui.storage.database import list_backups, restore_backup
from tests.sync.util import down, down_file, export, hub_import, hub_publish, kind_counts


def routine(office, reason: str):
    return [p for p in list_backups(office.home.backups) if p.name.endswith(f"-auto-before-{reason}.db")]


def test_imports_and_publish_are_backed_up_first_and_can_be_undone(world):
    setup_logging(world.hub.home)
    first = export(world.a, world.usb)
    second = export(world.b, world.usb)
    assert hub_import(world.hub, first.path, dry_run=True).verdict == "imported"
    assert routine(world.hub, "import") == []  # a dry run writes nothing, backs up nothing
    before = kind_counts(world.hub.db)
    assert hub_import(world.hub, first.path).verdict == "imported"
    assert hub_import(world.hub, second.path).verdict == "imported"
    (backup,) = routine(world.hub, "import")  # one for the run of two files, made before the first
    assert kind_counts(backup) == before

    hub_publish(world.hub, world.usb)
    assert len(routine(world.hub, "publish")) == 1
    assert down(world.a, down_file(world.usb, world.a.code)).verdict == "imported"
    assert len(routine(world.a, "import")) == 1

    text = log_path(world.hub.home).read_text(encoding="utf-8")
    assert f"hub import {first.path}: imported" in text and "published 2 down-bundles" in text

    # the backup undoes the imports
    restore_backup(backup, world.hub.db, world.hub.home.backups)
    assert kind_counts(world.hub.db) == before
