"""schema.sql reads on its own: its header lists every table with its columns as they are
after all the migrations, and every meta key with its meaning. A database built by running
the migrations must match the header exactly, so the two cannot drift apart."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from fazhi_tui.storage import meta
from fazhi_tui.storage.database import _statements, load_migrations

SCHEMA = Path(__file__).resolve().parents[1] / "schema.sql"


def _section(text: str, title: str) -> list[str]:
    """The comment lines of one ``== title ==`` section of the header, without the ``--``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"-- == {title}"))
    out = []
    for line in lines[start + 1 :]:
        if line.startswith("-- ==") or not line.startswith("--"):
            break
        out.append(line[3:] if line.startswith("-- ") else line[2:])
    return out


def documented_tables(text: str) -> dict[str, list[str]]:
    """table → columns, as the header's "Tables" section lists them."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in _section(text, "Tables"):
        head = re.match(r"^(\w+) {2,}(\S.*)$", line)
        more = re.match(r"^ {2,}(\w.*)$", line)
        if head:
            current = head.group(1)
            tables[current] = []
            listed = head.group(2)
        elif more and current is not None:
            listed = more.group(1)
        else:
            current = None  # prose after the list
            continue
        tables[current] += [name.strip() for name in listed.split(",") if name.strip()]
    return tables


def documented_meta_keys(text: str) -> list[str]:
    return [m.group(1) for line in _section(text, "Keys of the meta table") if (m := re.match(r"^(\w+) {2,}\S", line))]


def migrated_tables() -> dict[str, list[str]]:
    conn = sqlite3.connect(":memory:")
    try:
        for migration in load_migrations():
            for statement in _statements(migration.sql):
                conn.execute(statement)
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: [row[1] for row in conn.execute(f"PRAGMA table_info({name})")] for name in names}
    finally:
        conn.close()


def test_the_header_lists_every_table_with_its_columns_as_the_migrations_leave_them():
    documented = documented_tables(SCHEMA.read_text(encoding="utf-8"))
    assert len(documented) > 10  # the section is really read
    assert documented == migrated_tables()


def test_the_header_lists_every_meta_key_the_program_uses():
    assert documented_meta_keys(SCHEMA.read_text(encoding="utf-8")) == list(meta.KEYS)


def test_a_drift_is_caught():
    """A column added by a migration but not to the header (or the other way) fails."""
    text = SCHEMA.read_text(encoding="utf-8")
    documented = documented_tables(text.replace("-- hub_office      code, name, last_import", "-- hub_office      code, name"))
    assert documented != migrated_tables()
    documented = documented_tables(text.replace("-- hub_publish     member, seq, created_at\n", ""))
    assert "hub_publish" not in documented
