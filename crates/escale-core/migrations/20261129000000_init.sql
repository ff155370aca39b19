-- Escale local store, schema 1.
-- The `op` table is the truth; every other table except `local` is a
-- materialised view of it (see docs/data-model.md) and can be rebuilt.
-- Ids are UUID text. Times: `*_ms` are Unix milliseconds (UTC); event and
-- session times are ISO-8601 text with offset. `stamps` holds, per field,
-- the (HLC, origin) of the write that set it.

-- This device's private counters: identity, next sequence number, clock.
CREATE TABLE local (
    key TEXT PRIMARY KEY NOT NULL,
    int_value INTEGER,
    text_value TEXT
) WITHOUT ROWID;

CREATE TABLE op (
    id TEXT PRIMARY KEY NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT,
    body TEXT,                          -- NULL once redacted by an erasure
    status INTEGER NOT NULL DEFAULT 0,  -- 0 applied, 1 discarded (erased subject), 2 quarantined
    UNIQUE (origin, seq)
);
CREATE INDEX op_subject ON op (subject) WHERE subject IS NOT NULL;
CREATE INDEX op_hlc ON op (hlc);

-- Highest contiguous seq held per origin.
CREATE TABLE version_vector (
    origin TEXT PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE quarantine (
    op_id TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE org (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    stamps TEXT NOT NULL
);

CREATE TABLE device (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    stamps TEXT NOT NULL
);

CREATE TABLE event (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT,
    title TEXT,
    place TEXT,
    timezone TEXT,
    starts_at TEXT,
    ends_at TEXT,
    series TEXT,
    archived INTEGER,
    stamps TEXT NOT NULL
);

CREATE TABLE session (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT,
    title TEXT,
    room TEXT,
    starts_at TEXT,
    ends_at TEXT,
    capacity INTEGER,
    archived INTEGER,
    stamps TEXT NOT NULL
);
CREATE INDEX session_event ON session (event_id);

CREATE TABLE visitor (
    id TEXT PRIMARY KEY NOT NULL,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    postcode TEXT,
    birth_year INTEGER,
    situation TEXT,
    employment_id TEXT,
    notes TEXT,
    badge_code TEXT,
    stamps TEXT NOT NULL,
    name_key TEXT NOT NULL DEFAULT '',  -- derived: folded sorted name tokens
    rev INTEGER NOT NULL DEFAULT 0      -- cache: local change counter for the search index
);
CREATE INDEX visitor_email ON visitor (email) WHERE email IS NOT NULL;
CREATE INDEX visitor_name_key ON visitor (name_key);
CREATE INDEX visitor_badge ON visitor (badge_code) WHERE badge_code IS NOT NULL;
CREATE INDEX visitor_rev ON visitor (rev);

CREATE TABLE registration (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT,
    visitor_id TEXT,
    kind TEXT,
    source TEXT,
    source_key TEXT,
    ticket_code TEXT,
    status TEXT,
    registered_at TEXT,
    stamps TEXT NOT NULL
);
CREATE INDEX registration_event ON registration (event_id, visitor_id);
CREATE INDEX registration_visitor ON registration (visitor_id);
CREATE INDEX registration_ticket ON registration (ticket_code) WHERE ticket_code IS NOT NULL;

CREATE TABLE checkin (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL,
    session_id TEXT,
    visitor_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    origin TEXT NOT NULL,
    method TEXT NOT NULL,
    code TEXT,
    voided INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checkin_event ON checkin (event_id, session_id, visitor_id);
CREATE INDEX checkin_visitor ON checkin (visitor_id);
CREATE INDEX checkin_origin ON checkin (origin, at_ms);

CREATE TABLE checkin_void (
    checkin_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE consent (
    id TEXT PRIMARY KEY NOT NULL,
    visitor_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    wording_version TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    stamp TEXT NOT NULL
);
CREATE INDEX consent_visitor ON consent (visitor_id);

CREATE TABLE merge_edge (
    op_id TEXT PRIMARY KEY NOT NULL,
    loser TEXT NOT NULL,
    winner TEXT NOT NULL,
    stamp TEXT NOT NULL
);

-- Derived from merge_edge: merged-away id -> the record that now stands for it.
CREATE TABLE alias (
    id TEXT PRIMARY KEY NOT NULL,
    root TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX alias_root ON alias (root);

CREATE TABLE erase_request (
    visitor_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- Derived: the erasure closure (PII-free tombstones).
CREATE TABLE erased (
    visitor_id TEXT PRIMARY KEY NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0  -- cache, as visitor.rev
) WITHOUT ROWID;
