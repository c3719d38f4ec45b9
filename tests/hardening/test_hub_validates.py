"""Class 10, the hub takes only what the township's forms would take.

Every live record of a bundle goes through the very function the forms use
(``domain.validation.validate``); a value the forms refuse — an impossible date, digits
that are not ASCII, a reference to a record that does not exist, a choice or a rule of
the form broken — refuses the whole bundle with a message naming the record and the
field, and the hub's database is unchanged. Only regular files are read: a FIFO named
like a bundle is refused at once instead of hanging the import.
"""

from __future__ import annotations

import os
import threading

import pytest

from fazhi_tui.base.i18n import set_language
from fazhi_tui.sync.errors import RecordRefused
from tests.hardening.cases import tried
from tests.hardening.forging import opened, signed
from tests.hardening.helpers import TOWN_A, dump, hub_import, run


def first_live(rows):
    return next(r for r in rows if r["deleted_at"] is None)


CASES = [
    # kind, field, value, words the message holds
    ("meeting", "date", "2026-02-30", "“日期”不符合要求：“2026-02-30”这一天不存在"),
    ("training", "date", "2026-13-01", None),
    ("hearing", "date", "２０２６-11-27", None),
    ("hearing", "staff_uuid", "0" * 32, "人员"),
    ("training", "staff", ["no-such-person"], None),
    ("training", "items", ["no-such-item"], None),
    ("meeting", "kind", "party", None),
    ("training", "hours", 5000, None),
]


@pytest.mark.parametrize(("kind", "field", "value", "words"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_value_the_forms_refuse_refuses_the_bundle_naming_record_and_field(world, kind, field, value, words):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    first_live(payload["records"][kind])[field] = value
    before = dump(w.hub.db)
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=2), payload, w.root / "stick" / "bad.fzb"))
    assert outcome.verdict == "refused"
    assert outcome.error.key in ("err.bundle_invalid_value", "err.bundle_damaged"), outcome.error
    message = outcome.error.message()
    if isinstance(outcome.error, RecordRefused):
        assert outcome.error.field == field and outcome.error.kind == kind
    if words:
        assert words in message, message
    assert dump(w.hub.db) == before
    tried("hub validates: a value the forms refuse", 1)


def test_a_rule_of_the_form_broken_is_named_in_both_languages(world):
    """An administrative meeting with no head's attendance: the form's own rule."""
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    meeting = next(r for r in payload["records"]["meeting"] if r["deleted_at"] is None and r["kind"] == "admin")
    meeting["head_attendance"] = None
    before = dump(w.hub.db)
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=2), payload, w.root / "stick" / "bad.fzb"))
    assert isinstance(outcome.error, RecordRefused) and outcome.error.field == "head_attendance"
    assert meeting["title"][:20] in outcome.error.message() and "会议" in outcome.error.message()
    set_language("en")
    try:
        assert "Meetings record" in outcome.error.message() or "Correct it at the township" in outcome.error.message()
    finally:
        set_language("zh")
    assert dump(w.hub.db) == before
    tried("hub validates: a rule of the form", 1)


def test_references_to_records_the_bundle_carries_or_the_hub_holds_are_taken(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    # a delta that carries only a hearing: its person is held by the hub, not carried
    hearing = first_live(payload["records"]["hearing"])
    delta = {"records": {"hearing": [dict(hearing, notes="只带一条旁听记录")]}}
    outcome = hub_import(w.hub, signed(w.hub, w.a, dict(manifest, seq=2, since_seq=1, full=False), delta, w.root / "stick" / "d.fzb"))
    assert outcome.verdict == "imported", outcome.error
    tried("hub validates: references held", 1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_like_a_bundle_is_refused_without_hanging(world):
    w = world
    fifo = w.root / "stick" / f"fazhi-up-{TOWN_A}-0badf11e-000002.fzb"
    fifo.parent.mkdir(exist_ok=True)
    os.mkfifo(fifo)
    before = dump(w.hub.db)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(run("hub", "import", fifo, "--home", w.hub.root)), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("the import hung on a FIFO")
    (done,) = result
    assert done.code == 1 and "不是一个普通文件" in done.out, done
    assert dump(w.hub.db) == before
    tried("hub validates: FIFO", 1)
