-- Retention and anonymisation (issue 14): the anonymised set is the closure
-- of anonymise requests over every merge edge (fold.rs), kept like the
-- erased one; the organisation's retention periods, in months.
CREATE TABLE anonymise_request (
    visitor_id BLOB PRIMARY KEY NOT NULL
) WITHOUT ROWID;
CREATE TABLE anonymised (
    visitor_id BLOB PRIMARY KEY NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
ALTER TABLE org ADD COLUMN retention_months INTEGER;
ALTER TABLE org ADD COLUMN retention_walkin_months INTEGER;
