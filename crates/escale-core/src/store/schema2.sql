-- Escale local store, schema 2 (store/upgrade.rs runs this, then copies a
-- schema-1 store's rows into these tables and drops the old ones).
--
-- Ids are 16-byte BLOBs (UUIDs; text only at the edges). Per-field stamps
-- are one BLOB per record (store/codec.rs); op bodies are compressed.
-- Every index is here because a query needs it: the query is named next
-- to it, and docs/data-model.md lists them. Times: `*_ms` are Unix
-- milliseconds (UTC); event and session times are ISO-8601 text.

-- The log, clustered by (origin, seq): a page of it for sync or a bundle is
-- a range read, a device's own appends go to the end of its range, and a
-- pulled page (sorted by origin, seq) lands in few B-tree pages. No index
-- on `id`: duplicates are found by (origin, seq), and the few look-ups by
-- id (refold after an upgrade, the canonical dump) scan.
-- No index on `subject` either: only an erasure looks ops up by subject,
-- a rare batch that scans.
CREATE TABLE op2 (
    origin BLOB NOT NULL,
    seq INTEGER NOT NULL,
    id BLOB NOT NULL,
    hlc INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject BLOB,
    body BLOB,                          -- NULL once redacted by an erasure
    status INTEGER NOT NULL DEFAULT 0,  -- 0 applied, 1 discarded (erased subject), 2 quarantined
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;

CREATE TABLE version_vector2 (
    origin BLOB PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE quarantine2 (
    op_id BLOB PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE op_pending2 (
    op_id BLOB PRIMARY KEY NOT NULL,
    fields TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE org2 (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT,
    stamps BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE device2 (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT,
    stamps BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE event2 (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT,
    title TEXT,
    place TEXT,
    timezone TEXT,
    starts_at TEXT,
    ends_at TEXT,
    series TEXT,
    archived INTEGER,
    stamps BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE session2 (
    id BLOB PRIMARY KEY NOT NULL,
    event_id BLOB,
    title TEXT,
    room TEXT,
    starts_at TEXT,
    ends_at TEXT,
    capacity INTEGER,
    archived INTEGER,
    stamps BLOB NOT NULL
) WITHOUT ROWID;

-- People: a rowid table (its secondary indexes point at a small rowid, not
-- at a 16-byte key), its id unique.
CREATE TABLE visitor2 (
    id BLOB NOT NULL UNIQUE,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    postcode TEXT,
    commune TEXT,
    commune_code TEXT,
    birth_year INTEGER,
    situation TEXT,
    employment_id TEXT,
    notes TEXT,
    badge_code TEXT,
    stamps BLOB NOT NULL,
    name_key TEXT NOT NULL DEFAULT '',  -- derived: folded sorted name tokens
    rev INTEGER NOT NULL DEFAULT 0      -- cache: local change counter for the search index
);

CREATE TABLE registration2 (
    id BLOB NOT NULL UNIQUE,
    event_id BLOB,
    visitor_id BLOB,
    kind TEXT,
    source TEXT,
    source_key TEXT,
    ticket_code TEXT,
    status TEXT,
    registered_at TEXT,
    stamps BLOB NOT NULL
);

CREATE TABLE checkin2 (
    id BLOB NOT NULL UNIQUE,
    event_id BLOB NOT NULL,
    session_id BLOB,
    visitor_id BLOB NOT NULL,
    direction TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    origin BLOB NOT NULL,
    method TEXT NOT NULL,
    code TEXT,
    voided INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE checkin_void2 (
    checkin_id BLOB PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE consent2 (
    id BLOB NOT NULL UNIQUE,
    visitor_id BLOB NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    wording_version TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    stamp BLOB NOT NULL
);

CREATE TABLE merge_edge2 (
    op_id BLOB PRIMARY KEY NOT NULL,
    loser BLOB NOT NULL,
    winner BLOB NOT NULL,
    stamp BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE alias2 (
    id BLOB PRIMARY KEY NOT NULL,
    root BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE erase_request2 (
    visitor_id BLOB PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE erased2 (
    visitor_id BLOB PRIMARY KEY NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE duplicate_dismissal2 (
    a BLOB NOT NULL,
    b BLOB NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
