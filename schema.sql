-- fazhi-tui database schema: the single source of truth.
--
-- The file is a list of numbered migrations. Each begins with a marker line
--   -- migration N: what it does
-- and runs once, in order, inside one transaction, after which PRAGMA user_version = N.
-- Never edit a migration that has shipped: append a new one. The database file is
-- backed up before any migration runs on a file that already holds data.
--
-- Every record a township syncs carries:
--   uuid        stable identity across devices and bundles
--   township    9-digit statistical division code of the owning township
--   created_at  ISO-8601 UTC time of creation
--   updated_at  ISO-8601 UTC time of the last change
--   device_id   id of the device that wrote the last change
--   rev         count of changes to this row (1 on insert), for sync ordering
--   deleted_at  tombstone: NULL while the record is live; records are never hard-deleted
-- Choice columns hold language-neutral codes (see fazhi_tui/domain/kinds.py); the
-- interface shows them in Chinese or English.
--
-- == Tables: their shape after every migration below has run ==========================
-- (tests/test_schema.py builds a database from the migrations and checks it has exactly
-- these tables with exactly these columns, in this order: change both together.)
--
-- meta            key, value
-- audit_log       id, at, operator, device_id, table_name, record_uuid, action, changes
-- meeting         uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 kind, date, title, chair, attendees, minutes_no, head_attendance,
--                 head_absence_reason, notes, sync_version, sync_stamp, principal_speaker
-- staff           uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 name, post, background, education, start_date, active, rule_of_law,
--                 enforcement, cert_no, cert_issued, cert_expiry, notes, sync_version,
--                 sync_stamp, end_date, leader
-- delegated_item  uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 code, name, power_type, legal_basis, department, mode, delegated_on,
--                 status, status_reason, staff, notes, sync_version, sync_stamp
-- training        uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 date, title, department, form, hours, items, staff, notes,
--                 sync_version, sync_stamp
-- hearing         uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 staff_uuid, date, mode, court, case_name, notes, sync_version, sync_stamp
-- service_item    uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 name, guide_published, handled_locally, procedure_done, notes,
--                 sync_version, sync_stamp, year
-- annual_report   uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 year, sent_on, published_on, published_where, notes, sync_version,
--                 sync_stamp
-- enforcement_decision  uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 case_no, date, title, reviewed, review_date, reviewer, published,
--                 published_on, published_where, notes, sync_version, sync_stamp
-- supervision_check  uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 date, title, inspector, findings, rectified, notes, sync_version,
--                 sync_stamp
-- complaint       uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 received_on, channel, subject, closed_on, outcome, notes,
--                 sync_version, sync_stamp
-- lawsuit         uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 case_no, cause, court, hearing_date, head_appeared, appeared_who,
--                 outcome, notes, sync_version, sync_stamp
-- recommendation  uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 received_on, source, organ, doc_no, subject, replied_on, notes,
--                 sync_version, sync_stamp
-- oath            uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 staff_uuid, date, occasion, notes, sync_version, sync_stamp
-- law_report      uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 staff_uuid, date, form, title, notes, sync_version, sync_stamp
-- exam_result     uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 staff_uuid, date, title, score, passed, notes, sync_version,
--                 sync_stamp
-- law_list        uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 issued_on, title, laws, notes, sync_version, sync_stamp
-- training_plan   uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 issued_on, department, title, items, notes, sync_version, sync_stamp
-- law_office      uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 name, set_up_on, document_no, head, current, notes, sync_version,
--                 sync_stamp
-- export_log      seq, bundle_id, created_at, since_seq, max_version, records, file_name
-- hub_member      code, name, generation, secret, enrolled_at
-- hub_device      member, device_id, public_key, generation, first_seen
-- hub_bundle      bundle_id, file_sha256, member, device_id, seq, since_seq, created_at,
--                 imported_at, archive, summary
-- sync_conflict   id, at, member, table_name, record_uuid, winner_device, loser_device,
--                 winner, loser, bundle_id
-- hub_catalog     code, name, power_type, legal_basis, department, mode, townships,
--                 updated_at
-- hub_publish     member, seq, created_at
-- hub_office      code, name, last_import
-- attachment      uuid, township, created_at, updated_at, device_id, rev, deleted_at,
--                 record_kind, record_uuid, sha256, size, type, name, caption,
--                 sync_version, sync_stamp
--
-- The record tables are meeting, staff, delegated_item, training, hearing, service_item,
-- annual_report and, since migration 5, enforcement_decision, supervision_check, complaint,
-- lawsuit, recommendation, oath, law_report, exam_result, law_list, training_plan and
-- law_office; export_log is a township's, the hub_* tables and sync_conflict a
-- hub's (a county hub that sends up to a city uses both). The migrations say what each
-- column holds.
--
-- == Keys of the meta table (named in fazhi_tui/storage/meta.py) =======================
--
-- device_id          this database's device id (32 hex digits), made on first open; a
--                    restored backup forgets it and goes on as a new device
-- hlc                the newest write stamp this database has seen (its hybrid logical
--                    clock): no write is stamped earlier, even if the PC's clock is
-- sync_version       the change counter: the number of the last write (every record
--                    row keeps the number of its own last write in sync_version)
-- confirmed_seq      township: the newest of its up-bundles the hub confirmed holding;
--                    the next up-bundle carries what changed since (forgotten on restore)
-- down_seq           township: the number of the last down-bundle imported (forgotten on
--                    restore)
-- catalog_codes      township: JSON list of the item codes of the last catalog the
--                    county sent down
-- catalog_withdrawn  township: JSON list of the codes this office marked withdrawn
--                    because the county's catalog stopped listing them
-- hub_clock          hub: the newest time the hub itself used for an import or a
--                    publish (its own hybrid logical clock): moved by the hub PC's clock
--                    only, never by a time stamp a member sent
-- hub_files          township: JSON list of the SHA-256 of the evidence files the hub
--                    said it holds in its last down-bundle (up-bundles carry the others)
-- == end ================================================================================

