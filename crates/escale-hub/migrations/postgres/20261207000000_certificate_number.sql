-- The public verification page looks certificates up by number, across
-- organisations: an index on the number in the body of certificate ops only
-- (the same expression as the queries, `(body::jsonb ->> 'number')`),
-- instead of a scan of every op's body.
CREATE INDEX ops_certificate_number ON ops ((body::jsonb ->> 'number'))
    WHERE kind IN ('certificate_issued', 'certificate_revoked');
