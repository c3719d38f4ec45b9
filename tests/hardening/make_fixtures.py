"""Build the database fixtures of the earlier schema versions: ``tests/hardening/fixtures/``.

Run from the repository top::

    python -m tests.hardening.make_fixtures

Each fixture is a database exactly as that version of the program left it: only the
migrations up to that version (taken by number from today's ``schema.sql``, whose shipped
migrations never change), ``PRAGMA user_version`` set to it, the meta rows that version
kept, and a few realistic records of every kind written with that version's columns, each
change with its audit row (inserts, an update, a deletion), the way that version's
``Store`` wrote them. The content is fixed (uuids, times), so a rebuild gives the same rows;
``test_upgrades.py`` checks that the files kept here still hold what this script makes.

When a migration is added to ``schema.sql``, the version before it becomes an "earlier
version": add a ``build_vN`` below (start from the previous one: the records it writes,
plus the columns and meta rows version N added) and register it in ``BUILDERS``, then
run this script and commit the new ``fixtures/fazhi-vN.db``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from fazhi_tui.storage.database import load_migrations

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOWNSHIP = "640302100"
DEVICE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
OPERATOR = "马文华"


def _apply(conn: sqlite3.Connection, version: int) -> None:
    for migration in load_migrations()[:version]:
        conn.executescript(migration.sql)
    conn.execute(f"PRAGMA user_version = {version}")


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _stamp(day: int, second: int = 0) -> str:
    return f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T0{second % 10}:{second % 60:02d}:00.{second:06d}Z"


# The records of a v1 township: every kind, with v1's columns (no sync columns yet).
V1_RECORDS: list[tuple[str, int, dict]] = [
    ("staff", 1, {"name": "马文华", "post": "司法所所长", "background": "law_degree", "education": "法学本科", "start_date": "2018-07-01",
                  "active": 1, "rule_of_law": 1, "enforcement": 1, "cert_no": "宁执640302001", "cert_issued": "2023-03-01",
                  "cert_expiry": "2026-03-01", "notes": ""}),
    ("staff", 2, {"name": "丁丽", "post": "综合执法队员", "background": "law_work", "education": "大专", "start_date": None,
                  "active": 1, "rule_of_law": 1, "enforcement": 1, "cert_no": "宁执640302002", "cert_issued": "2024-05-10",
                  "cert_expiry": "2027-05-10", "notes": "2024年取得执法证"}),
    ("staff", 3, {"name": "海军", "post": "党政办干事", "background": "other", "education": "本科", "start_date": "2020-09-01",
                  "active": 0, "rule_of_law": 0, "enforcement": 0, "cert_no": "", "cert_issued": None, "cert_expiry": None,
                  "notes": "已调离"}),
    ("delegated_item", 4, {"code": "WZ-LT-001", "name": "对违反规定占用道路从事非交通活动的处罚", "power_type": "penalty",
                           "legal_basis": "《中华人民共和国道路交通安全法》第一百零四条", "department": "区交通运输局", "mode": "entrust",
                           "delegated_on": "2024-01-01", "status": "taken", "status_reason": "", "staff": json.dumps([_uuid(1), _uuid(2)]),
                           "notes": ""}),
    ("delegated_item", 5, {"code": "WZ-LT-002", "name": "对未取得建设工程规划许可证进行建设的查处", "power_type": "penalty",
                           "legal_basis": "《中华人民共和国城乡规划法》第六十四条", "department": "区自然资源局", "mode": "empower",
                           "delegated_on": None, "status": "taking", "status_reason": "人员培训中", "staff": "[]", "notes": ""}),
    ("training", 6, {"date": "2025-03-14", "title": "下放事项业务培训（道路占用）", "department": "区交通运输局", "form": "central",
                     "hours": 3.5, "items": json.dumps([_uuid(4)]), "staff": json.dumps([_uuid(1), _uuid(2)]), "notes": "现场考试"}),
    ("meeting", 7, {"kind": "deploy", "date": "2025-02-18", "title": "2025年法治政府建设专题部署会", "chair": "杨志强",
                    "attendees": "杨志强、马文华、丁丽", "minutes_no": "金党纪〔2025〕3号", "head_attendance": None,
                    "head_absence_reason": "", "notes": ""}),
    ("meeting", 8, {"kind": "admin", "date": "2025-04-02", "title": "2025年第4次镇政府常务会议", "chair": "杨志强",
                    "attendees": "杨志强、马文华", "minutes_no": "金政纪〔2025〕4号", "head_attendance": "partial",
                    "head_absence_reason": "下午另有会议", "notes": "含\"引号\"、逗号,与换行\n的备注"}),
    ("meeting", 9, {"kind": "study", "date": "2025-05-06", "title": "会前学法：《行政复议法》", "chair": "杨志强",
                    "attendees": "", "minutes_no": "", "head_attendance": None, "head_absence_reason": "", "notes": "=1+1"}),
    ("hearing", 10, {"staff_uuid": _uuid(1), "date": "2025-06-12", "mode": "online", "court": "利通区人民法院",
                     "case_name": "某村民诉镇政府行政强制案", "notes": ""}),
    ("service_item", 11, {"name": "农村宅基地审批", "guide_published": 1, "handled_locally": 1, "procedure_done": 0, "notes": ""}),
    ("annual_report", 12, {"year": 2024, "sent_on": "2025-02-12", "published_on": "2025-03-20",
                           "published_where": "利通区人民政府网站", "notes": ""}),
]
V1_UPDATES = [(8, {"head_attendance": ["partial", "full"], "head_absence_reason": ["下午另有会议", ""]})]
V1_DELETES = [9]


def build_v1(path: Path) -> None:
    """A township's database as version 1 left it (schema.sql migration 1)."""
    _build_township(path, 1)


