"""Class 8, a bundle's identity comes from signed content.

* The signature (and the sender's enrolment) is checked before any "already imported"
  answer: a forged copy of a bundle the hub holds is refused, not waved through.
* Bundle ids cannot collide across townships: the hub knows a bundle by its member,
  device and id together, so township B copying A's id (readable on a stick) neither
  blocks nor hides A's genuine bundle.
* The archive names each file by its content's digest: a bundle renamed to an earlier
  one's file name is imported and archived too.
"""

from __future__ import annotations

import shutil

from fazhi_tui.sync import crypto
from fazhi_tui.sync.hub import archive_dir
from tests.hardening.cases import tried
from tests.hardening.forging import opened, signed
from tests.hardening.helpers import TOWN_A, TOWN_B, dump, export, files, hub_import, query, update
from tests.sync.util import live_uuids


def test_another_township_copying_a_bundle_id_blocks_nothing(world):
    w = world
    a_manifest, _ = opened(w.hub, w.bundle)
    b_bundle = export(w.b, w.usb).path
    b_manifest, b_payload = opened(w.hub, b_bundle)
    # B's own bundle under A's id (read on the stick), imported first
    copied = signed(w.hub, w.b, dict(b_manifest, bundle_id=a_manifest["bundle_id"]), b_payload, w.root / "stick" / "b.fzb",
                    fresh_id=False)
    assert hub_import(w.hub, copied).verdict == "imported"
    outcome = hub_import(w.hub, w.bundle)
    assert (outcome.verdict, outcome.member) == ("imported", TOWN_A), outcome.error
    ids = sorted(r[0] for r in query(w.hub.db, "SELECT bundle_id FROM hub_bundle"))
    assert len(ids) == 2 and all(a_manifest["bundle_id"] in i for i in ids)
    assert {i.split("/")[0] for i in ids} == {TOWN_A, TOWN_B}
    tried("identity: a copied bundle id", 1)


def test_the_signature_is_checked_before_already_imported(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    before = dump(w.hub.db)
    # the same member, device and id, signed by B's key: not "already", refused
    forged = signed(w.hub, w.b, manifest, payload, w.root / "stick" / "forged.fzb", fresh_id=False)
    outcome = hub_import(w.hub, forged)
    assert outcome.verdict == "refused" and outcome.error.key in ("err.bundle_tampered", "err.bundle_old_enrolment"), outcome.error
    assert dump(w.hub.db) == before
    # the genuine file again: "already"
    assert hub_import(w.hub, w.bundle).verdict == "already"
    tried("identity: signature before already", 2)


def test_a_bundle_renamed_to_an_earlier_ones_name_is_imported_and_archived(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    first = w.bundle.read_bytes()
    update(w.a, "meeting", live_uuids(w.a, "meeting")[0], {"title": "第二包"})
    second = export(w.a, w.usb).path
    data = second.read_bytes()
    elsewhere = w.root / "other-stick"
    elsewhere.mkdir()
    renamed = elsewhere / w.bundle.name
    shutil.copyfile(second, renamed)
    assert hub_import(w.hub, renamed).verdict == "imported"
    assert files(archive_dir(w.hub.home)) == {
        f"{TOWN_A}/{crypto.sha256_hex(first)}.fzb": first,
        f"{TOWN_A}/{crypto.sha256_hex(data)}.fzb": data,
    }
    archived = sorted(r[0] for r in query(w.hub.db, "SELECT archive FROM hub_bundle"))
    assert archived == sorted(f"{TOWN_A}/{crypto.sha256_hex(d)}.fzb" for d in (first, data))
    tried("identity: renamed bundle archived", 1)
