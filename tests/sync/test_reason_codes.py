"""A reason the program writes into a record (an item the county took back) is stored as a
code: the same whatever the language of whoever imported, shown in words in the language of
whoever reads, and given back unchanged by a form it is not changed in."""

from __future__ import annotations

import json

import pytest

from fazhi_tui.base import i18n
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.reasons import CATALOG_WITHDRAWN, reason_code, reason_text, reason_value
from fazhi_tui.storage import hub_store
from tests.sync.util import TOWN_A, down, down_file, hub_publish, query


def _set_catalog(hub_office, codes: list[str]) -> None:
    with hub_office.store() as store, store.transaction() as conn:
        old = hub_store.catalog(conn)
        rows = [
            {"code": code, "name": f"事项{code}", "power_type": "penalty", "legal_basis": "", "department": "县司法局",
             "mode": "empower", "townships": json.dumps([TOWN_A]), "updated_at": "2026-11-01T00:00:00.000000Z"}
            for code in codes
        ]
        hub_store.replace_catalog(store.db, [code for code in old if code not in codes], rows)


def _withdrawn_reason(office) -> str:
    (row,) = query(office.db, "SELECT status, status_reason FROM delegated_item WHERE code = 'QX-0001' AND deleted_at IS NULL")
    assert row["status"] == "withdrawn"
    return row["status_reason"]


def test_the_stored_reason_does_not_depend_on_the_language_of_the_import(world, tmp_path):
    w = world
    _set_catalog(w.hub, ["QX-0001", "QX-0002"])
    down(w.a, down_file(hub_publish(w.hub, tmp_path / "down1")[0].parent, TOWN_A))
    _set_catalog(w.hub, ["QX-0002"])  # the county takes QX-0001 back
    bundle = down_file(hub_publish(w.hub, tmp_path / "down2")[0].parent, TOWN_A)
    english = w.a.moved(tmp_path / "a-en")

    i18n.set_language("zh")
    assert down(w.a, bundle).catalog_withdrawn == 1
    i18n.set_language("en")
    assert down(english, bundle).catalog_withdrawn == 1

    stored = _withdrawn_reason(w.a)
    assert stored == _withdrawn_reason(english)
    day = stored.rsplit(":", 1)[1]
    assert stored == reason_code(CATALOG_WITHDRAWN, day)
    # read for showing, it is words in the reader's language (English now)
    with english.store() as store:
        (item,) = [r for r in store.all_live(KINDS["delegated_item"]) if r["code"] == "QX-0001"]
    assert item["status_reason"] == f"no longer in the county's catalog ({day})"
    i18n.set_language("zh")
    with w.a.store() as store:
        (item,) = [r for r in store.all_live(KINDS["delegated_item"]) if r["code"] == "QX-0001"]
        assert item["status_reason"] == f"县里下发的事项目录已不再包含此事项（{day}）"
        # a form saved without changing the reason gives its words back: the code stays
        assert not store.update(KINDS["delegated_item"], item["uuid"], {"status_reason": item["status_reason"]}, w.a.actor())
    assert _withdrawn_reason(w.a) == stored


@pytest.mark.parametrize("language", ["zh", "en"])
def test_reason_words_and_codes(language):
    i18n.set_language(language)
    code = reason_code(CATALOG_WITHDRAWN, "2026-03-05")
    assert code == "@catalog_withdrawn:2026-03-05"
    words = reason_text(code)
    assert "2026-03-05" in words and words != code
    assert reason_value(words) == code
    # the words of the other language are recognised too; what a clerk typed stays as typed
    i18n.set_language("en" if language == "zh" else "zh")
    assert reason_value(words) == code and reason_text(code) != words
    for typed in ("人员不足", "@something:2026-03-05", "", None, "no longer in the county's catalog (soon)"):
        assert reason_value(typed) == typed
        assert reason_text(typed) == typed


def test_an_unknown_code_or_bad_date_is_refused():
    with pytest.raises(ValueError):
        reason_code("no_such_reason", "2026-03-05")
    with pytest.raises(ValueError):
        reason_code(CATALOG_WITHDRAWN, "March")



def test_a_reason_an_older_version_stored_in_words_is_left_alone_by_an_unchanged_form(world):
    """Data written before reasons were codes keeps its words until the clerk changes them."""
    words = "县里下发的事项目录已不再包含此事项（2026-03-05）"
    kind = KINDS["delegated_item"]
    with world.a.store() as store:
        item = store.all_live(kind)[0]
        with store.transaction() as conn:  # as an older version wrote it
            conn.execute("UPDATE delegated_item SET status = 'withdrawn', status_reason = ? WHERE uuid = ?", (words, item["uuid"]))
        shown = store.get(kind, item["uuid"])
        assert shown["status_reason"] == words
        assert not store.update(kind, item["uuid"], {"status_reason": shown["status_reason"]}, world.a.actor())
        assert store.update(kind, item["uuid"], {"status_reason": shown["status_reason"], "notes": "改过"}, world.a.actor())
    (row,) = query(world.a.db, "SELECT status_reason, notes FROM delegated_item WHERE uuid = ?", (item["uuid"],))
    assert tuple(row) == (words, "改过")