def build_v2(path: Path) -> None:
    """A township's database as version 2 left it (migrations 1-2): version 1's records with
    the change counter and stamp of each write, the clock and counter in meta, one full
    up-bundle in the export log and the county's confirmation of it."""
    _build_township(path, 2)


def build_v3(path: Path) -> None:
    """A township's database as version 3 left it (migrations 1-3): version 2's records
    (migration 3 added only indexes). Staff still have the bare "active" flag and no end
    date, service items no year (migration 4)."""
    _build_township(path, 3)


def build_v4(path: Path) -> None:
    """A township's database as version 4 left it (migrations 1-4): version 3's records; the
    staff and service items have the end date and year columns, empty as migration 4 left them."""
    _build_township(path, 4)


def _build_township(path: Path, version: int) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA page_size = 1024")  # small pages: a small file to keep in git
        conn.execute("PRAGMA journal_mode = WAL")  # as every version opens it
        _apply(conn, version)
        conn.execute("BEGIN")
        conn.execute("INSERT INTO meta (key, value) VALUES ('device_id', ?)", (DEVICE,))
        audit: list[tuple] = []
        kinds: dict[int, str] = {}
        changes_made = 0  # version 2: the device's change counter (meta sync_version)

        def sync(at: str) -> dict:
            nonlocal changes_made
            if version < 2:
                return {}
            changes_made += 1
            return {"sync_version": changes_made, "sync_stamp": at}

        for index, (kind, n, values) in enumerate(V1_RECORDS):
            at = _stamp(n, index)
            kinds[n] = kind
            row = {"uuid": _uuid(n), "township": TOWNSHIP, "created_at": at, "updated_at": at, "device_id": DEVICE, "rev": 1,
                   **values, **sync(at)}
            conn.execute(f"INSERT INTO {kind} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))
            changes = {k: [None, v] for k, v in values.items()}
            audit.append((at, OPERATOR, DEVICE, kind, _uuid(n), "insert", json.dumps(changes, ensure_ascii=False)))
        for n, changes in V1_UPDATES:
            at = _stamp(40 + n)
            extra = sync(at)
            sets = ", ".join(f"{k} = ?" for k in [*changes, *extra])
            conn.execute(
                f"UPDATE {kinds[n]} SET {sets}, updated_at = ?, rev = rev + 1 WHERE uuid = ?",
                (*(new for _, new in changes.values()), *extra.values(), at, _uuid(n)),
            )
            audit.append((at, OPERATOR, DEVICE, kinds[n], _uuid(n), "update", json.dumps(changes, ensure_ascii=False)))
        for n in V1_DELETES:
            at = _stamp(50 + n)
            extra = sync(at)
            sets = "".join(f", {k} = ?" for k in extra)
            conn.execute(
                f"UPDATE {kinds[n]} SET deleted_at = ?, updated_at = ?, rev = rev + 1{sets} WHERE uuid = ?",
                (at, at, *extra.values(), _uuid(n)),
            )
            audit.append((at, OPERATOR, DEVICE, kinds[n], _uuid(n), "delete", json.dumps({"deleted_at": [None, at]})))
        conn.executemany(
            "INSERT INTO audit_log (at, operator, device_id, table_name, record_uuid, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            audit,
        )
        if version >= 2:
            newest = max(a[0] for a in audit)
            exported = _stamp(60 + len(V1_RECORDS))
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("sync_version", str(changes_made)), ("hlc", newest), ("confirmed_seq", "1")],
            )
            conn.execute(
                "INSERT INTO export_log (seq, bundle_id, created_at, since_seq, max_version, records, file_name)"
                " VALUES (1, ?, ?, 0, ?, ?, ?)",
                ("5b1c0e0a-0000-4000-8000-000000000001", exported, changes_made, len(V1_RECORDS),
                 f"fazhi-up-{TOWNSHIP}-{DEVICE[:8]}-000001.fzb"),
            )
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def build_v5(path: Path) -> None:
    """A township's database as version 5 left it (migrations 1-5): version 4's records; the
    record kinds of issue 15 have their tables, empty. Evidence files (migration 6) have no
    table yet."""
    _build_township(path, 5)


def build_v6(path: Path) -> None:
    """A township's database as version 6 left it (migrations 1-6): version 5's records; the
    attachment table is there, empty, and the audit log still has its index by record
    (dropped by migration 7)."""
    _build_township(path, 6)


# version → builder of a database of that version; every version before the latest
BUILDERS: dict[int, Callable[[Path], None]] = {1: build_v1, 2: build_v2, 3: build_v3, 4: build_v4, 5: build_v5, 6: build_v6}


def fixture_path(version: int) -> Path:
    return FIXTURES / f"fazhi-v{version}.db"


def main(argv: list[str] | None = None) -> int:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for version, build in sorted(BUILDERS.items()):
        path = fixture_path(version)
        build(path)
        print(f"{path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
