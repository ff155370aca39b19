-- Schema 2 of the hub (PostgreSQL): no foreign key from the per-push tables
-- to `orgs`.
--
-- A foreign key check locks the referenced row (FOR KEY SHARE) once per
-- inserted row. Every op of an organisation references the same `orgs` row,
-- so 50 devices pushing at once all lock that one row: PostgreSQL keeps the
-- lockers of a row shared by several transactions in a MultiXact, and each
-- new locker creates a new one holding every previous member — the hot row
-- of the push path (and 500 lock checks per page of 500 ops).
--
-- The constraint guarded nothing a push can break: the org_id of every row
-- written by a push is the authenticated device's, read from `devices`
-- (whose org_id still references `orgs`), never from the request; and no
-- organisation is ever deleted. `devices` and `enrol_codes` keep theirs.
ALTER TABLE ops DROP CONSTRAINT IF EXISTS ops_org_id_fkey;
ALTER TABLE vectors DROP CONSTRAINT IF EXISTS vectors_org_id_fkey;
ALTER TABLE merge_edges DROP CONSTRAINT IF EXISTS merge_edges_org_id_fkey;
ALTER TABLE erase_requests DROP CONSTRAINT IF EXISTS erase_requests_org_id_fkey;
ALTER TABLE erased DROP CONSTRAINT IF EXISTS erased_org_id_fkey;
