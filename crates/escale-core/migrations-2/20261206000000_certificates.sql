-- Attendance certificates (issue 10): the organisation's identity as a
-- certificate prints it, an event's partner and certificate text, and the
-- certificates themselves (records folded from `certificate_issued` and
-- `certificate_revoked` ops; the id derives from the number).
ALTER TABLE org ADD COLUMN address TEXT;
ALTER TABLE org ADD COLUMN siret TEXT;
ALTER TABLE org ADD COLUMN signatory_name TEXT;
ALTER TABLE org ADD COLUMN signatory_role TEXT;
ALTER TABLE org ADD COLUMN issue_place TEXT;
ALTER TABLE org ADD COLUMN verify_url TEXT;
ALTER TABLE event ADD COLUMN partner TEXT;
ALTER TABLE event ADD COLUMN certificate_text TEXT;

CREATE TABLE certificate (
    id BLOB NOT NULL UNIQUE,
    number TEXT,
    visitor_id BLOB,
    event_id BLOB,
    series TEXT,
    template TEXT,
    period_from TEXT,
    period_to TEXT,
    minutes INTEGER,
    spans TEXT,
    name TEXT,
    key_id TEXT,
    issued_by BLOB,
    issued_ms INTEGER,
    revoked_ms INTEGER,
    revoke_reason TEXT,
    stamps BLOB NOT NULL
);
-- A person's certificates (the visitor record, a reprint finding its number).
CREATE INDEX certificate_visitor ON certificate (visitor_id);
-- An event's certificates (the batch, the list).
CREATE INDEX certificate_event ON certificate (event_id);
