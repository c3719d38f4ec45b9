"""Class 6, bounded work per bundle: numbers in a bundle are not trusted.

* Gaps in a device's bundle numbers are reported as ranges, never as a list of every
  missing number: a bundle numbered 2**53 - 1 costs one line and no memory.
* A full bundle supersedes the numbers before it (no "missing" line for them, issue 20).
* Records per kind per bundle and the payload's expansion ratio are limited; a bundle
  over either is refused with a clear message in Chinese and English, and the hub's
  database is unchanged.
"""

from __future__ import annotations

import time

from fazhi_tui.base.i18n import set_language
from fazhi_tui.services.verdicts import import_lines
from fazhi_tui.sync import bundle as bundle_module
from fazhi_tui.sync.bundle import MAX_EXPANSION_RATIO
from tests.hardening.cases import tried
from tests.hardening.forging import opened, signed
from tests.hardening.helpers import TOWN_A, dump, export, hub_import, update
from tests.sync.util import live_uuids

HUGE = 2**53 - 1


def test_a_huge_sequence_number_costs_one_line(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    forged = signed(w.hub, w.a, dict(manifest, seq=HUGE, since_seq=HUGE - 1, full=False), payload, w.root / "stick" / "huge.fzb")
    started = time.monotonic()
    outcome = hub_import(w.hub, forged)
    assert time.monotonic() - started < 10
    assert outcome.verdict == "imported"
    assert outcome.missing == [(2, HUGE - 1)]
    lines = import_lines(outcome, forged.name)
    assert [line for verdict, line in lines if verdict == "missing"] == [
        f"缺少 {TOWN_A} 设备 {outcome.device_id[:8]} 的第 2 至 {HUGE - 1} 个数据包"
    ]
    tried("bounded work: huge sequence number", 1)


def test_a_full_bundle_supersedes_the_numbers_before_it(world):
    w = world
    meeting = live_uuids(w.a, "meeting")[0]
    for title in ("第二包", "第三包"):
        update(w.a, "meeting", meeting, {"title": title})
        latest = export(w.a, w.usb)
    assert latest.seq == 3 and latest.full  # nothing confirmed: every bundle is a full copy
    outcome = hub_import(w.hub, latest.path)
    assert outcome.verdict == "imported" and outcome.missing == []
    assert [v for v, _ in import_lines(outcome, latest.path.name)] == ["imported"]
    tried("bounded work: full bundle supersedes", 1)


def test_too_many_records_of_a_kind_are_refused_with_a_clear_message(world, monkeypatch):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    before = dump(w.hub.db)
    manifest, payload = opened(w.hub, w.bundle)
    # the real limit, claimed in the signed manifest
    claimed = dict(manifest, seq=3, counts={**manifest["counts"], "meeting": bundle_module.MAX_RECORDS_PER_KIND + 1})
    forged = signed(w.hub, w.a, claimed, payload, w.root / "stick" / "many.fzb", fix_counts=False)
    outcome = hub_import(w.hub, forged)
    assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_too_many"
    assert "会议" in outcome.error.message() and str(bundle_module.MAX_RECORDS_PER_KIND) in outcome.error.message()
    assert dump(w.hub.db) == before
    # records actually carried over a (lowered) limit
    monkeypatch.setattr(bundle_module, "MAX_RECORDS_PER_KIND", 5)
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=4), payload, w.root / "stick" / "many.fzb"))
    assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_too_many"
    set_language("en")
    try:
        assert "over the limit of 5" in outcome.error.message()
    finally:
        set_language("zh")
    assert "超过每包 5 条的上限" in outcome.error.message()
    assert dump(w.hub.db) == before
    tried("bounded work: records per kind", 2)


def test_a_payload_that_expands_like_no_real_records_is_refused(world):
    """Tens of thousands of near-identical records in a small bundle (the hub's database
    would grow hundreds of times the bundle's size): refused before it is parsed."""
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    before = dump(w.hub.db)
    manifest, payload = opened(w.hub, w.bundle)
    row = next(r for r in payload["records"]["meeting"] if r["deleted_at"] is None)
    flood = {"records": {**payload["records"], "meeting": [dict(row, uuid=f"flood-{i:06d}") for i in range(30_000)]}}
    forged = signed(w.hub, w.a, dict(manifest, seq=2), flood, w.root / "stick" / "flood.fzb")
    assert forged.stat().st_size < 2 * 1024 * 1024
    outcome = hub_import(w.hub, forged)
    assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_expands", outcome.error
    assert f"{MAX_EXPANSION_RATIO} 倍" in outcome.error.message()
    assert dump(w.hub.db) == before
    # a real bundle is far from the ratio
    assert hub_import(w.hub, export(w.a, w.usb, full=True).path).verdict == "imported"
    tried("bounded work: expansion ratio", 1)
