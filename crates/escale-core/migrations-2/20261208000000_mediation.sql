-- The mediation log and partner reports (issue 12): a person's gender,
-- asked only when the organisation switches it on; a session's themes (its
-- attendance is a collective mediation activity); and the mediation
-- entries (records folded from `set.mediation` ops).
ALTER TABLE visitor ADD COLUMN gender TEXT;
ALTER TABLE session ADD COLUMN themes TEXT;

CREATE TABLE mediation (
    id BLOB NOT NULL UNIQUE,
    at TEXT,
    minutes INTEGER,
    themes TEXT,
    tags TEXT,
    autonomy TEXT,
    referral TEXT,
    equipment TEXT,
    place_kind TEXT,
    commune_code TEXT,
    event_id BLOB,
    session_id BLOB,
    mediator TEXT,
    deleted INTEGER,
    visitor_id BLOB,
    note TEXT,
    stamps BLOB NOT NULL
);
-- A person's help (the visitor record; erasure finds the entries to make anonymous).
CREATE INDEX mediation_visitor ON mediation (visitor_id);
-- The log by date (the list, a report's period).
CREATE INDEX mediation_at ON mediation (at);
