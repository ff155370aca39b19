-- The desk's registrations list (app/registrations.rs) walks visitors in
-- name order and probes each person's registrations, so a page of an event
-- with 100,000 people reads about one page of rows, never sorts them all.
-- Name order is case-insensitive for ASCII letters (NOCASE).
CREATE INDEX visitor_by_name ON visitor (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
-- Covers "is this person registered at this event, how, when, with which
-- ticket" without reading the registration rows.
CREATE INDEX registration_person ON registration (event_id, visitor_id, status, kind, registered_at, ticket_code);
