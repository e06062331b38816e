import GRDB

/// The database schema as a list of frozen migrations.
///
/// A migration that has been committed is never edited: change the schema by appending a new one. Migration `v1`
/// is pinned by a test against `Tests/QFlowStoreTests/Fixtures/schema-v1.sql`.
enum Schema {
    /// Identifies QualityFlow files (`PRAGMA application_id`): "QFlw".
    static let applicationID: Int32 = 0x5146_6C77

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2-reporting-indexes", migrate: v2)
        migrator.registerMigration("v3-cohorts", migrate: v3)
        migrator.registerMigration("v4-run-outcome-counts", migrate: v4)
        migrator.registerMigration("v5-item-indexes", migrate: v5)
        migrator.registerMigration("v6-run-skips-returns-deadlines", migrate: v6)
        migrator.registerMigration("v7-one-item-index", migrate: v7)
        migrator.registerMigration("v8-users-sessions", migrate: v8)
        migrator.registerMigration("v9-accounts", migrate: v9)
        migrator.registerMigration("v10-site-intake", migrate: v10)
        migrator.registerMigration("v11-queues-escalations", migrate: v11)
        migrator.registerMigration("v12-archive-numbers", migrate: v12)
        return migrator
    }

    /// Tables: registries (protocol versions, subjects), the event log, and the projections derived from it.
    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                PRAGMA application_id = \(applicationID);

                -- A published protocol version: immutable once published; `definition` is its canonical JSON.
                CREATE TABLE protocol_version (
                    protocol_id  TEXT NOT NULL,
                    version      INTEGER NOT NULL,
                    kind         TEXT NOT NULL,
                    subject_kind TEXT NOT NULL,
                    title_zh     TEXT NOT NULL,
                    title_en     TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    definition   TEXT NOT NULL,
                    source_file  TEXT,
                    published_at TEXT NOT NULL,
                    PRIMARY KEY (protocol_id, version)
                );

                -- What runs are about: a surgical case, a linen batch, an audit, a survey respondent.
                -- `patient_ref` is a pseudonymous id; `facts` holds subject fields as a JSON object of text values.
                CREATE TABLE subject (
                    id              TEXT PRIMARY KEY,
                    kind            TEXT NOT NULL,
                    label           TEXT,
                    patient_ref     TEXT,
                    room            TEXT,
                    ward            TEXT,
                    procedure       TEXT,
                    scheduled_start TEXT,
                    facts           TEXT NOT NULL DEFAULT '{}',
                    created_at      TEXT NOT NULL
                );

                -- The source of truth: append-only, one row per engine event. `hash` covers the previous event's hash
                -- and this event's id, run, sequence number and payload (the event's canonical JSON).
                CREATE TABLE event (
                    id          INTEGER PRIMARY KEY,
                    run_id      TEXT NOT NULL,
                    seq         INTEGER NOT NULL,
                    kind        TEXT NOT NULL,
                    at          TEXT NOT NULL,
                    actor       TEXT NOT NULL,
                    role        TEXT NOT NULL,
                    workstation TEXT,
                    payload     TEXT NOT NULL,
                    hash        TEXT NOT NULL,
                    UNIQUE (run_id, seq)
                );

                -- Projections: derived from `event` in the same transaction; `qflow rebuild` recreates them.
                CREATE TABLE run (
                    id               TEXT PRIMARY KEY,
                    protocol_id      TEXT NOT NULL,
                    version          INTEGER NOT NULL,
                    spec_hash        TEXT NOT NULL,
                    subject_id       TEXT NOT NULL,
                    status           TEXT NOT NULL,
                    attempt          INTEGER NOT NULL,
                    previous_run     TEXT,
                    next_run         TEXT,
                    triggered_by_run TEXT,
                    trigger_id       TEXT,
                    current_phase    TEXT,
                    open_required    INTEGER NOT NULL,
                    critical_failures INTEGER NOT NULL,
                    started_at       TEXT NOT NULL,
                    ended_at         TEXT,
                    last_seq         INTEGER NOT NULL,
                    last_at          TEXT NOT NULL
                );
                CREATE INDEX run_by_subject ON run (subject_id);
                CREATE INDEX run_by_protocol ON run (protocol_id, status);

                -- Current answers: one row per item that has been answered, marked n.a., skipped or signed.
                CREATE TABLE answer (
                    run_id      TEXT NOT NULL,
                    item        TEXT NOT NULL,
                    phase       TEXT NOT NULL,
                    status      TEXT NOT NULL,
                    value       TEXT,
                    number      REAL,
                    outcome     TEXT,
                    why         TEXT,
                    critical    INTEGER NOT NULL,
                    revisions   INTEGER NOT NULL,
                    answered_at TEXT,
                    actor       TEXT,
                    role        TEXT,
                    PRIMARY KEY (run_id, item)
                );

                -- Pending deadlines of open, required items in open runs; overdue = due_at before now.
                CREATE TABLE deadline (
                    run_id      TEXT NOT NULL,
                    item        TEXT NOT NULL,
                    due_at      TEXT NOT NULL,
                    escalate_to TEXT,
                    PRIMARY KEY (run_id, item)
                );
                CREATE INDEX deadline_by_due ON deadline (due_at);

                -- Survey answers: the answers of runs of survey protocols, with the respondent (the subject).
                CREATE VIEW survey_answer AS
                    SELECT r.subject_id AS respondent, r.protocol_id, r.version, r.id AS run_id, r.status AS run_status,
                           a.item, a.status, a.value, a.number, a.outcome, a.answered_at
                    FROM answer a
                    JOIN run r ON r.id = a.run_id
                    JOIN protocol_version p ON p.protocol_id = r.protocol_id AND p.version = r.version
                    WHERE p.kind = 'survey';
                """)
    }

    /// Indexes for the measures and reports (compliance per item and month, cohorts by date and room).
    private static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX answer_by_item ON answer (item, outcome);
                CREATE INDEX subject_by_start ON subject (scheduled_start);
                CREATE INDEX subject_by_room ON subject (room, scheduled_start);
                """)
    }

    /// Named cohorts: saved filters over subjects, as JSON (see `Cohort`).
    private static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cohort (
                    name       TEXT PRIMARY KEY,
                    definition TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
    }

    /// Per-run counts of passed, failed and n.a. answers, so that compliance by protocol, room and month reads runs,
    /// not every answer; and a covering index that walks a run's answers without touching the table.
    private static func v4(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE run ADD COLUMN passed INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN not_applicable INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX answer_by_run ON answer (run_id, item, phase, outcome, status, role);
                UPDATE run SET
                    passed = (SELECT count(*) FROM answer a WHERE a.run_id = run.id AND a.outcome = 'pass'),
                    failed = (SELECT count(*) FROM answer a WHERE a.run_id = run.id AND a.outcome = 'fail'),
                    not_applicable = (SELECT count(*) FROM answer a WHERE a.run_id = run.id
                        AND a.status = 'not_applicable');
                """)
    }

    /// Covering indexes for measures by item: one to find an item's answers with their runs, one to group every
    /// answer by item, phase and role in index order (no sort). They replace v2's narrower `answer_by_item`.
    private static func v5(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX answer_by_item;
                CREATE INDEX answer_by_item_run ON answer (item, outcome, run_id, number);
                CREATE INDEX answer_by_item_phase ON answer (item, phase, role, outcome, status);
                """)
    }

    /// Per-run counts of skipped items, items reopened by a return, and deadline items answered on time or late.
    /// They are derived by the engine, not by SQL: `Store.open` rebuilds the projections once after this migration.
    private static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE run ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN on_time INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
                """)
    }

    /// Fewer indexes on `answer` (each one is written on every answer): one covering index by item serves both the
    /// item measures and compliance by item, phase and role; run-to-answer walks use the primary key.
    private static func v7(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX answer_by_run;
                DROP INDEX answer_by_item_run;
                DROP INDEX answer_by_item_phase;
                CREATE INDEX answer_by_item ON answer (item, phase, role, outcome, status, run_id, number);
                """)
    }

    /// Workstation users (with a slow password hash and a lock-out counter) and their sessions (only the SHA-256 of
    /// a session token is stored).
    private static func v8(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE user (
                    id            TEXT PRIMARY KEY,
                    name          TEXT NOT NULL,
                    roles         TEXT NOT NULL,
                    password      TEXT NOT NULL,
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until  TEXT,
                    active        INTEGER NOT NULL DEFAULT 1,
                    created_at    TEXT NOT NULL
                );
                CREATE TABLE session (
                    token_hash  TEXT PRIMARY KEY,
                    user_id     TEXT NOT NULL,
                    role        TEXT NOT NULL,
                    workstation TEXT,
                    csrf        TEXT NOT NULL,
                    created_at  TEXT NOT NULL,
                    expires_at  TEXT NOT NULL
                );
                CREATE INDEX session_by_user ON session (user_id);
                """)
    }

    /// Accounts as a hospital runs them: a respondent bound to their subject, sessions with an idle clock, the
    /// store's own settings (a test database may hash passwords cheaply), and an audit of sign-ins and of every
    /// change to an account.
    private static func v9(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE user ADD COLUMN subject_id TEXT;
                ALTER TABLE session ADD COLUMN last_seen_at TEXT;
                UPDATE session SET last_seen_at = created_at;
                CREATE INDEX session_by_workstation ON session (workstation) WHERE workstation IS NOT NULL;
                CREATE TABLE setting (
                    key   TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE account_event (
                    id      INTEGER PRIMARY KEY,
                    at      TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    action  TEXT NOT NULL,
                    by_user TEXT,
                    client  TEXT
                );
                CREATE INDEX account_event_by_user ON account_event (user_id, at);
                """)
    }

    /// The site file's published versions (like protocol versions: immutable, versions only go up), an append-only
    /// log of subjects added and updated by intake (who, when, and the content hash of the subject before and
    /// after: no subject data is copied), and an index for lists of subjects of a kind by scheduled start.
    private static func v10(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE site_version (
                    version        INTEGER PRIMARY KEY,
                    site_id        TEXT NOT NULL,
                    content_hash   TEXT NOT NULL,
                    definition     TEXT NOT NULL,
                    source_file    TEXT,
                    published_at   TEXT NOT NULL,
                    published_by   TEXT NOT NULL,
                    published_role TEXT NOT NULL
                );
                CREATE TABLE subject_event (
                    seq         INTEGER PRIMARY KEY,
                    subject_id  TEXT NOT NULL,
                    kind        TEXT NOT NULL CHECK (kind IN ('added', 'updated')),
                    at          TEXT NOT NULL,
                    actor       TEXT NOT NULL,
                    role        TEXT NOT NULL,
                    workstation TEXT,
                    hash_before TEXT,
                    hash_after  TEXT NOT NULL
                );
                CREATE INDEX subject_event_by_subject ON subject_event (subject_id, seq);
                CREATE TRIGGER subject_event_no_update BEFORE UPDATE ON subject_event
                    BEGIN SELECT RAISE(ABORT, 'subject_event is append-only'); END;
                CREATE TRIGGER subject_event_no_delete BEFORE DELETE ON subject_event
                    BEGIN SELECT RAISE(ABORT, 'subject_event is append-only'); END;
                CREATE TRIGGER site_version_no_update BEFORE UPDATE ON site_version
                    BEGIN SELECT RAISE(ABORT, 'a published site version never changes'); END;
                CREATE INDEX subject_by_kind_start ON subject (kind, scheduled_start, id);
                """)
    }

    /// Work queues and escalation ladders (projections, rebuilt from the log): the queue and owner of each open
    /// run of a protocol with a queue; the escalation steps reached (one row per `escalated` event); and the steps
    /// not reached yet of open runs, by the moment they fall due (what `escalate` and `overdue --upcoming` read).
    private static func v11(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE run_queue (
                    run_id      TEXT PRIMARY KEY REFERENCES run (id),
                    queue_role  TEXT NOT NULL,
                    owner       TEXT,
                    owner_since TEXT,
                    waiting_since TEXT
                );
                CREATE INDEX run_queue_by_role ON run_queue (queue_role, owner);
                CREATE INDEX run_queue_by_owner ON run_queue (owner) WHERE owner IS NOT NULL;
                CREATE TABLE escalation (
                    run_id    TEXT NOT NULL REFERENCES run (id),
                    n         INTEGER NOT NULL,
                    item      TEXT NOT NULL,
                    step      TEXT NOT NULL,
                    to_roles  TEXT NOT NULL,
                    escalates INTEGER NOT NULL,
                    due_at    TEXT NOT NULL,
                    fired_at  TEXT NOT NULL,
                    owner     TEXT,
                    PRIMARY KEY (run_id, n)
                );
                CREATE INDEX escalation_by_time ON escalation (fired_at);
                CREATE TABLE pending_step (
                    run_id    TEXT NOT NULL REFERENCES run (id),
                    item      TEXT NOT NULL,
                    step      TEXT NOT NULL,
                    to_roles  TEXT NOT NULL,
                    escalates INTEGER NOT NULL,
                    due_at    TEXT NOT NULL,
                    PRIMARY KEY (run_id, item, step)
                );
                CREATE INDEX pending_step_by_due ON pending_step (due_at);
                """)
    }

    /// Archive numbers (档号) as a projection of the archive's events (`ArchiveRegister`): one row per number ever
    /// assigned, active or void. The events are the truth (`qflow rebuild` recreates this table from them); the
    /// unique keys repeat there what the log already guarantees: a number and a (series, item number) pair are
    /// never given twice, and a subject has at most one active number.
    private static func v12(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE archive_number (
                    number       TEXT PRIMARY KEY,
                    fonds        TEXT NOT NULL,
                    class        TEXT NOT NULL,
                    year         INTEGER NOT NULL,
                    retention    TEXT NOT NULL,
                    org          TEXT NOT NULL,
                    seq          INTEGER NOT NULL,
                    subject_id   TEXT NOT NULL,
                    run_id       TEXT,
                    event_id     INTEGER NOT NULL,
                    assigned_at  TEXT NOT NULL,
                    assigned_by  TEXT NOT NULL,
                    status       TEXT NOT NULL CHECK (status IN ('active', 'void')),
                    voided_at    TEXT,
                    voided_by    TEXT,
                    void_reason  TEXT,
                    UNIQUE (class, year, retention, org, seq)
                );
                CREATE UNIQUE INDEX archive_number_active_subject ON archive_number (subject_id) WHERE status =\
                 'active';
                CREATE INDEX archive_number_by_year ON archive_number (year, class, seq);
                """)
    }

    /// Migrations after which the projections must be rebuilt from the log.
    static let rebuildAfter: Set<String> = ["v6-run-skips-returns-deadlines", "v11-queues-escalations"]
}
