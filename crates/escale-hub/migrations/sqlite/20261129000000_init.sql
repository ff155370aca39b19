-- Escale hub, SQLite schema 1 (a single file for a small office).
-- Same tables as the PostgreSQL schema; ids are UUID text, hashes are blobs,
-- times Unix ms. Every query filters by org_id.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    org_key TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    enrolled_ms INTEGER NOT NULL,
    revoked_ms INTEGER,
    last_seen_ms INTEGER
);
CREATE INDEX devices_org ON devices (org_id);

CREATE TABLE enrol_codes (
    code_hash BLOB PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    used_ms INTEGER,
    device_id TEXT
);

CREATE TABLE ops (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    id TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    status INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, origin, seq)
);
CREATE INDEX ops_subject ON ops (org_id, subject) WHERE subject IS NOT NULL;

CREATE TABLE vectors (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (org_id, origin)
) WITHOUT ROWID;

CREATE TABLE merge_edges (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    op_id TEXT NOT NULL,
    loser TEXT NOT NULL,
    winner TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (org_id, op_id)
) WITHOUT ROWID;

CREATE TABLE erase_requests (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    visitor_id TEXT NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
) WITHOUT ROWID;

CREATE TABLE erased (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    visitor_id TEXT NOT NULL,
    erased_ms INTEGER NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
) WITHOUT ROWID;

-- Every write transaction starts by bumping this row, so it takes SQLite's
-- write lock at once (waiting for the busy timeout) instead of failing when
-- a read would have to upgrade to a write half-way.
CREATE TABLE hub_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