-- migration 1: records, links, audit log and metadata
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    record_uuid TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'restore')),
    changes     TEXT NOT NULL          -- JSON: {"field": [old, new], ...}
);
CREATE INDEX audit_log_record ON audit_log (record_uuid, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- 会议: 专题研究部署 / 行政会议 / 会前学法 / 法治讲座 / 法治论坛研讨 / 其他 (T40, T46, T49)
CREATE TABLE meeting (
    uuid                TEXT PRIMARY KEY,
    township            TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    rev                 INTEGER NOT NULL DEFAULT 1,
    deleted_at          TEXT,
    kind                TEXT NOT NULL CHECK (kind IN ('deploy', 'admin', 'study', 'lecture', 'forum', 'other')),
    date                TEXT NOT NULL,   -- YYYY-MM-DD
    title               TEXT NOT NULL,
    chair               TEXT NOT NULL DEFAULT '',
    attendees           TEXT NOT NULL DEFAULT '',
    minutes_no          TEXT NOT NULL DEFAULT '',   -- 纪要文号
    head_attendance     TEXT CHECK (head_attendance IN ('full', 'partial', 'absent')),  -- 司法所所长列席 (行政会议)
    head_absence_reason TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_list ON meeting (deleted_at, date DESC);

-- 人员: background, education, post, certificate (T43, T29, T46)
CREATE TABLE staff (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    name            TEXT NOT NULL,
    post            TEXT NOT NULL DEFAULT '',
    background      TEXT NOT NULL CHECK (background IN ('law_degree', 'law_work', 'other')),
    education       TEXT NOT NULL DEFAULT '',
    start_date      TEXT,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    rule_of_law     INTEGER NOT NULL DEFAULT 1 CHECK (rule_of_law IN (0, 1)),   -- 从事法治工作 (T43)
    enforcement     INTEGER NOT NULL DEFAULT 0 CHECK (enforcement IN (0, 1)),   -- 行政执法人员 (T29)
    cert_no         TEXT NOT NULL DEFAULT '',
    cert_issued     TEXT,
    cert_expiry     TEXT,
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_list ON staff (deleted_at, name);
-- a certificate number belongs to one live person
CREATE UNIQUE INDEX staff_cert_no ON staff (township, cert_no) WHERE cert_no <> '' AND deleted_at IS NULL;

-- 下放执法事项 (T41)
CREATE TABLE delegated_item (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    power_type      TEXT NOT NULL CHECK (power_type IN ('penalty', 'coercion', 'inspection', 'other')),
    legal_basis     TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL DEFAULT '',    -- 原实施部门
    mode            TEXT NOT NULL CHECK (mode IN ('empower', 'entrust')),
    delegated_on    TEXT,
    status          TEXT NOT NULL CHECK (status IN ('taking', 'taken', 'deferred', 'withdrawn')),
    status_reason   TEXT NOT NULL DEFAULT '',
    staff           TEXT NOT NULL DEFAULT '[]',  -- JSON array of staff uuids assigned
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delegated_item_list ON delegated_item (deleted_at, code);
CREATE UNIQUE INDEX delegated_item_code ON delegated_item (township, code) WHERE deleted_at IS NULL;

-- 培训指导 (T42)
CREATE TABLE training (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    date            TEXT NOT NULL,
    title           TEXT NOT NULL,
    department      TEXT NOT NULL DEFAULT '',
    form            TEXT NOT NULL CHECK (form IN ('central', 'onsite', 'joint', 'online')),
    hours           REAL NOT NULL DEFAULT 0 CHECK (hours >= 0),
    items           TEXT NOT NULL DEFAULT '[]',  -- JSON array of delegated_item uuids covered
    staff           TEXT NOT NULL DEFAULT '[]',  -- JSON array of staff uuids who attended
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_list ON training (deleted_at, date DESC);

-- 旁听庭审, one row per person per hearing (T46)
CREATE TABLE hearing (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    staff_uuid      TEXT NOT NULL REFERENCES staff (uuid),
    date            TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('online', 'onsite')),
    court           TEXT NOT NULL DEFAULT '',
    case_name       TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hearing_list ON hearing (deleted_at, date DESC);
CREATE INDEX hearing_staff ON hearing (staff_uuid);

-- 政务服务事项 (T44)
CREATE TABLE service_item (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    name            TEXT NOT NULL,
    guide_published INTEGER NOT NULL DEFAULT 0 CHECK (guide_published IN (0, 1)),
    handled_locally INTEGER NOT NULL DEFAULT 0 CHECK (handled_locally IN (0, 1)),
    procedure_done  INTEGER NOT NULL DEFAULT 0 CHECK (procedure_done IN (0, 1)),   -- 工作规程
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_item_list ON service_item (deleted_at, name);

-- 法治政府建设年度报告 (T7)
CREATE TABLE annual_report (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    year            INTEGER NOT NULL,
    sent_on         TEXT,            -- 报送上级日期 (T7: before 20 Feb of the next year)
    published_on    TEXT,            -- 向社会公开日期 (T7: before 1 Apr of the next year)
    published_where TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX annual_report_list ON annual_report (deleted_at, year DESC);
CREATE UNIQUE INDEX annual_report_year ON annual_report (township, year) WHERE deleted_at IS NULL;

-- migration 2: USB sync: change counters, hub-side stamps, export log and the hub's tables
-- sync_version: the device's change counter at the record's last local write; an
--   up-bundle carries the records changed since the last bundle the county confirmed.
-- sync_stamp: at a hub, the write time used to order versions (the device's stamp,
--   never later than the hub's own clock at import); on a township it equals updated_at.
ALTER TABLE meeting ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meeting ADD COLUMN sync_stamp TEXT;
ALTER TABLE staff ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN sync_stamp TEXT;
ALTER TABLE delegated_item ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE delegated_item ADD COLUMN sync_stamp TEXT;
ALTER TABLE training ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE training ADD COLUMN sync_stamp TEXT;
ALTER TABLE hearing ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hearing ADD COLUMN sync_stamp TEXT;
ALTER TABLE service_item ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_item ADD COLUMN sync_stamp TEXT;
ALTER TABLE annual_report ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE annual_report ADD COLUMN sync_stamp TEXT;
CREATE INDEX meeting_sync ON meeting (sync_version);
CREATE INDEX staff_sync ON staff (sync_version);
CREATE INDEX delegated_item_sync ON delegated_item (sync_version);
CREATE INDEX training_sync ON training (sync_version);
CREATE INDEX hearing_sync ON hearing (sync_version);
CREATE INDEX service_item_sync ON service_item (sync_version);
CREATE INDEX annual_report_sync ON annual_report (sync_version);
-- a hub holds many townships: lists and look-ups by township
CREATE INDEX meeting_township ON meeting (township, deleted_at);
CREATE INDEX staff_township ON staff (township, deleted_at);
CREATE INDEX delegated_item_township ON delegated_item (township, deleted_at);
CREATE INDEX training_township ON training (township, deleted_at);
CREATE INDEX hearing_township ON hearing (township, deleted_at);
CREATE INDEX service_item_township ON service_item (township, deleted_at);
CREATE INDEX annual_report_township ON annual_report (township, deleted_at);

-- township side: every up-bundle written by this device
CREATE TABLE export_log (
    seq         INTEGER PRIMARY KEY,      -- this device's bundle number, 1, 2, 3, ...
    bundle_id   TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    since_seq   INTEGER NOT NULL,         -- 0: a full copy; n: changes after confirmed bundle n
    max_version INTEGER NOT NULL,         -- highest sync_version the bundle carries
    records     INTEGER NOT NULL,
    file_name   TEXT NOT NULL
);

-- hub side: the offices it has enrolled (townships, or counties at a city hub)
CREATE TABLE hub_member (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    generation  INTEGER NOT NULL,         -- bumped by every re-enrolment
    secret      TEXT NOT NULL,            -- base64 one-time enrolment secret of this generation
    enrolled_at TEXT NOT NULL
);

-- hub side: device keys bound to an enrolment by their first bundle
CREATE TABLE hub_device (
    member      TEXT NOT NULL REFERENCES hub_member (code),
    device_id   TEXT NOT NULL,
    public_key  TEXT NOT NULL,            -- base64 Ed25519
    generation  INTEGER NOT NULL,
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (member, device_id)
);

-- hub side: every bundle imported (the file itself is kept in the archive folder)
CREATE TABLE hub_bundle (
    bundle_id   TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL UNIQUE,
    member      TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    since_seq   INTEGER NOT NULL,
    created_at  TEXT NOT NULL,            -- as the device's clock said
    imported_at TEXT NOT NULL,            -- the hub's clock
    archive     TEXT NOT NULL,            -- file name in the archive folder
    summary     TEXT NOT NULL             -- JSON: per kind added/changed/deleted/unchanged/conflicts
);
CREATE UNIQUE INDEX hub_bundle_seq ON hub_bundle (member, device_id, seq);

-- hub side: two devices of one office changed the same record; the losing version is kept here
CREATE TABLE sync_conflict (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    member        TEXT NOT NULL,
    table_name    TEXT NOT NULL,
    record_uuid   TEXT NOT NULL,
    winner_device TEXT NOT NULL,
    loser_device  TEXT NOT NULL,
    winner        TEXT NOT NULL,          -- JSON of the version kept
    loser         TEXT NOT NULL,          -- JSON of the version set aside
    bundle_id     TEXT NOT NULL
);
CREATE INDEX sync_conflict_member ON sync_conflict (member, id);

-- hub side: the delegated-items catalog the county decides for its townships (T41);
-- published to each township in its down-bundle
CREATE TABLE hub_catalog (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    power_type   TEXT NOT NULL CHECK (power_type IN ('penalty', 'coercion', 'inspection', 'other')),
    legal_basis  TEXT NOT NULL DEFAULT '',
    department   TEXT NOT NULL DEFAULT '',
    mode         TEXT NOT NULL CHECK (mode IN ('empower', 'entrust')),
    townships    TEXT NOT NULL,          -- JSON array of township codes, or ["*"] for all
    updated_at   TEXT NOT NULL
);

-- hub side: how many down-bundles each member has been sent
CREATE TABLE hub_publish (
    member      TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

-- hub side: every office the hub knows by name (its members, and at a city hub the
-- townships under its counties), with when a bundle last brought its records
CREATE TABLE hub_office (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    last_import TEXT
);

-- migration 3: indexes a hub of many townships needs (found by bench/scale.py)
-- the newest import (each import is stamped after it) and the import history, newest first
CREATE INDEX hub_bundle_imported ON hub_bundle (imported_at);
-- a checklist reads one township's meetings, trainings and hearings of one year (or a
-- rolling window): (township, deleted_at, date) seeks straight to them, in a hub of any
-- size; it serves every look-up the (township, deleted_at) index served, which it replaces
DROP INDEX meeting_township;
CREATE INDEX meeting_township_date ON meeting (township, deleted_at, date);
DROP INDEX training_township;
CREATE INDEX training_township_date ON training (township, deleted_at, date);
DROP INDEX hearing_township;
CREATE INDEX hearing_township_date ON hearing (township, deleted_at, date);

-- migration 4: staff tenure and the year of a service item (checklist truth)
-- the last day in post of one who left: an old "not active" record has none (the day is
-- unknown: the person counts in no period until the form has it, as before); an active one
-- has none because they are still in post
ALTER TABLE staff ADD COLUMN end_date TEXT;
-- the year a service item was first listed: the county sees the share handled at the township
-- year by year; an item with no year counts in every year
ALTER TABLE service_item ADD COLUMN year INTEGER;

-- migration 5: the rest of a township's ledger (issue 15): enforcement decisions and their
-- legal review, supervision checks, complaints, lawsuits, court and procuratorate
-- recommendations, oaths, leaders' reports on the rule of law, law exams, the list of laws
-- to know, county training plans and the township's rule-of-law office
-- the principal leader gave the law talk of a meeting himself (T46)
ALTER TABLE meeting ADD COLUMN principal_speaker INTEGER NOT NULL DEFAULT 0 CHECK (principal_speaker IN (0, 1));
-- a leading official (领导干部), who reports on the rule of law each year (T47)
ALTER TABLE staff ADD COLUMN leader INTEGER NOT NULL DEFAULT 0 CHECK (leader IN (0, 1));

-- 重大执法决定 and its legal review (法制审核) and publication (公示) (T26)
CREATE TABLE enforcement_decision (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    case_no         TEXT NOT NULL,
    date            TEXT NOT NULL,
    title           TEXT NOT NULL,
    reviewed        INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
    review_date     TEXT,
    reviewer        TEXT NOT NULL DEFAULT '',
    published       INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    published_on    TEXT,
    published_where TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX enforcement_decision_list ON enforcement_decision (deleted_at, date DESC);
CREATE INDEX enforcement_decision_sync ON enforcement_decision (sync_version);
CREATE INDEX enforcement_decision_township_date ON enforcement_decision (township, deleted_at, date);

-- 执法监督检查 (T30)
CREATE TABLE supervision_check (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    date            TEXT NOT NULL,
    title           TEXT NOT NULL,
    inspector       TEXT NOT NULL DEFAULT '',
    findings        TEXT NOT NULL DEFAULT '',
    rectified       INTEGER NOT NULL DEFAULT 0 CHECK (rectified IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX supervision_check_list ON supervision_check (deleted_at, date DESC);
CREATE INDEX supervision_check_sync ON supervision_check (sync_version);
CREATE INDEX supervision_check_township_date ON supervision_check (township, deleted_at, date);

-- 行政执法投诉举报: received and closed (T30)
CREATE TABLE complaint (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    received_on     TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('phone', 'letter', 'online', 'visit', 'other')),
    subject         TEXT NOT NULL,
    closed_on       TEXT,
    outcome         TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX complaint_list ON complaint (deleted_at, received_on DESC);
CREATE INDEX complaint_sync ON complaint (sync_version);
CREATE INDEX complaint_township_date ON complaint (township, deleted_at, received_on);

-- 行政诉讼案件 with the township as defendant; 负责人出庭应诉 (T37)
CREATE TABLE lawsuit (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    case_no         TEXT NOT NULL,
    cause           TEXT NOT NULL,
    court           TEXT NOT NULL DEFAULT '',
    hearing_date    TEXT,
    head_appeared   INTEGER NOT NULL DEFAULT 0 CHECK (head_appeared IN (0, 1)),
    appeared_who    TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL CHECK (outcome IN ('pending', 'upheld', 'lost', 'withdrawn', 'mediated')),
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX lawsuit_list ON lawsuit (deleted_at, hearing_date DESC);
CREATE INDEX lawsuit_sync ON lawsuit (sync_version);
CREATE INDEX lawsuit_township_date ON lawsuit (township, deleted_at, hearing_date);

-- 司法建议、检察建议 received and replied to (T39)
CREATE TABLE recommendation (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    received_on     TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('court', 'procuratorate')),
    organ           TEXT NOT NULL DEFAULT '',
    doc_no          TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    replied_on      TEXT,
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX recommendation_list ON recommendation (deleted_at, received_on DESC);
CREATE INDEX recommendation_sync ON recommendation (sync_version);
CREATE INDEX recommendation_township_date ON recommendation (township, deleted_at, received_on);

-- 宪法宣誓, one row per person sworn in (T45)
CREATE TABLE oath (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    staff_uuid      TEXT NOT NULL REFERENCES staff (uuid),
    date            TEXT NOT NULL,
    occasion        TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX oath_list ON oath (deleted_at, date DESC);
CREATE INDEX oath_sync ON oath (sync_version);
CREATE INDEX oath_township_date ON oath (township, deleted_at, date);
CREATE INDEX oath_staff ON oath (staff_uuid);

-- 述法, one row per leader per report (T47)
CREATE TABLE law_report (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    staff_uuid      TEXT NOT NULL REFERENCES staff (uuid),
    date            TEXT NOT NULL,
    form            TEXT NOT NULL CHECK (form IN ('meeting', 'written', 'assessment')),
    title           TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX law_report_list ON law_report (deleted_at, date DESC);
CREATE INDEX law_report_sync ON law_report (sync_version);
CREATE INDEX law_report_township_date ON law_report (township, deleted_at, date);
CREATE INDEX law_report_staff ON law_report (staff_uuid);

-- 学法用法考试, one row per person per exam (T49)
CREATE TABLE exam_result (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    staff_uuid      TEXT NOT NULL REFERENCES staff (uuid),
    date            TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    score           REAL CHECK (score >= 0),
    passed          INTEGER NOT NULL DEFAULT 1 CHECK (passed IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX exam_result_list ON exam_result (deleted_at, date DESC);
CREATE INDEX exam_result_sync ON exam_result (sync_version);
CREATE INDEX exam_result_township_date ON exam_result (township, deleted_at, date);
CREATE INDEX exam_result_staff ON exam_result (staff_uuid);

-- 应知应会法律法规清单 (T49)
CREATE TABLE law_list (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    issued_on       TEXT NOT NULL,
    title           TEXT NOT NULL,
    laws            TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX law_list_list ON law_list (deleted_at, issued_on DESC);
CREATE INDEX law_list_sync ON law_list (sync_version);
CREATE INDEX law_list_township_date ON law_list (township, deleted_at, issued_on);

-- 县直部门针对放权事项的培训计划 (T42)
CREATE TABLE training_plan (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    issued_on       TEXT NOT NULL,
    department      TEXT NOT NULL,
    title           TEXT NOT NULL,
    items           TEXT NOT NULL DEFAULT '[]',
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX training_plan_list ON training_plan (deleted_at, issued_on DESC);
CREATE INDEX training_plan_sync ON training_plan (sync_version);
CREATE INDEX training_plan_township_date ON training_plan (township, deleted_at, issued_on);

-- 乡镇法治建设工作机构: the township's profile, travels to the county (T43)
CREATE TABLE law_office (
    uuid            TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1,
    deleted_at      TEXT,
    name            TEXT NOT NULL,
    set_up_on       TEXT NOT NULL,
    document_no     TEXT NOT NULL DEFAULT '',
    head            TEXT NOT NULL DEFAULT '',
    current         INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    sync_version    INTEGER NOT NULL DEFAULT 0,
    sync_stamp      TEXT
);
CREATE INDEX law_office_list ON law_office (deleted_at, set_up_on DESC);
CREATE INDEX law_office_sync ON law_office (sync_version);
CREATE INDEX law_office_township_date ON law_office (township, deleted_at, set_up_on);

-- migration 6: evidence files attached to records (scans, photos)
-- One row per file attached to one record (a township's and, at the hub, its members'):
-- the record it belongs to (its kind's table and uuid), the file's SHA-256 (the file
-- itself lies in the home's files/ab/abcdef….bin, kept once however often it is
-- attached), its size in bytes, its type judged by content (pdf, jpeg, png, docx, xlsx,
-- ole; see base/filetypes.py), the name it had and a caption. Detaching is a tombstone;
-- the sync columns are a record's: a changed row travels in the next up-bundle, and the
-- bundle carries the files the county does not hold yet.
CREATE TABLE attachment (
    uuid         TEXT PRIMARY KEY,
    township     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    rev          INTEGER NOT NULL DEFAULT 1,
    deleted_at   TEXT,
    record_kind  TEXT NOT NULL,
    record_uuid  TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    size         INTEGER NOT NULL CHECK (size >= 0),
    type         TEXT NOT NULL,
    name         TEXT NOT NULL,
    caption      TEXT NOT NULL DEFAULT '',
    sync_version INTEGER NOT NULL DEFAULT 0,
    sync_stamp   TEXT
);
CREATE INDEX attachment_record ON attachment (record_uuid, deleted_at);
CREATE INDEX attachment_sync ON attachment (sync_version);

-- migration 7: the audit log's index by record goes (issue 20, found by bench/scale.py)
-- No screen, command or report reads the audit log by record: the imports, the reports
-- and "what changed" read it by time (audit_log_at), and Store.audit_trail reads one
-- record's rows without it (a scan: a township's log is small). At a hub the index cost
-- every import one entry per record at a random place of one index spanning every
-- township, a page of it written for nearly each record: about half of the commit's
-- work once the hub had grown past its page cache, and most of the import's slowing.
DROP INDEX audit_log_record;
