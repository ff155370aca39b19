-- Staff accounts (issue 14): records folded from `set.staff` ops (name,
-- role, the PIN's Argon2id hash, a staff badge code); which staff member
-- works on a laptop from an op on (`set.device` with `staff_id`); the
-- organisation's auto-lock delay.
CREATE TABLE staff (
    id BLOB NOT NULL UNIQUE,
    name TEXT,
    role TEXT,
    pin_hash TEXT,
    badge TEXT,
    archived INTEGER,
    stamps BLOB NOT NULL
);
ALTER TABLE device ADD COLUMN staff_id BLOB;
ALTER TABLE org ADD COLUMN lock_minutes INTEGER;

-- The audit log of access to personal data: records folded from
-- `set.audit` ops; who an entry is about travels in its own op (erasure
-- keeps the entry, without the person).
CREATE TABLE audit (
    id BLOB NOT NULL UNIQUE,
    at TEXT,
    action TEXT,
    staff_id BLOB,
    device_id BLOB,
    event_id BLOB,
    detail TEXT,
    visitor_id BLOB,
    stamps BLOB NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_visitor ON audit (visitor_id);
