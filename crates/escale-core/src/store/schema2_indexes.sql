-- Schema 2's indexes, created once the tables are filled (store/upgrade.rs).
-- Each names the queries that need it; docs/data-model.md lists them too.

-- The sessions of an event (event screen, the desk's session picker).
CREATE INDEX session_event ON session (event_id);

-- The walk-in form's "already known?" warning and the import's matching by
-- e-mail (app/people.rs, import.rs); the duplicates review.
CREATE INDEX visitor_email ON visitor (email) WHERE email IS NOT NULL;
-- The same by name: duplicates review, walk-in warning, import matching.
CREATE INDEX visitor_name_key ON visitor (name_key);
-- A scanned badge (check-in by code).
CREATE INDEX visitor_badge ON visitor (badge_code) WHERE badge_code IS NOT NULL;
-- The search index's refresh: who changed since its last look (search.rs).
CREATE INDEX visitor_rev ON visitor (rev);
-- The registrations list in name order, a page at a time without sorting
-- the event (app/registrations.rs; ties broken by rowid).
CREATE INDEX visitor_by_name ON visitor (last_name COLLATE NOCASE, first_name COLLATE NOCASE);

-- "Is this person registered at this event, how, since when, with which
-- ticket": the check-in, the counters, the lists and exports read it from
-- the index alone.
CREATE INDEX registration_person ON registration (event_id, visitor_id, status, kind, registered_at, ticket_code);
-- A person's registrations (visitor record, merge, erasure, duplicates review).
CREATE INDEX registration_visitor ON registration (visitor_id);
-- A scanned ticket (check-in by code).
CREATE INDEX registration_ticket ON registration (ticket_code) WHERE ticket_code IS NOT NULL;

-- A person's arrival at an event or a session (check-in's "already
-- arrived?", counters, lists, exports).
CREATE INDEX checkin_event ON checkin (event_id, session_id, visitor_id);
-- A person's check-ins (visitor record, erasure).
CREATE INDEX checkin_visitor ON checkin (visitor_id);
-- Undo: this laptop's latest check-in.
CREATE INDEX checkin_origin ON checkin (origin, at_ms);

-- A person's consents (visitor record, erasure).
CREATE INDEX consent_visitor ON consent (visitor_id);

-- The records merged into a person.
CREATE INDEX alias_root ON alias (root);
