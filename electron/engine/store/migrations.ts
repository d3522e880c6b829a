/**
 * Schema history. Append only: a migration that shipped is never edited. PRAGMA user_version holds the
 * number of migrations applied.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the spine
  `
  -- One row per delivery that changed something (first firing, resolution); the dedupe key is
  -- sequential (incident_id), so recording a delivery touches one index page, not a random one.
  CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
    ends_at       TEXT,
    source        TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    UNIQUE (incident_id, status)
  );

  CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    alertname     TEXT NOT NULL,
    severity      TEXT NOT NULL,
    priority      INTEGER NOT NULL,
    namespace     TEXT,
    cluster       TEXT,
    target        TEXT NOT NULL,
    labels        TEXT NOT NULL,
    annotations   TEXT NOT NULL,
    generator_url TEXT NOT NULL,
    external_url  TEXT NOT NULL,
    receiver      TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('received','collecting','diagnosing','ready','failed','cancelled')),
    llm_pending   INTEGER NOT NULL DEFAULT 0,
    category      TEXT,
    confidence    INTEGER,
    source        TEXT,
    summary       TEXT,
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    received_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    acked_at      TEXT,
    acked_by      TEXT,
    resolved_at   TEXT,
    ends_at       TEXT,
    UNIQUE (fingerprint, starts_at)
  );
  CREATE INDEX incidents_queue ON incidents (state, priority, received_at);
  CREATE INDEX incidents_received ON incidents (received_at DESC);

  CREATE TABLE contexts (
    incident_id   INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    collected_at  TEXT NOT NULL
  );

  CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    source        TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX reports_incident ON reports (incident_id, id);

  CREATE TABLE timings (
    incident_id   INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    collect_ms    INTEGER,
    rules_ms      INTEGER,
    llm_ms        INTEGER,
    diagnose_ms   INTEGER,
    total_ms      INTEGER
  );

  CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    verdict       TEXT NOT NULL,
    note          TEXT,
    category      TEXT,
    by            TEXT,
    created_at    TEXT NOT NULL
  );

  -- Full-text search over history: alert identity, labels, annotations and the current diagnosis.
  CREATE VIRTUAL TABLE incidents_fts USING fts5 (
    alertname, target, labels, annotations, diagnosis,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  `,
  // 2: the Feishu outbox — one row per card per incident per group, sent by the pipeline thread
  `
  CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    route         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('new', 'updated', 'resolved')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    category      TEXT,
    body          TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT,
    last_error    TEXT,
    fix           TEXT,
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    UNIQUE (incident_id, route, kind)
  );
  CREATE INDEX deliveries_due ON deliveries (status, next_at);
  `,
  // 3: pull mode — which Alertmanager source lists which incident (so an alert that vanished while the
  // app was closed still resolves); and the silences made by acknowledging
  `
  CREATE TABLE source_alerts (
    source        TEXT NOT NULL,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (source, incident_id)
  ) WITHOUT ROWID;
  CREATE INDEX source_alerts_incident ON source_alerts (incident_id);

  CREATE TABLE silences (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    silence_id    TEXT NOT NULL,
    alertmanager  TEXT NOT NULL,
    source        TEXT,
    created_by    TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expired_at    TEXT
  );
  CREATE INDEX silences_incident ON silences (incident_id, id);
  `,
  // 4: remediation — proposed actions and their fate, the audit log of every step, and every policy
  // text that was ever in force (so an audit line's policy hash can be looked up)
  `
  CREATE TABLE actions (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    type          TEXT NOT NULL,
    namespace     TEXT NOT NULL,
    workload      TEXT NOT NULL,
    body          TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('rules', 'llm')),
    reason        TEXT NOT NULL,
    confidence    INTEGER NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('off', 'suggest', 'approve', 'auto')),
    state         TEXT NOT NULL CHECK (state IN ('suggested', 'pending', 'approved', 'running', 'done', 'failed', 'refused', 'rejected')),
    state_reason  TEXT,
    decided_by    TEXT,
    decided_at    TEXT,
    snapshot      TEXT,
    dry_run       TEXT,
    executed_at   TEXT,
    outcome       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (incident_id, key)
  );
  CREATE INDEX actions_state ON actions (state, id);
  CREATE INDEX actions_workload ON actions (workload, executed_at);

  CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    incident_id   INTEGER,
    action_id     INTEGER,
    event         TEXT NOT NULL,
    actor         TEXT NOT NULL,
    ok            INTEGER,
    action        TEXT,
    message       TEXT NOT NULL,
    policy        TEXT
  );
  CREATE INDEX audit_incident ON audit (incident_id, id);

  CREATE TABLE action_policies (
    hash          TEXT PRIMARY KEY,
    body          TEXT NOT NULL,
    loaded_at     TEXT NOT NULL
  );
  `,
  // 1. An incident's identity (fingerprint, start) is indexed start first: fingerprints are random, so
  //    the old order put each new alert on a different index page, and every one of those pages went
  //    through the intake's fsynced commit; start times are recent, so new entries now share a few pages.
  //    SQLite cannot change a table's UNIQUE constraint in place: the table is rebuilt (ids kept; foreign
  //    keys are off during migrations, see migrate()).
  // 2. The top bar's counts and the list's filter choices are read twice a second during a storm, on the
  //    thread that answers the webhook: covering indexes keep them off the wide incident rows.
  `
  CREATE TABLE incidents_rebuilt (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    alertname     TEXT NOT NULL,
    severity      TEXT NOT NULL,
    priority      INTEGER NOT NULL,
    namespace     TEXT,
    cluster       TEXT,
    target        TEXT NOT NULL,
    labels        TEXT NOT NULL,
    annotations   TEXT NOT NULL,
    generator_url TEXT NOT NULL,
    external_url  TEXT NOT NULL,
    receiver      TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('received','collecting','diagnosing','ready','failed','cancelled')),
    llm_pending   INTEGER NOT NULL DEFAULT 0,
    category      TEXT,
    confidence    INTEGER,
    source        TEXT,
    summary       TEXT,
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    received_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    acked_at      TEXT,
    acked_by      TEXT,
    resolved_at   TEXT,
    ends_at       TEXT,
    UNIQUE (starts_at, fingerprint)
  );
  INSERT INTO incidents_rebuilt (id, fingerprint, starts_at, alertname, severity, priority, namespace, cluster,
    target, labels, annotations, generator_url, external_url, receiver, group_key, state, llm_pending, category,
    confidence, source, summary, error, attempts, received_at, updated_at, acked_at, acked_by, resolved_at, ends_at)
  SELECT id, fingerprint, starts_at, alertname, severity, priority, namespace, cluster,
    target, labels, annotations, generator_url, external_url, receiver, group_key, state, llm_pending, category,
    confidence, source, summary, error, attempts, received_at, updated_at, acked_at, acked_by, resolved_at, ends_at
  FROM incidents;
  DROP TABLE incidents;
  ALTER TABLE incidents_rebuilt RENAME TO incidents;
  CREATE INDEX incidents_queue ON incidents (state, priority, received_at);
  CREATE INDEX incidents_received ON incidents (received_at DESC);
  CREATE INDEX incidents_open ON incidents (resolved_at, state, acked_at);
  CREATE INDEX incidents_namespace ON incidents (namespace);
  CREATE INDEX incidents_cluster ON incidents (cluster);
  `,
  // 6: Feishu storm folding — a 'new' card not sent because an earlier card announced the same alert on
  // the same workload names that incident (its resolved card then waits for, and counts, these)
  `
  ALTER TABLE deliveries ADD COLUMN folded_into INTEGER;
  CREATE INDEX deliveries_folded ON deliveries (folded_into) WHERE folded_into IS NOT NULL;
  `,
  // 7: the search index keeps only the index. Search reads nothing but rowids, and the incidents hold
  //    the text: a second copy took over a third of the database and a sixth of the index's writes. Rows can
  //    still be deleted (a new diagnosis replaces the old one's terms). No automatic merging: the
  //    pipeline merges in short steps of its own (store/search-index.ts).
  `
  CREATE VIRTUAL TABLE incidents_fts_index USING fts5 (
    alertname, target, labels, annotations, diagnosis,
    tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
  );
  INSERT INTO incidents_fts_index (incidents_fts_index, rank) VALUES ('automerge', 0);
  INSERT INTO incidents_fts_index (rowid, alertname, target, labels, annotations, diagnosis)
    SELECT rowid, alertname, target, labels, annotations, diagnosis FROM incidents_fts;
  DROP TABLE incidents_fts;
  ALTER TABLE incidents_fts_index RENAME TO incidents_fts;
  `,
];
