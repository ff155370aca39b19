-- Forward compatibility between versions (docs/operation-log.md).
--
-- A `set` op naming fields this version does not know (a newer laptop's)
-- is applied for the fields it knows and kept whole in the log; this table
-- remembers which fields it could not apply, so that the op is folded again
-- after an upgrade that knows them. A function of the log and of this
-- version's registry, like the quarantine.
CREATE TABLE op_pending (
    op_id TEXT PRIMARY KEY NOT NULL,
    fields TEXT NOT NULL               -- the unknown field names, comma-separated, sorted
) WITHOUT ROWID;

-- One spelling of each op kind: the log's `kind` column now says what the
-- body's tag says (`check_in`, not `checkin`). Older laptops' spelling is
-- still accepted on the wire and read as today's.
UPDATE op SET kind = 'check_in' WHERE kind = 'checkin';
UPDATE op SET kind = 'void_check_in' WHERE kind = 'void_checkin';
