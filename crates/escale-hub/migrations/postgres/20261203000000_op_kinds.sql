-- One spelling of each op kind: the `kind` column says what the body's tag
-- says (`check_in`, not `checkin`), as on the laptops. Older laptops' spelling
-- is still accepted on the wire and stored as today's.
UPDATE ops SET kind = 'check_in' WHERE kind = 'checkin';
UPDATE ops SET kind = 'void_check_in' WHERE kind = 'void_checkin';
