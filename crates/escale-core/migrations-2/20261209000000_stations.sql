-- Public computers, their waiting list, pages printed and the coworking
-- space (issue 13): records folded from `set.station`, `set.station_use`,
-- `set.ticket`, `set.print_job` and `set.cowork_pass` ops; the
-- organisation's settings for them; a coworker's status; and the event
-- that is the coworking space.
ALTER TABLE org ADD COLUMN station_minutes_stand INTEGER;
ALTER TABLE org ADD COLUMN station_minutes_third_place INTEGER;
ALTER TABLE org ADD COLUMN print_quota INTEGER;
ALTER TABLE org ADD COLUMN cowork_capacity INTEGER;
ALTER TABLE event ADD COLUMN coworking INTEGER;
ALTER TABLE visitor ADD COLUMN cowork_status TEXT;

CREATE TABLE station (
    id BLOB NOT NULL UNIQUE,
    name TEXT,
    place TEXT,
    offers TEXT,
    out_of_order INTEGER,
    archived INTEGER,
    stamps BLOB NOT NULL
);

CREATE TABLE station_use (
    id BLOB NOT NULL UNIQUE,
    station_id BLOB,
    purpose TEXT,
    started_at TEXT,
    minutes INTEGER,
    ended_at TEXT,
    event_id BLOB,
    ticket_id BLOB,
    desk BLOB,
    visitor_id BLOB,
    stamps BLOB NOT NULL
);
-- The board: sessions still running (a handful at any time).
CREATE INDEX station_use_open ON station_use (station_id) WHERE ended_at IS NULL;
-- A report's period; a person's sessions (erasure).
CREATE INDEX station_use_started ON station_use (started_at);
CREATE INDEX station_use_visitor ON station_use (visitor_id);

CREATE TABLE ticket (
    id BLOB NOT NULL UNIQUE,
    day TEXT,
    number INTEGER,
    purpose TEXT,
    joined_at TEXT,
    state TEXT,
    skips INTEGER,
    called_at TEXT,
    closed_at TEXT,
    event_id BLOB,
    visitor_id BLOB,
    stamps BLOB NOT NULL
);
CREATE INDEX ticket_day ON ticket (day, number);
CREATE INDEX ticket_visitor ON ticket (visitor_id);

CREATE TABLE print_job (
    id BLOB NOT NULL UNIQUE,
    at TEXT,
    day TEXT,
    pages INTEGER,
    granted INTEGER,
    visitor_id BLOB,
    stamps BLOB NOT NULL
);
CREATE INDEX print_job_visitor ON print_job (visitor_id, day);
CREATE INDEX print_job_day ON print_job (day);

CREATE TABLE cowork_pass (
    id BLOB NOT NULL UNIQUE,
    kind TEXT,
    starts_on TEXT,
    ends_on TEXT,
    deleted INTEGER,
    visitor_id BLOB,
    stamps BLOB NOT NULL
);
CREATE INDEX cowork_pass_visitor ON cowork_pass (visitor_id);
