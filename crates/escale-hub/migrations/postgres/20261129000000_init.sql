-- Escale hub, PostgreSQL schema 1.
-- Every table but `orgs` carries org_id and every query filters by it: one
-- organisation's data is never served to another. Times are Unix ms (UTC).
-- Secrets (device tokens, enrolment codes) are stored only as SHA-256 hashes.

CREATE TABLE orgs (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    -- handed to enrolled devices: encrypts LAN sync and USB bundles
    org_key TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE devices (
    -- a device id is an op origin: unique across the hub
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    enrolled_ms BIGINT NOT NULL,
    revoked_ms BIGINT,
    last_seen_ms BIGINT
);
CREATE INDEX devices_org ON devices (org_id);

CREATE TABLE enrol_codes (
    code_hash BYTEA PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES orgs (id),
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT,
    device_id UUID
);

-- The log. `body` is the JSON the device sent; NULL once redacted by an
-- erasure. status: 0 stored, 1 redacted (subject erased), 2 quarantined.
CREATE TABLE ops (
    org_id UUID NOT NULL REFERENCES orgs (id),
    id UUID NOT NULL,
    origin UUID NOT NULL,
    seq BIGINT NOT NULL,
    hlc BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject UUID,
    body TEXT,
    status SMALLINT NOT NULL DEFAULT 0,
    reason TEXT,
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (org_id, id),
    -- a second, different op at a device's place: a cloned device
    CONSTRAINT ops_origin_seq UNIQUE (org_id, origin, seq)
);
CREATE INDEX ops_subject ON ops (org_id, subject) WHERE subject IS NOT NULL;

-- Highest contiguous seq held per origin (what pulls may serve).
CREATE TABLE vectors (
    org_id UUID NOT NULL REFERENCES orgs (id),
    origin UUID NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (org_id, origin)
);

-- Erasure bookkeeping, ids only (no personal data): the erased set is the
-- closure of erase requests over every merge edge (fold::erased_closure).
CREATE TABLE merge_edges (
    org_id UUID NOT NULL REFERENCES orgs (id),
    op_id UUID NOT NULL,
    loser UUID NOT NULL,
    winner UUID NOT NULL,
    hlc BIGINT NOT NULL,
    origin UUID NOT NULL,
    PRIMARY KEY (org_id, op_id)
);

CREATE TABLE erase_requests (
    org_id UUID NOT NULL REFERENCES orgs (id),
    visitor_id UUID NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
);

CREATE TABLE erased (
    org_id UUID NOT NULL REFERENCES orgs (id),
    visitor_id UUID NOT NULL,
    erased_ms BIGINT NOT NULL,
    PRIMARY KEY (org_id, visitor_id)
);
